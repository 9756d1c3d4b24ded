-- A search turns each word typed into the lexicon's words that start with it (ContactStore.TEXT_MATCH), so that the
-- search index looks up whole words instead of merging every hit of a prefix: "word ^@ prefix" through this index.
CREATE INDEX search_lexicon_prefix ON search_lexicon USING spgist (word);
