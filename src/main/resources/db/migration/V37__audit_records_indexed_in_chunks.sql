-- The audit trail's records (a row's resource_id and the record_ids of a listing) are searched through chunks too, as
-- its contacts are since V36, and the last GIN index on the trail goes: under a steady stream of listings its pending
-- list was, like the contacts', moved in one entry at a time, each rewriting the record's posting list. One function
-- makes both kinds of chunk from the same rows, and one mark says how far they reach.
SET LOCAL work_mem = '256MB';

DROP INDEX audit_event_records;
DROP FUNCTION audit_event_index_pending();
DROP FUNCTION audit_event_index_contacts(integer, integer, interval);
ALTER TABLE audit_contact_indexed RENAME TO audit_chunked;

CREATE TABLE audit_record_chunk (
    record    text     NOT NULL, -- a resource_id, or one of a listing's record_ids
    last_id   bigint   NOT NULL, -- the last audit row id the chunk covers
    event_ids bigint[] NOT NULL, -- the ids of the chunk's rows that name the record, ascending
    PRIMARY KEY (record, last_id)
);

-- The rows chunked by contact so far (V36) become the first chunk of records.
INSERT INTO audit_record_chunk (record, last_id, event_ids)
SELECT r, (SELECT through FROM audit_chunked), array_agg(DISTINCT e.id)
FROM audit_event e CROSS JOIN LATERAL unnest(coalesce(e.record_ids, '{}') || e.resource_id) AS r
WHERE e.id <= (SELECT through FROM audit_chunked) AND r IS NOT NULL
GROUP BY r;

-- Chunks the rows not yet chunked, at most max_rows of them, once there are at least min_rows or the oldest has waited
-- max_wait: one row per contact and one per record they name. Returns the rows chunked (0: none yet). One caller at a
-- time (the row lock on audit_chunked). Ids are given under the chain's lock, held to commit (V13), so once a row is
-- visible no row with a lower id can still appear. Runs as the owner: the service's role may read the chunks but not
-- write them (afterMigrate.sql).
CREATE FUNCTION audit_event_chunk(min_rows integer, max_rows integer, max_wait interval) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET work_mem = '128MB' AS
$$
DECLARE
    done    bigint;
    upto    bigint;
    waiting bigint;
    oldest  timestamptz;
BEGIN
    SELECT through INTO done FROM audit_chunked FOR UPDATE;
    SELECT count(*), max(id) INTO waiting, upto
    FROM (SELECT id FROM audit_event WHERE id > done ORDER BY id LIMIT max_rows) r;
    IF waiting = 0 THEN
        RETURN 0;
    END IF;
    IF waiting < min_rows THEN
        SELECT at INTO oldest FROM audit_event WHERE id > done ORDER BY id LIMIT 1;
        IF oldest > clock_timestamp() - max_wait THEN
            RETURN 0;
        END IF;
    END IF;
    INSERT INTO audit_contact_chunk (contact_id, last_id, event_ids)
    SELECT c, upto, array_agg(DISTINCT e.id)
    FROM audit_event e CROSS JOIN LATERAL unnest(e.contact_ids) AS c
    WHERE e.id > done AND e.id <= upto
    GROUP BY c;
    INSERT INTO audit_record_chunk (record, last_id, event_ids)
    SELECT r, upto, array_agg(DISTINCT e.id)
    FROM audit_event e CROSS JOIN LATERAL unnest(coalesce(e.record_ids, '{}') || e.resource_id) AS r
    WHERE e.id > done AND e.id <= upto AND r IS NOT NULL
    GROUP BY r;
    UPDATE audit_chunked SET through = upto;
    RETURN waiting;
END
$$;
REVOKE ALL ON FUNCTION audit_event_chunk(integer, integer, interval) FROM PUBLIC;
