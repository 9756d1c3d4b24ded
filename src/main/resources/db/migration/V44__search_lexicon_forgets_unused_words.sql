-- The typo-tolerance lexicon holds the words of contacts' names (and tags and specialties) so that a misspelt query word
-- can be matched to one. Until now a word left it only when an erasure removed the contact's current names: a name a
-- contact no longer had (a maiden name changed by an update), or the names of a contact deleted without erasure, stayed
-- for good. From now on a word leaves the lexicon as soon as no contact's search document holds it: on an update, the
-- words the contact's document lost; on a deletion (an erasure deletes the row too), the words it held. A word no
-- contact holds matches nobody, so what a search finds, and how it pages, does not change.

CREATE OR REPLACE FUNCTION contact_search_refresh() RETURNS trigger
    LANGUAGE plpgsql AS
$$
DECLARE
    dropped text[];
BEGIN
    NEW.search_doc := contact_search_doc(NEW.given_name, NEW.family_name, NEW.organization_name, NEW.tags,
                                         NEW.specialties);
    INSERT INTO search_lexicon (word, sound)
    SELECT w, soundex(w)
    FROM unnest(tsvector_to_array(NEW.search_doc)) AS w
    ON CONFLICT (word) DO NOTHING;
    IF TG_OP = 'UPDATE' AND OLD.search_doc IS DISTINCT FROM NEW.search_doc THEN
        dropped := ARRAY(SELECT unnest(tsvector_to_array(OLD.search_doc))
                         EXCEPT
                         SELECT unnest(tsvector_to_array(NEW.search_doc)));
        IF cardinality(dropped) > 0 THEN
            -- The row still holds its old document here (a BEFORE trigger), hence the id.
            DELETE FROM search_lexicon l
            WHERE l.word = ANY(dropped)
              AND NOT EXISTS (SELECT 1 FROM contact c
                              WHERE c.search_doc @@ to_tsquery('simple', quote_literal(l.word)) AND c.id <> NEW.id);
        END IF;
    END IF;
    RETURN NEW;
END
$$;

CREATE FUNCTION contact_search_forget() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    DELETE FROM search_lexicon l
    WHERE l.word = ANY(tsvector_to_array(OLD.search_doc))
      AND NOT EXISTS (SELECT 1 FROM contact c WHERE c.search_doc @@ to_tsquery('simple', quote_literal(l.word)));
    RETURN NULL;
END
$$;

CREATE TRIGGER contact_search_forget
    AFTER DELETE
    ON contact
    FOR EACH ROW
EXECUTE FUNCTION contact_search_forget();

-- What earlier renames and deletions left behind.
DELETE FROM search_lexicon l
WHERE NOT EXISTS (SELECT 1 FROM contact c WHERE c.search_doc @@ to_tsquery('simple', quote_literal(l.word)));
