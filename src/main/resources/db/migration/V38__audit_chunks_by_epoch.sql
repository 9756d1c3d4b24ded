-- The audit trail's chunks (V36, V37) are keyed by an epoch first: a run of chunks holding a bounded number of rows
-- together. A new chunk goes into the newest epoch only, and a search by contact or record probes each epoch once.
--
-- Why: keyed by (contact, last id), each chunk added one index entry per contact it named, spread across the whole
-- index, so its cost grew with the trail. Measured after the benchmarks (7.1 million contact chunk rows, 1.4 GB,
-- 128 MB of shared buffers): a chunk of 33 rows naming 5,822 contacts read 6,002 index pages and dirtied 6,087;
-- 344 ms warm, 7.0 s cold; 2,000 circles-like rows 2.6 s. Keyed by (epoch, contact, last id), a chunk touches only
-- the newest epoch's part of the index, which stays small and cached however long the trail grows.
--
-- The chunks already made form epoch 0 and new ones start epoch 1. audit_chunked says which epoch is being filled and
-- how many chunk rows (of both tables) it holds; audit_event_chunk opens the next epoch once it holds epoch_size.
SET LOCAL maintenance_work_mem = '256MB';

ALTER TABLE audit_chunked
    ADD COLUMN epoch      integer NOT NULL DEFAULT 0, -- the epoch new chunks go into
    ADD COLUMN epoch_rows bigint  NOT NULL DEFAULT 0; -- the chunk rows it holds, contacts' and records' together

ALTER TABLE audit_contact_chunk ADD COLUMN epoch integer NOT NULL DEFAULT 0;
ALTER TABLE audit_contact_chunk DROP CONSTRAINT audit_contact_chunk_pkey, ADD PRIMARY KEY (epoch, contact_id, last_id);

ALTER TABLE audit_record_chunk ADD COLUMN epoch integer NOT NULL DEFAULT 0;
ALTER TABLE audit_record_chunk DROP CONSTRAINT audit_record_chunk_pkey, ADD PRIMARY KEY (epoch, record, last_id);

COMMENT ON COLUMN audit_contact_chunk.event_ids IS
    'Ids of the chunk''s audit rows naming the contact (ascending before V38; since, in no set order, may repeat)';
COMMENT ON COLUMN audit_record_chunk.event_ids IS
    'Ids of the chunk''s audit rows naming the record (ascending before V38; since, in no set order, may repeat)';

UPDATE audit_chunked
SET epoch = 1
WHERE EXISTS (SELECT 1 FROM audit_contact_chunk) OR EXISTS (SELECT 1 FROM audit_record_chunk);

-- As V37's, plus the epoch: chunks the rows not yet chunked, at most max_rows of them, once there are at least
-- min_rows or the oldest has waited max_wait, into the epoch being filled, or into the next once that one holds
-- epoch_size chunk rows. Rows are added in key order, so that consecutive entries share index pages. A chunk row's ids
-- are aggregated as they come, without sorting or removing repeats (a search only asks whether an id is among them):
-- the planner may then group by hashing instead of sorting every (contact, row) pair. Returns the audit
-- rows chunked (0: none yet). One caller at a time (the row lock on audit_chunked). Runs as the owner: the service's
-- role may read the chunks but not write them (afterMigrate.sql).
DROP FUNCTION audit_event_chunk(integer, integer, interval);
CREATE FUNCTION audit_event_chunk(min_rows integer, max_rows integer, max_wait interval, epoch_size bigint)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET work_mem = '128MB' AS
$$
DECLARE
    done     bigint;
    upto     bigint;
    waiting  bigint;
    oldest   timestamptz;
    era      integer;
    filled   bigint;
    contacts bigint;
    records  bigint;
BEGIN
    IF epoch_size IS NULL OR epoch_size < 1 THEN
        RAISE EXCEPTION 'epoch_size must be at least 1, not %', epoch_size USING ERRCODE = '22023';
    END IF;
    SELECT c.through, c.epoch, c.epoch_rows INTO done, era, filled FROM audit_chunked c FOR UPDATE;
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
    IF filled >= epoch_size THEN
        era := era + 1;
        filled := 0;
    END IF;
    INSERT INTO audit_contact_chunk (epoch, contact_id, last_id, event_ids)
    SELECT era, c, upto, array_agg(e.id)
    FROM audit_event e CROSS JOIN LATERAL unnest(e.contact_ids) AS c
    WHERE e.id > done AND e.id <= upto
    GROUP BY c
    ORDER BY c;
    GET DIAGNOSTICS contacts = ROW_COUNT;
    INSERT INTO audit_record_chunk (epoch, record, last_id, event_ids)
    SELECT era, r, upto, array_agg(e.id)
    FROM audit_event e CROSS JOIN LATERAL unnest(coalesce(e.record_ids, '{}') || e.resource_id) AS r
    WHERE e.id > done AND e.id <= upto AND r IS NOT NULL
    GROUP BY r
    ORDER BY r;
    GET DIAGNOSTICS records = ROW_COUNT;
    UPDATE audit_chunked SET through = upto, epoch = era, epoch_rows = filled + contacts + records;
    RETURN waiting;
END
$$;
REVOKE ALL ON FUNCTION audit_event_chunk(integer, integer, interval, bigint) FROM PUBLIC;
