-- Change events get their positions per committed transaction instead of per row (docs/events.md, "How positions are
-- given").
--
-- Until now the publisher wrote a position into every event row: an UPDATE of each row, a second version of it, three
-- more index entries, and the dead version for VACUUM to remove. A bulk import of a million ties paid 27-38 s of
-- PostgreSQL CPU for it (bench/RESULTS.md, issue 17, eighteenth session). Now the publisher writes a row per
-- committed transaction into change_event_group: the positions its events hold. A transaction's events take
-- consecutive positions in the order of their ids. A group is a run of one transaction's events with consecutive ids
-- (the whole transaction, unless another one drew ids from the sequence meanwhile), so an event's position is its
-- group's first position plus the distance of its id from the group's first id: a read finds it through the key
-- (txid, id) without counting. Event rows are never written again after their insert.
--
-- Which transactions are ready is still decided by the snapshot's xmin: a transaction id below it belongs to a
-- transaction that has ended. change_event_state.published_horizon is the xmin up to which every transaction is
-- numbered, so the next numbering reads only the transactions in [published_horizon, xmin), through the index on
-- (txid, id).
--
-- Older versions of the service must be stopped before this migration runs: their publisher would number the new
-- rows a second way. Events already published keep their positions: each becomes a group of its own (the old
-- numbering could split a transaction's events between numberings, and between other transactions' events). Events
-- that committed but were not numbered yet are numbered here, the old way, in the order of their ids.

CREATE TABLE change_event_group (
    last_position   bigint      PRIMARY KEY,
    first_position  bigint      NOT NULL UNIQUE,
    txid            xid8        NOT NULL,
    first_id        bigint      NOT NULL,
    last_id         bigint      NOT NULL,
    published_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (first_position >= 1 AND last_position >= first_position),
    CHECK (last_position - first_position = last_id - first_id)
);
-- The retention's purge finds the groups published before its cut-off.
CREATE INDEX change_event_group_published ON change_event_group (published_at);

ALTER TABLE change_event_state ADD COLUMN published_horizon xid8;

-- Committed, not yet numbered: numbered now, after the last position, in id order (what the old publisher would have
-- done next). Rows of transactions still running (an older replica left up) are numbered by the new publisher.
WITH horizon AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
     state AS MATERIALIZED (SELECT last_position FROM change_event_state WHERE id = 1 FOR UPDATE),
     ready AS MATERIALIZED (
         SELECT e.id, row_number() OVER (ORDER BY e.id) AS n
         FROM change_event e, horizon h
         WHERE e.position IS NULL AND e.txid < h.xmin),
     numbered AS (
         UPDATE change_event e SET position = s.last_position + r.n
         FROM ready r, state s
         WHERE e.id = r.id
         RETURNING e.position)
UPDATE change_event_state
SET last_position = last_position + (SELECT count(*) FROM numbered),
    published_horizon = (SELECT xmin FROM horizon)
WHERE id = 1;

-- Every published event, a group of one; published_at is when it occurred (the purge's clock until now).
INSERT INTO change_event_group (last_position, first_position, txid, first_id, last_id, published_at)
SELECT position, position, txid, id, id, occurred_at
FROM change_event
WHERE position IS NOT NULL;

ALTER TABLE change_event_state ALTER COLUMN published_horizon SET NOT NULL;

-- The rows stay as inserted: no position, and no index that an update would have to keep.
DROP INDEX change_event_unpublished;
DROP INDEX change_event_published_at;
ALTER TABLE change_event DROP COLUMN position;

-- The one index of the write path, in the order groups are read: a transaction's events by id. It replaces the
-- primary key on id alone, which no statement needs (every read goes through a group's txid and id range).
ALTER TABLE change_event DROP CONSTRAINT change_event_pkey;
ALTER TABLE change_event ADD CONSTRAINT change_event_pkey PRIMARY KEY (txid, id);
