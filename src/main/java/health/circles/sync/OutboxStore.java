package health.circles.sync;

import health.circles.Sql;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The outbox, its dead letters' arrival and {@code sync_state}: what writers append, what the relay reads, marks and
 * holds back, and what monitoring counts. Appends join the caller's transaction; the relay's statements run on the
 * connection that holds its batch transaction and its lock.
 */
@ApplicationScoped
class OutboxStore {

    /** The advisory lock of whoever writes the outbox's changes to the graph: the relay, or a rebuild. */
    static final long LOCK_KEY = 0x43697263_6c657331L; // "Circles1"

    private static final String APPEND = """
            INSERT INTO outbox (type, aggregate_id, version, payload)
            VALUES (?, ?, ?, CAST(? AS json))
            RETURNING position""";

    private static final String APPEND_BATCH = """
            INSERT INTO outbox (type, aggregate_id, version, payload, items)
            VALUES (?, ?, ?, CAST(? AS json), ?)
            RETURNING position""";

    /** The newest position written and not yet applied; 0 when the graph is in step. */
    private static final String LATEST_PENDING = "SELECT coalesce(max(position), 0) FROM outbox WHERE applied_at IS NULL";

    /** How many rows up to a position the graph still lacks. */
    private static final String PENDING_UP_TO = "SELECT count(*) FROM outbox WHERE applied_at IS NULL AND position <= ?";

    /** The relay's lock for one batch transaction; false when another relay or a rebuild holds it. */
    private static final String TRY_LOCK_FOR_TRANSACTION = "SELECT pg_try_advisory_xact_lock(?)";

    /** The relay's lock for a whole session (a repair, a rebuild), waited for; released by {@link #UNLOCK_SESSION}. */
    private static final String LOCK_SESSION = "SELECT pg_advisory_lock(?)";

    private static final String UNLOCK_SESSION = "SELECT pg_advisory_unlock(?)";

    /**
     * The next rows in position order that may go now: at most batch-size rows and, beyond the first row, at most
     * max-items changes and max-bytes of payload. Left out are rows waiting out a failure's backoff and the rows of
     * their aggregate behind them, and rows parked behind a dead letter of their aggregate. The running sums are
     * taken before the payloads are read, so big rows left for later cost nothing here. {@code head} is how many rows
     * the first cut held; {@code failed} whether the row failed before (then waited out a backoff, or came back from
     * the dead letters).
     */
    private static final String PENDING = """
            SELECT p.position, p.type, o.payload::text, p.head, p.aggregate_id, p.attempts, p.bytes,
                   o.first_failed_at IS NOT NULL
            FROM (SELECT position, type, items, aggregate_id, attempts, bytes,
                         sum(items) OVER w AS running, sum(bytes) OVER w AS running_bytes,
                         row_number() OVER w AS n, count(*) OVER () AS head
                  FROM (SELECT o.position, o.type, o.items, o.bytes, o.aggregate_id, o.attempts
                        FROM outbox o
                        WHERE o.applied_at IS NULL
                          AND NOT EXISTS (SELECT 1 FROM outbox_dead_letter d
                                          WHERE d.aggregate_id = o.aggregate_id AND d.position < o.position)
                          AND NOT EXISTS (SELECT 1 FROM outbox f
                                          WHERE f.applied_at IS NULL AND f.attempts > 0
                                            AND f.aggregate_id = o.aggregate_id AND f.position <= o.position
                                            AND f.retry_at > now())
                        ORDER BY o.position LIMIT ?) first
                  WINDOW w AS (ORDER BY position)) p
            JOIN outbox o ON o.position = p.position
            WHERE (p.running <= ? AND p.running_bytes <= ?) OR p.n = 1
            ORDER BY p.position""";

    /** Marks rows applied, as one more batch: the graph's version counts batches (V43). */
    private static final String MARK_APPLIED = """
            WITH batch AS (UPDATE sync_state SET applied_batches = applied_batches + 1 WHERE id = 1
                           RETURNING applied_batches)
            UPDATE outbox SET applied_at = now(), applied_batch = (SELECT applied_batches FROM batch)
            WHERE position = ANY(?)""";

