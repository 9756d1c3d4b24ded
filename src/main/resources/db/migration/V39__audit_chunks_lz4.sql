-- The audit trail's chunks (V36 to V38) compress their lists of row ids with LZ4 instead of PostgreSQL's own pglz.
--
-- Why: a read that names the same contacts on every call (the influencers' top 20 names 80 contacts, served from the
-- cache) gives each of them a list of thousands of ids per chunk, which PostgreSQL compresses as it stores it. Measured
-- on the analytics benchmark's database (100k contacts, 329,013 audit rows): chunking 3,025 influencer rows (80 lists
-- of ~3,000 ids and 20 record lists) took 260-270 ms with pglz and 130-137 ms with LZ4, in the same transaction,
-- alternated; the lists take about a quarter more space (4.0 bytes an id against 3.3). Under 8 clients reading
-- influencers, the chunker ran every 2 s and the slow calls came while it ran (bench/RESULTS.md, seventeenth session).
--
-- Lists already stored keep pglz and are read as before; only new ones use LZ4. A server built without LZ4 keeps pglz
-- (the change is skipped with a notice): nothing else depends on it.
DO
$$
BEGIN
    ALTER TABLE audit_contact_chunk ALTER COLUMN event_ids SET COMPRESSION lz4;
    ALTER TABLE audit_record_chunk ALTER COLUMN event_ids SET COMPRESSION lz4;
EXCEPTION
    WHEN feature_not_supported THEN
        RAISE NOTICE 'This PostgreSQL server has no LZ4 support: the audit chunks keep pglz compression';
END
$$;
