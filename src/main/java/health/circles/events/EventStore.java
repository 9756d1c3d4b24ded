package health.circles.events;

import health.circles.Sql;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The change events (table {@code change_event}) and their publication state: what writers insert in their own
 * transaction, how the publisher numbers what committed, what the feed and the deliverer read, and the purge.
 */
@ApplicationScoped
class EventStore {

    /** The advisory lock of the publisher: one numbering at a time across replicas. */
    static final long PUBLISH_LOCK = 0x43697263_45767431L; // "CircEvt1"

    /** Many changes as one statement: the arrays are unnested into rows (set-based, never row by row). */
    private static final String INSERT = """
            INSERT INTO change_event (type, subject_kind, subject_id, version, changed, related)
            SELECT t, k, s, v, CASE WHEN c = '' THEN '{}'::text[] ELSE string_to_array(c, ',') END, CAST(r AS jsonb)
            FROM unnest(?::text[], ?::text[], ?::uuid[], ?::bigint[], ?::text[], ?::text[]) AS x(t, k, s, v, c, r)""";

    private static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock(?)";

    /**
     * Numbers the transactions that have ended since the last numbering (table {@code change_event_group}, migration
     * V42). A transaction id below the xmin of this statement's snapshot belongs to a transaction that committed or
     * aborted before the snapshot, so its rows are visible now if they ever will be, and no transaction still running
     * can add a row that would have to come before them; every transaction below the state's
     * {@code published_horizon} is numbered already, so only the ids in between are read.
     * <p>
     * Transactions are numbered in transaction id order, a transaction's events in id order, so its events take
     * consecutive positions. A group row is a run of a transaction's events with consecutive ids (a whole transaction
     * unless another one drew ids from the sequence meanwhile): inside it, an event's position is the group's first
     * position plus its id's distance from the group's first id, which the reads compute without counting. Whole
     * transactions are taken until they hold at least {@code limit} events (always one, however large): the events
     * read are those of the transactions up to the one holding the {@code limit}-th pending event, found by walking
     * the key that far, so a backlog of a million events is not read again by each numbering. The bounds are scalar
     * subqueries, so that they are the index scan's conditions: joined to the state and horizon rows instead, the
     * walk for the {@code limit}-th event was planned as a scan of the key from its start with the bounds as a join
     * filter, which read every event the table held at each numbering (281 ms at 1.1 million events against 4-11 ms;
     * half of PostgreSQL's time in a bulk import, bench/RESULTS.md, thirtieth session). The horizon moves to
     * the first transaction left, or to the xmin when none is. Positions continue from the state row,
     * without gaps, and the state moves in the same statement; the caller holds {@link #PUBLISH_LOCK} for the
     * transaction, so numberings never overlap. No event row is written.
     */
    private static final String PUBLISH = """
            WITH horizon AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
                 state AS MATERIALIZED (
                     SELECT last_position, published_horizon FROM change_event_state WHERE id = 1 FOR UPDATE),
                 last AS MATERIALIZED (
                     SELECT e.txid FROM change_event e
                     WHERE e.txid >= (SELECT published_horizon FROM state) AND e.txid < (SELECT xmin FROM horizon)
                     ORDER BY e.txid, e.id OFFSET greatest(?, 1) - 1 LIMIT 1),
                 ready AS MATERIALIZED (
                     SELECT e.txid, e.id, e.id - row_number() OVER (PARTITION BY e.txid ORDER BY e.id) AS run
                     FROM change_event e
                     WHERE e.txid >= (SELECT published_horizon FROM state) AND e.txid < (SELECT xmin FROM horizon)
                       AND e.txid <= coalesce((SELECT txid FROM last), (SELECT xmin FROM horizon))),
                 runs AS MATERIALIZED (
                     SELECT txid, min(id) AS first_id, max(id) AS last_id, count(*) AS events
                     FROM ready GROUP BY txid, run),
                 ranked AS MATERIALIZED (
                     SELECT r.*,
                            (sum(events) OVER (ORDER BY txid, first_id ROWS UNBOUNDED PRECEDING))::bigint AS through
                     FROM runs r),
                 grouped AS (
                     INSERT INTO change_event_group (last_position, first_position, txid, first_id, last_id)
                     SELECT s.last_position + r.through, s.last_position + r.through - r.events + 1, r.txid,
                            r.first_id, r.last_id
                     FROM ranked r, state s)
            UPDATE change_event_state
            SET last_position = last_position + coalesce((SELECT max(through) FROM ranked), 0),
                published_horizon = greatest(published_horizon, coalesce(
                    (SELECT e.txid FROM change_event e, horizon h
                     WHERE e.txid > (SELECT max(txid) FROM ranked) AND e.txid < h.xmin
                     ORDER BY e.txid, e.id LIMIT 1),
                    (SELECT xmin FROM horizon)))
            WHERE id = 1
            RETURNING coalesce((SELECT max(through) FROM ranked), 0)""";

    private static final String STATE = "SELECT last_position, purged_through FROM change_event_state WHERE id = 1";

