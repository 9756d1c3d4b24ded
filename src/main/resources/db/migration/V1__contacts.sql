-- Contacts: the people and organisations of the network, with per-channel consent.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TABLE contact (
    id                uuid PRIMARY KEY,
    kind              text        NOT NULL CHECK (kind IN ('PATIENT', 'CAREGIVER', 'FAMILY', 'PHYSICIAN', 'NURSE',
                                                           'OTHER_CLINICIAN', 'COMMUNITY_LEADER', 'ORGANIZATION')),
    given_name        text,
    family_name       text,
    organization_name text,
    display_name      text        NOT NULL,
    sort_name         text        NOT NULL,
    email             text,
    phone             text,
    postal_code       text,
    city              text,
    languages         text[]      NOT NULL DEFAULT '{}',
    specialties       text[]      NOT NULL DEFAULT '{}',
    tags              text[]      NOT NULL DEFAULT '{}',
    do_not_contact    boolean     NOT NULL DEFAULT false,
    external_id       text UNIQUE,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    version           bigint      NOT NULL,
    search_doc        tsvector    NOT NULL DEFAULT ''::tsvector
);

CREATE TABLE contact_consent (
    contact_id  uuid        NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    channel     text        NOT NULL CHECK (channel IN ('EMAIL', 'SMS', 'PHONE', 'MAIL', 'IN_PERSON')),
    status      text        NOT NULL CHECK (status IN ('GRANTED', 'DENIED', 'UNKNOWN')),
    recorded_at timestamptz NOT NULL,
    source      text,
    PRIMARY KEY (contact_id, channel)
);
CREATE INDEX contact_consent_channel_status ON contact_consent (channel, status);

-- Every word that ever appeared in a searchable field, with its soundex code: the candidates that typo-tolerant
-- search expands a query word into (trigram similarity, prefix, or same soundex within two edits).
CREATE TABLE search_lexicon (
    word  text PRIMARY KEY,
    sound text NOT NULL
);
CREATE INDEX search_lexicon_trgm ON search_lexicon USING gin (word gin_trgm_ops);
CREATE INDEX search_lexicon_sound ON search_lexicon (sound);

CREATE FUNCTION contact_search_refresh() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    NEW.search_doc :=
            setweight(to_tsvector('simple', unaccent(coalesce(NEW.given_name, '') || ' ' || coalesce(NEW.family_name, '')
                || ' ' || coalesce(NEW.organization_name, ''))), 'A')
            || setweight(to_tsvector('simple', unaccent(array_to_string(NEW.tags || NEW.specialties, ' '))), 'B');
    INSERT INTO search_lexicon (word, sound)
    SELECT w, soundex(w)
    FROM unnest(tsvector_to_array(NEW.search_doc)) AS w
    ON CONFLICT (word) DO NOTHING;
    RETURN NEW;
END
$$;

CREATE TRIGGER contact_search_refresh
    BEFORE INSERT OR UPDATE OF given_name, family_name, organization_name, tags, specialties
    ON contact
    FOR EACH ROW
EXECUTE FUNCTION contact_search_refresh();

CREATE INDEX contact_search_doc ON contact USING gin (search_doc);
CREATE INDEX contact_sort ON contact (sort_name, id);
CREATE INDEX contact_kind ON contact (kind);
CREATE INDEX contact_postal_code ON contact (postal_code);
CREATE INDEX contact_tags ON contact USING gin (tags);
CREATE INDEX contact_languages ON contact USING gin (languages);
