-- A tamper-evident audit trail. Each row carries the SHA-256 of the row before it and its own hash over that link and
-- its content, so that a row changed or removed behind the triggers' back (by a superuser, or with triggers disabled)
-- breaks the chain at that row, which GET /api/v1/audit/verification reports. Ids and times are assigned under one
-- lock in the trigger, so the chain order, the id order and the time order are the same, and a client can forge
-- neither the links nor when a row was written.

ALTER TABLE audit_event ADD COLUMN prev_hash bytea;
ALTER TABLE audit_event ADD COLUMN hash bytea;

-- The canonical text of a row: a JSON array of its fields in a fixed order, times in UTC to the microsecond, so that
-- the digest depends on neither the session's time zone nor its date style.
CREATE FUNCTION audit_event_digest(prev bytea, e audit_event) RETURNS bytea
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$
SELECT sha256(coalesce(prev, '\x'::bytea) || convert_to(jsonb_build_array(
    e.id, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), e.subject, e.roles, e.action,
    e.resource_type, e.resource_id, e.contact_ids, e.method, e.path, e.status, e.request_id, e.client_address)::text,
    'UTF8'))
$$;

-- Rows written before the chain existed are chained in id order.
DO
$$
DECLARE
    r    audit_event;
    prev bytea := NULL;
BEGIN
    ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update_or_delete;
    FOR r IN SELECT * FROM audit_event ORDER BY id LOOP
        UPDATE audit_event SET prev_hash = prev, hash = audit_event_digest(prev, r) WHERE id = r.id;
        prev := audit_event_digest(prev, r);
    END LOOP;
    ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update_or_delete;
END
$$;

ALTER TABLE audit_event ALTER COLUMN hash SET NOT NULL;
-- The trigger assigns ids (below), so that the application role needs no right on the sequence.
ALTER TABLE audit_event ALTER COLUMN id DROP DEFAULT;

-- Runs as the owner (SECURITY DEFINER): the application role may insert rows, but it neither reads the sequence nor
-- sets the links itself. The advisory lock is held to the end of the inserting transaction, so the next row is
-- linked only once this one has committed or rolled back; writes add their row last, just before they commit.
CREATE FUNCTION audit_event_chain() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
DECLARE
    prev bytea;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('circles.audit_event.chain'));
    NEW.id := nextval('audit_event_id_seq');
    NEW.at := clock_timestamp();
    SELECT hash INTO prev FROM audit_event ORDER BY id DESC LIMIT 1;
    NEW.prev_hash := prev;
    NEW.hash := audit_event_digest(prev, NEW);
    RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION audit_event_chain() FROM PUBLIC;

CREATE TRIGGER audit_event_chain
    BEFORE INSERT ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_chain();

-- ANALYZE needs the table's owner; the analytics snapshot refreshes its statistics inside its own transaction
-- through these two functions, which run as the owner and analyze nothing else.
CREATE FUNCTION analytics_analyze_scores() RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
BEGIN
    ANALYZE analytics_score, analytics_membership;
END
$$;

CREATE FUNCTION analytics_analyze_communities() RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
BEGIN
    ANALYZE analytics_membership, analytics_community, analytics_community_link;
END
$$;
