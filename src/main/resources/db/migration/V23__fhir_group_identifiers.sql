-- FHIR business identifiers of groups (Group.identifier, CareTeam.identifier: system + value), by which a re-sent
-- Group or CareTeam finds the group it made, so that sending it again changes nothing. Like contact_identifier: a group
-- may hold several; an identifier belongs to one group; deleting the group deletes them.
CREATE TABLE group_identifier (
    system      text        NOT NULL,
    value       text        NOT NULL,
    group_id    uuid        NOT NULL REFERENCES contact_group (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (system, value)
);
CREATE INDEX group_identifier_group ON group_identifier (group_id);

-- Imports take FHIR R4 NDJSON too (one resource per line, applied by the FHIR endpoint's mapping): docs/fhir.md.
ALTER TABLE import_job DROP CONSTRAINT import_job_format_check;
ALTER TABLE import_job ADD CONSTRAINT import_job_format_check CHECK (format IN ('NDJSON', 'CSV', 'FHIR_NDJSON'));
