-- Change events (docs/events.md): a transactional outbox of what changed, written in the same transaction as the
-- change, and the webhook subscriptions that receive them.
--
-- A row is written without a position: a sequence value taken at insert is not commit order (a transaction that took
-- 10 may commit after 11 was read, and a reader that resumed after 11 would never see 10). The publisher
-- (events.EventPublisher, one at a time under an advisory lock) numbers the rows whose writing transaction has ended
-- (txid below the xmin of its snapshot) in one transaction, so public positions are gap-free, increasing, and never
-- appear behind a reader. Rows carry ids and types only, never PHI.
CREATE TABLE change_event (
    id            bigserial   PRIMARY KEY,
    txid          xid8        NOT NULL DEFAULT pg_current_xact_id(),
    position      bigint      UNIQUE,
    type          text        NOT NULL,
    subject_kind  text        NOT NULL,
    subject_id    uuid        NOT NULL,
    version       bigint,
    changed       text[]      NOT NULL DEFAULT '{}',
    related       jsonb       NOT NULL DEFAULT '{}',
    occurred_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX change_event_unpublished ON change_event (id) WHERE position IS NULL;
CREATE INDEX change_event_published_at ON change_event (occurred_at) WHERE position IS NOT NULL;

-- The last position handed out and the last one purged (an `after` below it asks for events that are gone).
CREATE TABLE change_event_state (
    id              int    PRIMARY KEY CHECK (id = 1),
    last_position   bigint NOT NULL,
    purged_through  bigint NOT NULL
);
INSERT INTO change_event_state (id, last_position, purged_through) VALUES (1, 0, 0);

-- A webhook subscription. The secrets are the raw HMAC keys (base64); they are never returned after creation or
-- rotation, never logged and never audited. `delivered_through` is the position delivered last: the next delivery is
-- the first matching event after it, so a subscription receives its events at least once and in position order.
CREATE TABLE webhook_subscription (
    id                    uuid        PRIMARY KEY,
    owner_subject         text        NOT NULL,
    owner_roles           text[]      NOT NULL,
    url                   text        NOT NULL,
    types                 text[]      NOT NULL,
    description           text,
    include_record        boolean     NOT NULL DEFAULT false,
    enabled               boolean     NOT NULL DEFAULT true,
    disabled_reason       text,
    disabled_at           timestamptz,
    secret                text        NOT NULL,
    previous_secret       text,
    previous_secret_until timestamptz,
    delivered_through     bigint      NOT NULL,
    failures              int         NOT NULL DEFAULT 0,
    next_attempt_at       timestamptz,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    version               bigint      NOT NULL DEFAULT 0
);

-- One row per attempt to deliver an event to a subscription: the delivery log.
CREATE TABLE webhook_delivery (
    id               bigserial   PRIMARY KEY,
    subscription_id  uuid        NOT NULL REFERENCES webhook_subscription (id) ON DELETE CASCADE,
    position         bigint      NOT NULL,
    message_id       text        NOT NULL,
    event_type       text        NOT NULL,
    attempt          int         NOT NULL,
    attempted_at     timestamptz NOT NULL,
    status           int,
    latency_ms       bigint,
    error            text,
    next_retry_at    timestamptz
);
CREATE INDEX webhook_delivery_of_subscription ON webhook_delivery (subscription_id, id DESC);
CREATE INDEX webhook_delivery_attempted ON webhook_delivery (attempted_at);
