-- The audit trail's contact and record indexes are GIN indexes, and a read that shows many contacts (circles of 500,
-- a listing of 100) adds as many entries. GIN's fast update appends new entries to a pending list and moves them into
-- the index in bulk once the list passes gin_pending_list_limit (4 MB by default), inside whichever insert passed it.
-- That insert holds the chain's lock (V13) until it commits, so every audited call waited for the move: measured with
-- circles at depth 2 (500 contacts a row, about 230 calls a second), p50 10 ms but p99 390 ms. Entered directly
-- (fastupdate off), each such row costs about 5 ms of index work under the lock, and the p50 rose to 21-24 ms.
--
-- So the service moves the pending entries in the background (audit_event_index_pending(), every
-- circles.security.audit.index-upkeep-every, outside any audited call), and the lists may grow to 32 MB before an
-- insert does it itself: only if the upkeep falls behind. A search of the trail reads the pending list as well, so
-- nothing is missed while entries wait there.
ALTER INDEX audit_event_contacts SET (gin_pending_list_limit = 32768);
ALTER INDEX audit_event_records SET (gin_pending_list_limit = 32768);

-- Only an index's owner may clean its pending list; the service's role owns nothing (afterMigrate.sql grants it this).
-- Returns the pending-list pages moved into the indexes.
CREATE FUNCTION audit_event_index_pending() RETURNS bigint
    LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
SELECT gin_clean_pending_list('audit_event_contacts'::regclass)
     + gin_clean_pending_list('audit_event_records'::regclass)
$$;
REVOKE ALL ON FUNCTION audit_event_index_pending() FROM PUBLIC;
