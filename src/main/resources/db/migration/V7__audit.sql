-- Audit trail: who did what to which record, when, from where, and how it ended. Append-only: rows carry ids, never
-- personal data, so they can outlive the records they point at (an erased contact keeps its trail).
CREATE TABLE audit_event (
    id             bigserial PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT clock_timestamp(),
    subject        text        NOT NULL,
    roles          text[]      NOT NULL DEFAULT '{}',
    action         text        NOT NULL,
    resource_type  text        NOT NULL,
    resource_id    text,
    contact_ids    uuid[]      NOT NULL DEFAULT '{}',
    method         text        NOT NULL,
    path           text        NOT NULL,
    status         int         NOT NULL,
    request_id     text,
    client_address text
);
CREATE INDEX audit_event_at ON audit_event (at, id);
CREATE INDEX audit_event_subject ON audit_event (subject, id);
CREATE INDEX audit_event_resource ON audit_event (resource_type, resource_id);
CREATE INDEX audit_event_contacts ON audit_event USING gin (contact_ids);

-- Append-only, enforced by the database itself: no role that can write here can change or remove what was written.
CREATE FUNCTION audit_event_append_only() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_event_no_update_or_delete
    BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();

CREATE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();

REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM PUBLIC;

-- Where the application connects as its own role (circles_app, see docs/security.md) rather than as the owner of the
-- schema, that role may only add and read audit rows.
DO
$$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'circles_app') THEN
        REVOKE ALL ON audit_event FROM circles_app;
        GRANT SELECT, INSERT ON audit_event TO circles_app;
        GRANT USAGE ON SEQUENCE audit_event_id_seq TO circles_app;
    END IF;
END
$$;

-- Contacts erased on request: makes erasure idempotent (a second request answers like the first) without keeping
-- anything about the person but the id.
CREATE TABLE contact_erasure (
    contact_id uuid PRIMARY KEY,
    erased_at  timestamptz NOT NULL,
    erased_by  text        NOT NULL
);