    /** Records progress; a successful batch also clears the last error. */
    private static final String RECORD_PROGRESS = """
            UPDATE sync_state SET applied_position = greatest(applied_position, ?), applied_at = now(),
                                  last_error = NULL, last_error_at = NULL
            WHERE id = 1""";

    /** Moves a row to the dead letters with its attempts and last error. */
    private static final String DEAD_LETTER = """
            WITH gone AS (DELETE FROM outbox WHERE position = ? RETURNING *)
            INSERT INTO outbox_dead_letter (position, type, aggregate_id, version, payload, items,
                                            occurred_at, attempts, error, first_failed_at, last_failed_at)
            SELECT position, type, aggregate_id, version, payload, items, occurred_at, ?, ?,
                   coalesce(first_failed_at, now()), now()
            FROM gone""";

    /** Counts a failed attempt on a row and holds it back for a backoff in seconds. */
    private static final String HOLD_BACK = """
            UPDATE outbox SET attempts = ?, last_error = ?, first_failed_at = coalesce(first_failed_at, now()),
                              retry_at = now() + make_interval(secs => ?)
            WHERE position = ?""";

    private static final String RECORD_ERROR = "UPDATE sync_state SET last_error = ?, last_error_at = now() WHERE id = 1";

    private static final String PURGE_APPLIED = "DELETE FROM outbox WHERE applied_at IS NOT NULL AND applied_at < ?";

    /** Backlog, oldest pending change, last position written, progress, dead letters and rows parked behind them. */
    private static final String STATUS = """
            SELECT (SELECT count(*) FROM outbox WHERE applied_at IS NULL),
                   (SELECT min(occurred_at) FROM outbox WHERE applied_at IS NULL),
                   (SELECT coalesce(max(position), 0) FROM outbox),
                   st.applied_position, st.applied_at, st.last_error, st.last_error_at, now(),
                   (SELECT count(*) FROM outbox_dead_letter),
                   (SELECT count(*) FROM outbox o WHERE o.applied_at IS NULL AND EXISTS (
                       SELECT 1 FROM outbox_dead_letter d
                       WHERE d.aggregate_id = o.aggregate_id AND d.position < o.position))
            FROM sync_state st WHERE st.id = 1""";

    /** What the gauges show: backlog, its age in seconds, dead letters, and rows parked behind them. */
    private static final String GAUGES = """
            SELECT (SELECT count(*) FROM outbox WHERE applied_at IS NULL),
                   (SELECT coalesce(extract(epoch FROM now() - min(occurred_at)), 0)
                    FROM outbox WHERE applied_at IS NULL),
                   (SELECT count(*) FROM outbox_dead_letter),
                   (SELECT count(*) FROM outbox o WHERE o.applied_at IS NULL AND EXISTS (
                       SELECT 1 FROM outbox_dead_letter d
                       WHERE d.aggregate_id = o.aggregate_id AND d.position < o.position))""";

