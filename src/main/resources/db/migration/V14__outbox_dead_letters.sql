-- A relay that never stalls: failed attempts are counted on the outbox row, and a row that keeps failing moves to
-- outbox_dead_letter so that the rows behind it go on. `bytes` lets the relay bound a batch by payload size without
-- reading payloads it will leave for later.
ALTER TABLE outbox
    ADD COLUMN attempts        int         NOT NULL DEFAULT 0,
    ADD COLUMN last_error      text,
    ADD COLUMN first_failed_at timestamptz,
    ADD COLUMN retry_at        timestamptz,
    ADD COLUMN bytes           int GENERATED ALWAYS AS (octet_length(payload::text)) STORED;

-- Rows waiting out their backoff hold back the later rows of their aggregate.
CREATE INDEX outbox_retrying ON outbox (aggregate_id, position) WHERE applied_at IS NULL AND attempts > 0;

-- Rows the relay gave up on, kept with everything needed to put them back at their place in the outbox.
CREATE TABLE outbox_dead_letter (
    position        bigint PRIMARY KEY,
    type            text        NOT NULL,
    aggregate_id    uuid        NOT NULL,
    version         bigint      NOT NULL,
    payload         jsonb       NOT NULL,
    items           int         NOT NULL,
    occurred_at     timestamptz NOT NULL,
    attempts        int         NOT NULL,
    error           text        NOT NULL,
    first_failed_at timestamptz NOT NULL,
    last_failed_at  timestamptz NOT NULL,
    dead_at         timestamptz NOT NULL DEFAULT now()
);
-- Later outbox rows of an aggregate with a dead letter are parked behind it.
CREATE INDEX outbox_dead_letter_aggregate ON outbox_dead_letter (aggregate_id, position);
