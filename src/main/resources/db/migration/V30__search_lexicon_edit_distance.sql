-- Typo expansion also takes every lexicon word within one edit of a query word (two for words of eight letters or
-- more), whatever its trigram similarity or soundex: "jojn" is one edit from "john" but shares one trigram and no
-- soundex with it. Candidates are the words with the query word's first letter and a length within the edit bound,
-- read from this index, so the edit distance is computed on a small slice of the lexicon however large it grows.
CREATE INDEX search_lexicon_head ON search_lexicon (left(word, 1), length(word));
