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
     * Numbers, in insert order, the unnumbered rows whose writing transaction has ended: a transaction id below the
     * xmin of this statement's snapshot belongs to a transaction that committed or aborted before the snapshot, so its
     * rows are visible now if they ever will be, and no transaction still running can add a row that would have to
     * come before them. Positions continue from the state row, without gaps, and the state moves in the same
     * statement; the caller holds {@link #PUBLISH_LOCK} for the transaction, so numberings never overlap.
     */
    private static final String PUBLISH = """
            WITH horizon AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
                 state AS MATERIALIZED (SELECT last_position FROM change_event_state WHERE id = 1 FOR UPDATE),
                 ready AS MATERIALIZED (
                     SELECT e.id, row_number() OVER (ORDER BY e.id) AS n
                     FROM change_event e, horizon h
                     WHERE e.position IS NULL AND e.txid < h.xmin
                     ORDER BY e.id
                     LIMIT ?),
                 numbered AS (
                     UPDATE change_event e SET position = s.last_position + r.n
                     FROM ready r, state s
                     WHERE e.id = r.id
                     RETURNING e.position)
            UPDATE change_event_state SET last_position = last_position + (SELECT count(*) FROM numbered)
            WHERE id = 1
            RETURNING (SELECT count(*) FROM numbered)""";

    private static final String STATE = "SELECT last_position, purged_through FROM change_event_state WHERE id = 1";

    /** The published events after a position, of the given types, in position order. */
    private static final String AFTER = """
            SELECT position, type, subject_kind, subject_id, version, changed, related::text, occurred_at
            FROM change_event
            WHERE position > ? AND type = ANY(?)
            ORDER BY position
            LIMIT ?""";

    private static final String AT = """
            SELECT position, type, subject_kind, subject_id, version, changed, related::text, occurred_at
            FROM change_event WHERE position = ?""";

    /** Past the retention: every published event up to the newest one that occurred before the cut-off. */
    private static final String PURGE = """
            WITH cut AS MATERIALIZED (
                SELECT max(position) AS through FROM change_event WHERE position IS NOT NULL AND occurred_at < ?),
                 gone AS (DELETE FROM change_event WHERE position <= (SELECT through FROM cut))
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
        return Sql.query(dataSource, AFTER, List.of(position, types, limit), EventStore::stored);
    }

    Optional<Stored> at(long position) {
        return Sql.query(dataSource, AT, List.of(position), EventStore::stored).stream().findFirst();
    }

    /** Deletes the events that occurred before {@code cutoff}; returns the position purged through. */
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
