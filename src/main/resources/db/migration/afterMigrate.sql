-- After every migration, as the schema's owner: the service's own role (the placeholder appRole, which is the
-- datasource's user) may read and write the tables it serves, and may only add to and read the audit trail. It owns
-- nothing, so it can neither alter nor disable the triggers that keep the trail append-only, nor drop the table.
DO
$$
DECLARE
    app text := '${appRole}';
BEGIN
    IF app = current_user THEN
        RAISE WARNING 'The service connects as the owner of the schema (%), so it could change or remove audit rows; '
            'run it as a role of its own (docs/security.md)', app;
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app) THEN
        RAISE WARNING 'The service role % does not exist; create it (docs/security.md) and migrate again', app;
        RETURN;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', app);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', app);
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I', app);
    EXECUTE format('REVOKE ALL ON audit_event FROM %I', app);
    EXECUTE format('GRANT SELECT, INSERT ON audit_event TO %I', app);
    EXECUTE format('REVOKE ALL ON SEQUENCE audit_event_id_seq FROM %I', app);
    EXECUTE format('REVOKE ALL ON flyway_schema_history FROM %I', app);
    REVOKE ALL ON FUNCTION analytics_analyze_scores(), analytics_analyze_communities() FROM PUBLIC;
    EXECUTE format('GRANT EXECUTE ON FUNCTION analytics_analyze_scores(), analytics_analyze_communities() TO %I', app);
    -- The audit trail's chunks (V36, V37) are written only by the owner's function.
    EXECUTE format('REVOKE ALL ON audit_contact_chunk, audit_record_chunk, audit_chunked FROM %I', app);
    EXECUTE format('GRANT SELECT ON audit_contact_chunk, audit_record_chunk, audit_chunked TO %I', app);
    REVOKE ALL ON FUNCTION audit_event_chunk(integer, integer, interval, bigint) FROM PUBLIC;
    EXECUTE format('GRANT EXECUTE ON FUNCTION audit_event_chunk(integer, integer, interval, bigint) TO %I', app);
END
$$;
