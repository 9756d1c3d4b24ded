-- The typo-tolerance lexicon holds the words of contacts' names (and tags and specialties) so that a misspelt query word
-- can be matched to one. Until now a word left it only when an erasure removed the contact's current names: the names
-- of a contact deleted without erasure stayed for good, and so did a name a contact no longer had (a maiden name
-- changed by an update). From now on a deletion (an erasure deletes the row too) takes out the words the contact held
-- unless another contact holds them, and the erasure sweep (contact.ErasureSweep) takes out every word no contact
-- holds, earlier names included, once an erasure has finished. Updates do not prune, row by row: a bulk update would
-- look each dropped word up once per row. A word no contact holds matches nobody, so what a search finds, and how it
-- pages, does not change.

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
