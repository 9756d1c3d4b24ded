-- Transactional outbox: every change that the graph must see, committed with the change itself.
CREATE TABLE outbox (
    position     bigserial PRIMARY KEY,
    type         text        NOT NULL,
    aggregate_id uuid        NOT NULL,
    version      bigint      NOT NULL,
    payload      jsonb       NOT NULL,
    occurred_at  timestamptz NOT NULL DEFAULT now(),
    applied_at   timestamptz
);
-- The relay only ever reads what is pending, in order.
CREATE INDEX outbox_pending ON outbox (position) WHERE applied_at IS NULL;

-- The relay's progress: one row.
CREATE TABLE sync_state (
    id               int PRIMARY KEY CHECK (id = 1),
    applied_position bigint      NOT NULL DEFAULT 0,
    applied_at       timestamptz,
    last_error       text,
    last_error_at    timestamptz
);
INSERT INTO sync_state (id) VALUES (1);
