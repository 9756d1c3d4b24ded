-- The outbox's payloads (and the dead letters', which keep a failed row's payload) are compressed with LZ4 instead of
-- PostgreSQL's own pglz.
--
-- Why: a bulk import appends one outbox row per batch, whose payload carries every written contact or tie of the
-- batch (a batch of 5,000 ties is 1.3 MB of JSON). PostgreSQL compresses a value that large as it stores it, and pglz
-- is slow at it. Measured on the contacts benchmark's database, one such row appended in a rolled-back transaction,
-- alternated: 58-70 ms with pglz, 24-27 ms with LZ4; the relay decompresses it again when it reads the row, which LZ4
-- also does faster. A run of the imports benchmark appends about 220 of them (bench/RESULTS.md, eighteenth session).
-- Payloads of single changes are too small to be compressed at all and are not affected.
--
-- Payloads already stored keep pglz and are read as before; only new ones use LZ4. A server built without LZ4 keeps
-- pglz (the change is skipped with a notice): nothing else depends on it.
DO
$$
BEGIN
    ALTER TABLE outbox ALTER COLUMN payload SET COMPRESSION lz4;
    ALTER TABLE outbox_dead_letter ALTER COLUMN payload SET COMPRESSION lz4;
EXCEPTION
    WHEN feature_not_supported THEN
        RAISE NOTICE 'This PostgreSQL server has no LZ4 support: outbox payloads keep pglz compression';
END
$$;