    // Erasure. Changes already in the graph need not be kept; the pending ones lose the name but keep their order.
    private static final String DROP_APPLIED_OF = """
            DELETE FROM outbox WHERE aggregate_id = ? AND applied_at IS NOT NULL""";
    private static final String UNNAME_PENDING_OF = """
            UPDATE outbox SET payload = CAST(payload AS jsonb) || '{"displayName": "(erased)"}'::jsonb
            WHERE aggregate_id = ? AND applied_at IS NULL AND payload ->> 'displayName' IS NOT NULL""";
    // Batch rows (bulk imports) carry many contacts and ties under the job's id: the contact's items and the ties
    // that end at it leave them, applied or not (its own deletion and its ties' deletions follow in this outbox).
    private static final String DROP_BATCH_ITEMS_OF = """
            WITH erased AS (SELECT CAST(? AS text) AS id),
            kept AS (
                SELECT o.position, coalesce(json_agg(e) FILTER (WHERE e ->> 'id' IS DISTINCT FROM x.id
                            AND e ->> 'from' IS DISTINCT FROM x.id AND e ->> 'to' IS DISTINCT FROM x.id),
                            '[]'::json) AS items
                FROM erased x, outbox o CROSS JOIN LATERAL json_array_elements(o.payload -> 'batch') e
                WHERE json_typeof(o.payload -> 'batch') = 'array' AND strpos(o.payload::text, x.id) > 0
                GROUP BY o.position)
            UPDATE outbox o SET payload = json_build_object('batch', kept.items),
                                items = json_array_length(kept.items)
            FROM kept WHERE o.position = kept.position""";
    private static final String FIRST_PENDING = "SELECT min(position) FROM outbox WHERE applied_at IS NULL";
    // After the erasure reached the graph: the applied rows that belong to or name the erased aggregate.
    private static final String DROP_APPLIED_NAMING = """
            DELETE FROM outbox
            WHERE position <= ? AND applied_at IS NOT NULL
              AND (aggregate_id = ? OR strpos(payload::text, CAST(? AS text)) > 0)""";

    /** How many changes of the given types the relay applied in a span of batches (a batch row counts its items). */
    private static final String CHANGES_BETWEEN = """
            SELECT coalesce(sum(items), 0) FROM outbox
            WHERE applied_batch > ? AND applied_batch <= ? AND type = ANY(?)""";
    /** Some fields of each change of the given types in a span of batches ('' where one lacks one); batch rows' items each. */
    private static final String FIELDS_OF_CHANGES_BETWEEN = """
            SELECT coalesce(item ->> f, '')
            FROM outbox o
            CROSS JOIN LATERAL json_array_elements(CASE WHEN json_typeof(o.payload -> 'batch') = 'array'
                THEN o.payload -> 'batch' ELSE json_build_array(o.payload) END) item
            CROSS JOIN unnest(CAST(? AS text[])) f
            WHERE o.applied_batch > ? AND o.applied_batch <= ? AND o.type = ANY(?)""";

    private final AgroalDataSource dataSource;

    OutboxStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    long changesBetween(long after, long through, String[] types) {
        return Sql.query(dataSource, CHANGES_BETWEEN, List.of(after, through, types), r -> r.getLong(1)).get(0);
    }

    List<String> fieldsOfChangesBetween(long after, long through, String[] types, String[] fields) {
        return Sql.query(dataSource, FIELDS_OF_CHANGES_BETWEEN, List.of(fields, after, through, types),
                r -> r.getString(1));
    }

    /** Appends one change (a JSON payload) in the caller's transaction; returns its position. */
    long append(String type, UUID aggregateId, long version, String payload) {
        return Sql.query(dataSource, APPEND, List.of(type, aggregateId, version, payload), r -> r.getLong(1)).get(0);
    }

    /** Appends a batch row carrying {@code items} changes in the caller's transaction; returns its position. */
    long appendBatch(String type, UUID aggregateId, long version, String payload, int items) {
        return Sql.query(dataSource, APPEND_BATCH, List.of(type, aggregateId, version, payload, items),
                r -> r.getLong(1)).get(0);
    }

    /** Erasure, in the caller's transaction: see {@link Outbox#forgetErased}. */
    void forgetErased(UUID aggregateId) {
        Sql.update(dataSource, DROP_APPLIED_OF, List.of(aggregateId));
        Sql.update(dataSource, UNNAME_PENDING_OF, List.of(aggregateId));
        Sql.update(dataSource, DROP_BATCH_ITEMS_OF, List.of(aggregateId.toString()));
    }

    /** The first unapplied position, or {@link Long#MAX_VALUE}. */
    long firstPending() {
        Long first = Sql.query(dataSource, FIRST_PENDING, List.of(), r -> {
            long p = r.getLong(1);
            return r.wasNull() ? Long.MAX_VALUE : p;
        }).get(0);
        return first;
    }

    int dropAppliedNaming(UUID aggregateId, long through) {
        return Sql.update(dataSource, DROP_APPLIED_NAMING, List.of(through, aggregateId, aggregateId.toString()));
    }

