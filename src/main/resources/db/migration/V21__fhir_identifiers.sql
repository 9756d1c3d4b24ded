-- FHIR business identifiers (Patient.identifier and the like: system + value), by which a re-sent resource finds the
-- contact it made, so that sending a Bundle again changes nothing. A contact may hold several (an MRN, a national id);
-- an identifier belongs to one contact. contact.external_id stays the REST API's and the imports' own key.
CREATE TABLE contact_identifier (
    system      text        NOT NULL,
    value       text        NOT NULL,
    contact_id  uuid        NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (system, value)
);
CREATE INDEX contact_identifier_contact ON contact_identifier (contact_id);

-- Identifiers of contacts erased on request, as HMAC-SHA-256 of "system|value" under the erasure key (like
-- contact_erasure.external_id_mac): a FHIR resource carrying one is refused instead of bringing the person back.
CREATE TABLE erased_identifier (
    identifier_mac bytea       PRIMARY KEY,
    erased_at      timestamptz NOT NULL
);
