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

-- Existing rows. Before this change a TREATS tie could be created by an admin, an integration or a clinician (for any
-- patient: the very hole this change closes), and the tie itself did not record which. Access must rest only on what
-- an authoritative source stated, so:
--  * Touchpoint-inferred ties (source TOUCHPOINT) were never stated by anyone: INFERRED. That includes TREATS ties a
--    clinician-patient touchpoint used to infer: they stop granting access, stay in the graph as before, and an admin
--    who knows the relationship is real confirms them (POST /api/v1/ties/{id}/confirm).
--  * Ties of types that grant nothing: ASSERTED, as they were (whoever wrote them, they widen no one's view).
--  * TREATS ties written through POST /api/v1/ties: the audit trail (V7) recorded the creator's subject and roles.
--    By an admin or an integration: ASSERTED, with that subject as asserted_by. By anyone else: CLAIMED, with the
--    clinician as claimant, so that they cannot confirm it themselves.
--  * TREATS ties with no creation in the trail: source IMPORT or FHIR came from the bulk import, which only admins and
--    integrations may start (and which writes no per-tie trail rows): ASSERTED. MANUAL ones have no known author:
--    CLAIMED.
-- Claims are pending until an admin or an integration confirms them (GET /api/v1/ties?assertion=CLAIMED lists them)
-- and are out of the graph until then. Keeping unknown ones ASSERTED would keep every self-granted access; dropping
-- them would lose real relationships; a review queue is what a security officer signs off. A deployment that knows all
-- its TREATS ties came from admins confirms them in one statement (docs/security.md).
-- asserted_at is the creation time (the trail's, when it has one).
UPDATE tie SET assertion = CASE WHEN source = 'TOUCHPOINT' THEN 'INFERRED' ELSE 'ASSERTED' END,
               asserted_at = created_at
WHERE type <> 'TREATS' OR source = 'TOUCHPOINT';

UPDATE tie t SET (assertion, asserted_by, asserted_at) = (
    SELECT CASE
               WHEN created.subject IS NOT NULL AND created.roles && ARRAY ['admin', 'integration'] THEN 'ASSERTED'
               WHEN created.subject IS NULL AND t.source IN ('IMPORT', 'FHIR') THEN 'ASSERTED'
               ELSE 'CLAIMED' END,
           created.subject,
           coalesce(created.at, t.created_at)
    FROM (SELECT 1) one
    LEFT JOIN LATERAL (
        SELECT a.subject, a.roles, a.at FROM audit_event a
        WHERE a.resource_type = 'tie' AND a.resource_id = t.id::text AND a.action = 'create' AND a.status = 201
        ORDER BY a.at LIMIT 1) created ON true)
WHERE t.type = 'TREATS' AND t.source <> 'TOUCHPOINT';

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