    long latestPending() {
        return Sql.query(dataSource, LATEST_PENDING, List.of(), r -> r.getLong(1)).get(0);
    }

    long pendingUpTo(long position) {
        return Sql.query(dataSource, PENDING_UP_TO, List.of(position), r -> r.getLong(1)).get(0);
    }

    /** Takes the relay's lock for the transaction {@code c} holds, if free. */
    boolean tryLockForTransaction(Connection c) {
        return Sql.query(c, TRY_LOCK_FOR_TRANSACTION, List.of(LOCK_KEY), r -> r.getBoolean(1)).get(0);
    }

    /** Waits for the relay's lock and holds it for the session of {@code c}, until {@link #unlockSession}. */
    void lockSession(Connection c) {
        Sql.query(c, LOCK_SESSION, List.of(LOCK_KEY), r -> null);
    }

    void unlockSession(Connection c) {
        Sql.query(c, UNLOCK_SESSION, List.of(LOCK_KEY), r -> null);
    }

    /**
     * One outbox row as the relay reads it, its payload still JSON text; {@code head} and {@code failedBefore} as in
     * {@link #PENDING}.
     */
    record PendingRow(long position, String type, String payload, long head, UUID aggregateId, int attempts,
                      long bytes, boolean failedBefore) {
    }

    List<PendingRow> pending(Connection c, int batchSize, long maxItems, long maxBytes) {
        return Sql.query(c, PENDING, List.of(batchSize, maxItems, maxBytes), r -> new PendingRow(r.getLong(1),
                r.getString(2), r.getString(3), r.getLong(4), r.getObject(5, UUID.class), r.getInt(6), r.getLong(7),
                r.getBoolean(8)));
    }

    /** Marks rows applied and records the progress (ascending positions: the last is the highest). */
    void markApplied(Connection c, Long[] positions) {
        Sql.update(c, MARK_APPLIED, List.of((Object) positions));
        Sql.update(c, RECORD_PROGRESS, List.of(positions[positions.length - 1]));
    }

    void deadLetter(Connection c, long position, int attempts, String error) {
        Sql.update(c, DEAD_LETTER, List.of(position, attempts, error));
    }

    void holdBack(Connection c, long position, int attempts, String error, double seconds) {
        Sql.update(c, HOLD_BACK, List.of(attempts, error, seconds, position));
    }

    void recordError(Connection c, String error) {
        Sql.update(c, RECORD_ERROR, List.of(error));
    }

    /** Records an error outside any batch, e.g. Neo4j unreachable. */
    void recordError(String error) {
        Sql.update(dataSource, RECORD_ERROR, List.of(error));
    }

    /** Deletes the rows applied before {@code before}; returns how many. */
    int purgeAppliedBefore(Instant before) {
        return Sql.update(dataSource, PURGE_APPLIED, List.of(before));
    }

    /** The columns of {@link #STATUS}, read as they are. */
    record Status(long backlog, Instant oldestPending, long lastPosition, long appliedPosition, Instant appliedAt,
                  String lastError, Instant lastErrorAt, Instant now, long deadLetters, long parked) {
    }

    Status status() {
        return Sql.query(dataSource, STATUS, List.of(), r -> new Status(r.getLong(1), instant(r, 2), r.getLong(3),
                r.getLong(4), instant(r, 5), r.getString(6), instant(r, 7), instant(r, 8), r.getLong(9),
                r.getLong(10))).get(0);
    }

    /** The gauges' values: backlog, lag in seconds, dead letters, parked rows. */
    record Gauges(long backlog, double lagSeconds, long deadLetters, long parked) {
    }

    Gauges gauges() {
        return Sql.query(dataSource, GAUGES, List.of(), r -> new Gauges(r.getLong(1), r.getDouble(2), r.getLong(3),
                r.getLong(4))).get(0);
    }

    private static Instant instant(ResultSet r, int column) throws SQLException {
        Timestamp t = r.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