    /**
     * The published events after a position, of the given types, in position order: the groups from the one that
     * holds the next position on, each read from that position on through the events' key, at most {@code limit}
     * events of each (so the sort by group and id stops after the group that completes the page).
     */
    private static final String AFTER = """
            SELECT g.first_position + (e.id - g.first_id), e.type, e.subject_kind, e.subject_id, e.version, e.changed,
                   e.related::text, e.occurred_at
            FROM change_event_group g
            CROSS JOIN LATERAL (
                SELECT x.id, x.type, x.subject_kind, x.subject_id, x.version, x.changed, x.related, x.occurred_at
                FROM change_event x
                WHERE x.txid = g.txid AND x.id <= g.last_id
                  AND x.id >= g.first_id + greatest(0, ? - g.first_position + 1)
                  AND x.type = ANY(?)
                ORDER BY x.id
                LIMIT ?) e
            WHERE g.last_position > ?
            ORDER BY g.last_position, e.id
            LIMIT ?""";

    private static final String AT = """
            SELECT g.first_position + (e.id - g.first_id), e.type, e.subject_kind, e.subject_id, e.version, e.changed,
                   e.related::text, e.occurred_at
            FROM (SELECT * FROM change_event_group WHERE last_position >= ? ORDER BY last_position LIMIT 1) g
            JOIN change_event e ON e.txid = g.txid AND e.id = g.first_id + (? - g.first_position)
            WHERE g.first_position <= ?""";

    /**
     * Past the retention: every group up to the newest one published before the cut-off, with its events. A
     * group's events go with it, so the kept history always starts at a group's first position.
     */
    private static final String PURGE = """
            WITH cut AS MATERIALIZED (
                SELECT max(last_position) AS through FROM change_event_group WHERE published_at < ?),
                 gone AS MATERIALIZED (
                     DELETE FROM change_event_group WHERE last_position <= (SELECT through FROM cut)
                     RETURNING txid, first_id, last_id),
                 events AS (
                     DELETE FROM change_event e USING gone g
                     WHERE e.txid = g.txid AND e.id BETWEEN g.first_id AND g.last_id)
            UPDATE change_event_state SET purged_through = greatest(purged_through, coalesce((SELECT through FROM cut), 0))
            WHERE id = 1
            RETURNING purged_through""";

    private final AgroalDataSource dataSource;

    EventStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A published event as stored. */
    record Stored(long position, String type, String subjectKind, UUID subjectId, Long version, List<String> changed,
                  String related, Instant occurredAt) {
    }

    /** The last position handed out and the last one purged. */
    record State(long lastPosition, long purgedThrough) {
    }

    /**
     * An erased contact's id leaves the {@code related} of other records' events (a tie's ends, a touchpoint's
     * participants, an outcome's contact): there it would say whom the person was tied to. Ids hold only hex digits
     * and dashes, so replacing the text is exact. The contact's own events keep it as their subject, as the audit trail
     * does.
     */
    private static final String FORGET_RELATED = """
            UPDATE change_event SET related = CAST(replace(related::text, ?, ?) AS jsonb)
            WHERE strpos(related::text, ?) > 0""";

    /** See {@link #FORGET_RELATED}; in the caller's transaction. */
    int forgetRelated(UUID contact, String instead) {
        String id = contact.toString();
        return Sql.update(dataSource, FORGET_RELATED, List.of(id, instead, id));
    }

    void insert(String[] types, String[] kinds, UUID[] subjects, Long[] versions, String[] changed,
                String[] related) {
        Sql.update(dataSource, INSERT, List.of(types, kinds, subjects, versions, changed, related));
    }

    void insert(Connection c, String[] types, String[] kinds, UUID[] subjects, Long[] versions, String[] changed,
                String[] related) {
        Sql.update(c, INSERT, List.of(types, kinds, subjects, versions, changed, related));
    }

    /**
     * One numbering, in the transaction {@code c} holds: -1 when another publisher holds the lock, else how many
     * events it published.
     */
    long publish(Connection c, int limit) {
        boolean locked = Sql.query(c, TRY_LOCK, List.of(PUBLISH_LOCK), r -> r.getBoolean(1)).get(0);
        if (!locked) {
            return -1;
        }
        return Sql.query(c, PUBLISH, List.of(limit), r -> r.getLong(1)).get(0);
    }

    State state() {
        return Sql.query(dataSource, STATE, List.of(), r -> new State(r.getLong(1), r.getLong(2))).get(0);
    }

    List<Stored> after(long position, String[] types, int limit) {
        return Sql.query(dataSource, AFTER, List.of(position, types, limit, position, limit), EventStore::stored);
    }

    Optional<Stored> at(long position) {
        return Sql.query(dataSource, AT, List.of(position, position, position), EventStore::stored).stream()
                .findFirst();
    }

    /** Deletes the events published before {@code cutoff}; returns the position purged through. */
    long purge(Instant cutoff) {
        return Sql.query(dataSource, PURGE, List.of(cutoff), r -> r.getLong(1)).get(0);
    }

    private static Stored stored(ResultSet r) throws SQLException {
        Array changed = r.getArray(6);
        long version = r.getLong(5);
        Long v = r.wasNull() ? null : version;
        return new Stored(r.getLong(1), r.getString(2), r.getString(3), r.getObject(4, UUID.class), v,
                changed == null ? List.of() : new ArrayList<>(Arrays.asList((String[]) changed.getArray())),
                r.getString(7), r.getTimestamp(8).toInstant());
    }
}
