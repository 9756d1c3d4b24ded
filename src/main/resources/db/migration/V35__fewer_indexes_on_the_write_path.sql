-- A bulk import writes a million ties and five consent entries per contact; every index is one more insert per row,
-- on a random page (measured on 50,000 tie inserts into a table of 800,000: 2.6 s with every index and key; the
-- from_id index alone 0.2 s of it). Two indexes that others already serve are merged or dropped.

-- Ties: tie_from (from_id) and tie_granting (from_id, to_id, only asserted or confirmed ties) become one index on
-- (from_id, to_id) over every tie. It serves the contact's ties (from_id), the foreign key's cascade on erasure, and
-- the access check (network.CareTieStore: one clinician's ties to a page of contacts), which now reads the few ties it
-- finds to test their assertion, type and dates, as it already did for type and dates.
CREATE INDEX tie_from_to ON tie (from_id, to_id);
DROP INDEX tie_from;
DROP INDEX tie_granting;

-- Consent entries: the newest answer per contact and channel (ConsentStore.EFFECTIVE) reads consent_entry_once, which
-- starts with (contact_id, channel, given_at); a contact has a handful of entries per channel, sorted in memory.
DROP INDEX consent_entry_newest;
