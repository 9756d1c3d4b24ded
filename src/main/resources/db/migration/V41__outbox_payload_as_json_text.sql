-- The outbox's payloads (and the dead letters') are stored as json, the text as the service wrote it, instead of jsonb.
--
-- Why: nothing reads a payload inside PostgreSQL on the way to the graph. The service writes it as JSON text, the
-- relay reads it back as text (payload::text) and parses it itself, and `bytes` is the length of that text. As jsonb,
-- each payload was parsed into jsonb's binary form when stored, printed back to text for `bytes`, and printed again
-- for every relay read. For an import batch row of 5,000 ties (1.3 MB), measured in SQL on the contacts benchmark's
-- database (LZ4, as V40 made it): stored in 30 ms as jsonb against 9-12 ms as json; read back as text 9-11 ms against
-- 4 ms (bench/RESULTS.md, eighteenth session). json still checks that the text is valid JSON.
--
-- The few statements that take a payload apart, all of them erasure's (OutboxStore, DeadLetterStore), use json's
-- functions, and jsonb's only to replace a key. This rewrites both tables once; in steady state the outbox holds only rows not yet applied or not yet
-- purged.
ALTER TABLE outbox DROP COLUMN bytes;
ALTER TABLE outbox ALTER COLUMN payload TYPE json USING payload::json;
ALTER TABLE outbox ADD COLUMN bytes int GENERATED ALWAYS AS (octet_length(payload::text)) STORED;
ALTER TABLE outbox_dead_letter ALTER COLUMN payload TYPE json USING payload::json;

-- As V40: changing a column's type resets its compression to the server's default, so LZ4 is set again.
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

COMMENT ON COLUMN outbox.payload IS 'The change as JSON text, as the service wrote it (json since V41, jsonb before)';
COMMENT ON COLUMN outbox.bytes IS 'Length of the payload text in bytes: the relay bounds a graph transaction by it';
