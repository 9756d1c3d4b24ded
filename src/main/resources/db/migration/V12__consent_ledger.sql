-- Consent as a ledger: every answer a contact gave (or that was recorded for them) is a row, never updated. The
-- effective answer per channel is the newest row by given_at, then recorded_at; contact_consent and
-- contact.do_not_contact keep that effective state for fast reads (search filters, segments, seeds, campaigns) and are
-- written from the ledger in the same transaction as the ledger row (contact.ConsentLedger).
CREATE TABLE consent_entry (
    id          uuid PRIMARY KEY,
    -- Deferred: a new contact's first entries are written before Hibernate flushes the contact itself.
    contact_id  uuid        NOT NULL REFERENCES contact (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    -- A contact channel, or DO_NOT_CONTACT: DENIED sets do-not-contact, GRANTED lifts it.
    channel     text        NOT NULL CHECK (channel IN ('EMAIL', 'SMS', 'PHONE', 'MAIL', 'IN_PERSON', 'DO_NOT_CONTACT')),
    status      text        NOT NULL CHECK (status IN ('GRANTED', 'DENIED', 'UNKNOWN')),
    -- When the contact gave the answer: the source's own time when it states one, else when Circles received it.
    given_at    timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL,
    source      text,
    -- The token subject of the request that wrote it; 'import:<job id>' for bulk imports, whose start is audited.
    recorded_by text        NOT NULL,
    request_id  text,
    CHECK (channel <> 'DO_NOT_CONTACT' OR status <> 'UNKNOWN')
);
-- The effective answer of a channel and the history, newest first, both read along this index.
CREATE INDEX consent_entry_newest ON consent_entry (contact_id, channel, given_at DESC, recorded_at DESC);
CREATE INDEX consent_entry_history ON consent_entry (contact_id, given_at DESC, recorded_at DESC, id DESC);
-- The same answer from the same source at the same time is one entry: re-running an import that states its times
-- adds nothing.
CREATE UNIQUE INDEX consent_entry_once ON consent_entry (contact_id, channel, given_at, status, coalesce(source, ''));

-- contact_consent.recorded_at now holds the effective entry's given_at (when the contact answered), as it did before.
COMMENT ON COLUMN contact_consent.recorded_at IS 'given_at of the effective consent_entry of this channel';

-- What was known before the ledger: each stored answer becomes its first entry, at the time it was recorded.
INSERT INTO consent_entry (id, contact_id, channel, status, given_at, recorded_at, source, recorded_by)
SELECT gen_random_uuid(), contact_id, channel, status, recorded_at, recorded_at, source, 'migration:V12'
FROM contact_consent;

-- When do-not-contact was set is not known; the contact's last change is the latest it can have been, and the later
-- the time the harder it is for an older record to undo it.
INSERT INTO consent_entry (id, contact_id, channel, status, given_at, recorded_at, source, recorded_by)
SELECT gen_random_uuid(), id, 'DO_NOT_CONTACT', 'DENIED', updated_at, updated_at, NULL, 'migration:V12'
FROM contact
WHERE do_not_contact;
