-- The audit trail is searched by contact (who was shown this contact's record) through a table of chunks instead of a
-- GIN index on audit_event.contact_ids.
--
-- Why: a read that shows many contacts (circles of up to 500, influencers with their ties) added as many GIN entries,
-- and under a steady stream of such reads GIN's pending list was never moved in bulk: gin_clean_pending_list keeps
-- going while inserts append behind it and flushes each time it reaches the end of the list, so nearly every entry
-- was inserted on its own, each insert rewriting the contact's whole posting list. Measured with circles at depth 2
-- (4 clients, 100k contacts, about 460 calls a second): 97 % of the WAL was GIN inserts, 96-130 KB of WAL a call and
-- a checkpoint every 7 s; the cleaner ran for 85 s without a break; p99 41-53 ms. Without the index: p99 12.6 ms.
--
-- Now the rows are indexed after the fact, in chunks: audit_event_index_contacts() takes the rows written since the
-- last chunk, up to a bound, and adds one row per contact they name: the contact, the chunk's last audit id, and the
-- ids of the chunk's rows that name it. A contact's rows are its chunks' ids plus the rows not yet chunked (the tail,
-- a short range of ids read through the primary key). The chunk rows are derived data: the audit rows themselves,
-- their contact_ids and the hash chain over them are unchanged.
-- The first chunk aggregates every row written so far.
SET LOCAL work_mem = '256MB';

DROP INDEX audit_event_contacts;

CREATE TABLE audit_contact_chunk (
    contact_id uuid     NOT NULL,
    last_id    bigint   NOT NULL, -- the last audit row id the chunk covers
    event_ids  bigint[] NOT NULL, -- the ids of the chunk's rows that name the contact, ascending
    PRIMARY KEY (contact_id, last_id)
);

-- How far the chunks reach: every audit row with an id up to `through` is in them.
CREATE TABLE audit_contact_indexed (
    one_row boolean PRIMARY KEY DEFAULT true CHECK (one_row),
    through bigint  NOT NULL
);

-- Rows already written become one first chunk. Ids are given under the chain's lock, which is held to commit
-- (V13), so once a row is visible every row with a lower id has committed or rolled back: none can appear below it.
INSERT INTO audit_contact_indexed (through) SELECT coalesce(max(id), 0) FROM audit_event;
INSERT INTO audit_contact_chunk (contact_id, last_id, event_ids)
SELECT c, (SELECT through FROM audit_contact_indexed), array_agg(DISTINCT e.id)
FROM audit_event e CROSS JOIN LATERAL unnest(e.contact_ids) AS c
GROUP BY c;

-- Chunks the rows not yet chunked, at most max_rows of them, once there are at least min_rows or the oldest has waited
-- max_wait; returns the rows chunked (0: none yet). One caller at a time (the row lock on audit_contact_indexed).
-- Runs as the owner: the service's role may read the chunks but not write them (afterMigrate.sql).
CREATE FUNCTION audit_event_index_contacts(min_rows integer, max_rows integer, max_wait interval) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET work_mem = '128MB' AS
$$
DECLARE
    done    bigint;
    upto    bigint;
    waiting bigint;
    oldest  timestamptz;
BEGIN
    SELECT through INTO done FROM audit_contact_indexed FOR UPDATE;
    SELECT count(*), max(id) INTO waiting, upto
    FROM (SELECT id FROM audit_event WHERE id > done ORDER BY id LIMIT max_rows) r;
    IF waiting = 0 THEN
        RETURN 0;
    END IF;
    IF waiting < min_rows THEN
        SELECT at INTO oldest FROM audit_event WHERE id > done ORDER BY id LIMIT 1;
        IF oldest > clock_timestamp() - max_wait THEN
            RETURN 0;
        END IF;
    END IF;
    INSERT INTO audit_contact_chunk (contact_id, last_id, event_ids)
    SELECT c, upto, array_agg(DISTINCT e.id)
    FROM audit_event e CROSS JOIN LATERAL unnest(e.contact_ids) AS c
    WHERE e.id > done AND e.id <= upto
    GROUP BY c;
    UPDATE audit_contact_indexed SET through = upto;
    RETURN waiting;
END
$$;
REVOKE ALL ON FUNCTION audit_event_index_contacts(integer, integer, interval) FROM PUBLIC;

-- The records index keeps GIN's pending list, moved in by the service (V34); the contacts index is gone.
CREATE OR REPLACE FUNCTION audit_event_index_pending() RETURNS bigint
    LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
SELECT gin_clean_pending_list('audit_event_records'::regclass)
$$;
REVOKE ALL ON FUNCTION audit_event_index_pending() FROM PUBLIC;
