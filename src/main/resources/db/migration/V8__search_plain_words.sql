-- Search indexes plain words only. The 'simple' parser indexed a hyphenated word both whole and in parts
-- ('smith-garcia', 'smith', 'garcia'). Query words are split at every non-letter, so the whole forms never matched
-- anything, yet with 100k contacts they were 94 % of the lexicon: typo expansion (20 alternatives a word) filled up
-- with them, and as quoted hyphenated terms they turn into phrase queries that made one name search take
-- ~100x longer in the GIN index (see bench/RESULTS.md). Splitting the text like the query does removes them.
CREATE FUNCTION contact_search_doc(given text, family text, organization text, tags text[], specialties text[])
    RETURNS tsvector
    LANGUAGE sql STABLE AS
$$
SELECT setweight(to_tsvector('simple', regexp_replace(unaccent(coalesce(given, '') || ' ' || coalesce(family, '')
               || ' ' || coalesce(organization, '')), '[^[:alnum:]]+', ' ', 'g')), 'A')
       || setweight(to_tsvector('simple', regexp_replace(unaccent(array_to_string(tags || specialties, ' ')),
               '[^[:alnum:]]+', ' ', 'g')), 'B')
$$;

CREATE OR REPLACE FUNCTION contact_search_refresh() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    NEW.search_doc := contact_search_doc(NEW.given_name, NEW.family_name, NEW.organization_name, NEW.tags,
                                         NEW.specialties);
    INSERT INTO search_lexicon (word, sound)
    SELECT w, soundex(w)
    FROM unnest(tsvector_to_array(NEW.search_doc)) AS w
    ON CONFLICT (word) DO NOTHING;
    RETURN NEW;
END
$$;

UPDATE contact
SET search_doc = contact_search_doc(given_name, family_name, organization_name, tags, specialties);

DELETE FROM search_lexicon WHERE word ~ '[^[:alnum:]]';
