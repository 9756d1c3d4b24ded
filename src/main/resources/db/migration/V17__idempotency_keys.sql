-- Idempotency-Key (IETF draft httpapi-idempotency-key) on the creating POSTs: one row per caller and key. A row with
-- status NULL is a request still in progress; once it answered with a 2xx the row keeps that answer (status, Location,
-- ETag, content type, body) for 24 hours, so that a retry with the same key and body gets it again instead of creating
-- a second record. The body is a created resource as its creator saw it (PHI): it is only ever returned to the same
-- subject, removed when a contact it names is erased, and purged on a schedule after 24 hours.
CREATE TABLE idempotency_key (
    subject         text        NOT NULL,
    idem_key        text        NOT NULL,
    method          text        NOT NULL,
    path            text        NOT NULL,
    body_sha256     bytea       NOT NULL,
    status          int,
    location        text,
    etag            text,
    content_type    text,
    response_body   text,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (subject, idem_key)
);
CREATE INDEX idempotency_key_created ON idempotency_key (created_at);
