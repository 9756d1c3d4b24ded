-- One audit row per call, as FHIR's AuditEvent keeps one event with many entities: a listing writes one row whose
-- contact_ids is the union of every record's contacts and whose record_ids names every record it showed, in order.
-- Rows of a single record, of an empty listing or of a call without a body, and every row written before this
-- migration, have no record_ids (null).
ALTER TABLE audit_event ADD COLUMN record_ids text[];

-- The canonical text of a row (V13__audit_chain.sql) gains record_ids as a last element only when the row has them,
-- so that every row written before stays exactly as it was hashed and the chain verifies across the change; a row
-- whose record_ids are set, changed or cleared afterwards no longer matches its hash.
CREATE OR REPLACE FUNCTION audit_event_digest(prev bytea, e audit_event) RETURNS bytea
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$
SELECT sha256(coalesce(prev, '\x'::bytea) || convert_to(CASE WHEN e.record_ids IS NULL THEN jsonb_build_array(
    e.id, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), e.subject, e.roles, e.action,
    e.resource_type, e.resource_id, e.contact_ids, e.method, e.path, e.status, e.request_id, e.client_address)
    ELSE jsonb_build_array(
    e.id, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), e.subject, e.roles, e.action,
    e.resource_type, e.resource_id, e.contact_ids, e.method, e.path, e.status, e.request_id, e.client_address,
    e.record_ids) END::text, 'UTF8'))
$$;

-- The audit query's record filter (resourceId) matches a row naming the record either way: as its resource_id (rows
-- of one record, and every row written before this migration) or among its record_ids (a listing's row). One
-- inverted index over both serves it; AuditStore writes the same expression.
CREATE INDEX audit_event_records ON audit_event USING gin ((coalesce(record_ids, '{}') || resource_id));
