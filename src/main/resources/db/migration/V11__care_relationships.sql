-- Care relationships with provenance, and break-the-glass access.
--
-- A tie of a type that widens what someone may see (TREATS: a clinician sees the whole record of the patients they
-- treat) grants it only when an authoritative source stated it. Every tie now says who stated it:
--   ASSERTED   stated by an authoritative source: an admin or an integration (EHR, bulk import, FHIR); for types that
--              grant nothing, also by a clinician (a FRIEND_OF tie is no claim to anything);
--   CLAIMED    a clinician's claim of an access-granting relationship, pending: grants nothing, not in the graph;
--   CONFIRMED  a claim (or an inferred tie) confirmed by an admin or an integration, never by the claimant;
--   REJECTED   a claim an admin or an integration refused: kept as history, grants nothing, not in the graph, and does
--              not hold the "one open tie per type and pair" slot;
--   INFERRED   derived from touchpoints: grants nothing.
-- Only ASSERTED and CONFIRMED ties of an access-granting type grant access (security.Disclosure).
ALTER TABLE tie
    ADD COLUMN assertion   text,
    ADD COLUMN asserted_by text,
    ADD COLUMN asserted_at timestamptz,
    ADD COLUMN reviewed_by text,
    ADD COLUMN reviewed_at timestamptz;

-- Existing rows. Before this change a tie could be created by an admin, an integration or a clinician, and nothing
-- recorded which; the audit trail names the creator but is not something a migration should trust for access.
--  * Touchpoint-inferred ties (source TOUCHPOINT) were never stated by anyone: INFERRED. That includes TREATS ties a
--    clinician-patient touchpoint used to infer; they stop granting access now, stay in the graph as before, and an
--    admin who knows the relationship is real confirms them (POST /api/v1/ties/{id}/confirm).
--  * Imported ties (IMPORT, FHIR) came from the import endpoint, which only admins and integrations may call:
--    ASSERTED.
--  * MANUAL ties of a type that grants nothing: ASSERTED, as they were.
--  * MANUAL TREATS ties: their author is unknown, and a clinician may have given themselves the patient (the very
--    hole this change closes). Keeping them as ASSERTED would keep every self-granted access; making them grant
--    nothing would cut clinicians off their real patients at deployment. They become CLAIMED: pending until an admin
--    or the EHR confirms them (GET /api/v1/ties?assertion=CLAIMED lists them), out of the graph until then. A
--    security officer prefers a review queue to access nobody can vouch for; a deployment whose ties all came from an
--    admin confirms them in bulk with one statement (UPDATE tie SET assertion = 'CONFIRMED' ... in docs/security.md).
-- asserted_at is the tie's creation time; asserted_by stays empty: nobody knows who it was.
UPDATE tie SET assertion = CASE
        WHEN source = 'TOUCHPOINT' THEN 'INFERRED'
        WHEN source IN ('IMPORT', 'FHIR') THEN 'ASSERTED'
        WHEN type = 'TREATS' THEN 'CLAIMED'
        ELSE 'ASSERTED' END,
    asserted_at = created_at;

-- The graph must not hold the ties that became claims; the relay removes them (version above the stored one).
INSERT INTO outbox (type, aggregate_id, version, payload)
SELECT 'tie.deleted', id, version + 1, jsonb_build_object('id', id::text, 'version', version + 1)
FROM tie WHERE assertion = 'CLAIMED'
ORDER BY id;

-- No default: every writer must say where a tie comes from, so that a forgotten path fails instead of granting.
ALTER TABLE tie
    ALTER COLUMN assertion SET NOT NULL,
    ALTER COLUMN asserted_at SET NOT NULL,
    ADD CONSTRAINT tie_assertion_check
        CHECK (assertion IN ('ASSERTED', 'CLAIMED', 'CONFIRMED', 'REJECTED', 'INFERRED')),
    ADD CONSTRAINT tie_reviewed_check
        CHECK (assertion NOT IN ('CONFIRMED', 'REJECTED') OR reviewed_at IS NOT NULL);

-- A rejected claim is history: it no longer holds the slot of the open tie of its type between its two contacts.
DROP INDEX tie_open_unique;
CREATE UNIQUE INDEX tie_open_unique ON tie (
    type,
    (CASE WHEN "symmetric" THEN least(from_id, to_id) ELSE from_id END),
    (CASE WHEN "symmetric" THEN greatest(from_id, to_id) ELSE to_id END)) WHERE until IS NULL AND assertion <> 'REJECTED';

-- The access check (security.Disclosure): a clinician's granting ties among a page of contacts.
CREATE INDEX tie_granting ON tie (from_id, to_id) WHERE assertion IN ('ASSERTED', 'CONFIRMED');
-- The review queue of pending claims.
CREATE INDEX tie_claimed ON tie (id) WHERE assertion = 'CLAIMED';

-- Break-the-glass: a clinician opened a record they have no relationship with, for a stated reason. Each row grants
-- whole-record access to one contact, to one token subject, until expires_at, and waits for an admin's review.
-- contact_id is not a foreign key: the row outlives the contact's erasure (like the audit trail, it keeps the id),
-- while erasure removes the reason, which is free text that may describe the patient.
CREATE TABLE emergency_access (
    id                 uuid PRIMARY KEY,
    contact_id         uuid        NOT NULL,
    subject            text        NOT NULL,
    subject_contact_id uuid,
    reason             text CHECK (reason IS NULL OR length(reason) BETWEEN 1 AND 500),
    granted_at         timestamptz NOT NULL,
    expires_at         timestamptz NOT NULL CHECK (expires_at > granted_at),
    reviewed_by        text,
    reviewed_at        timestamptz,
    review_note        text CHECK (review_note IS NULL OR length(review_note) <= 500),
    contact_erased_at  timestamptz,
    CHECK ((reviewed_by IS NULL) = (reviewed_at IS NULL))
);
-- Disclosure's check: the caller's live grants among a page of contacts.
CREATE INDEX emergency_access_subject ON emergency_access (subject, contact_id, expires_at);
-- The review listing, newest first.
CREATE INDEX emergency_access_sort ON emergency_access (granted_at DESC, id DESC);
CREATE INDEX emergency_access_contact ON emergency_access (contact_id);
