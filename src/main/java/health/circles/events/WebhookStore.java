package health.circles.events;

import health.circles.Sql;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Webhook subscriptions and their delivery log (tables {@code webhook_subscription}, {@code webhook_delivery}). */
@ApplicationScoped
class WebhookStore {

    /** The advisory lock of the deliverer: one at a time across replicas, held by its session while it works. */
    static final long DELIVER_LOCK = 0x43697263_57686b31L; // "CircWhk1"

    private static final String COLUMNS = """
            id, owner_subject, owner_roles, url, types, description, include_record, enabled, disabled_reason,
            disabled_at, secret, previous_secret, previous_secret_until, delivered_through, failures, next_attempt_at,
            created_at, updated_at, version""";

    private static final String INSERT = """
            INSERT INTO webhook_subscription (id, owner_subject, owner_roles, url, types, description, include_record,
                secret, delivered_through, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, (SELECT last_position FROM change_event_state WHERE id = 1), ?, ?)""";

    private static final String FIND = "SELECT " + COLUMNS + " FROM webhook_subscription WHERE id = ?";

    private static final String FIND_FOR_UPDATE = FIND + " FOR UPDATE";

    /** A page of subscriptions in id order; the owner's only, unless {@code owner} is null (an admin). */
    private static final String PAGE = "SELECT " + COLUMNS + """
             FROM webhook_subscription
            WHERE (CAST(? AS text) IS NULL OR owner_subject = ?) AND (CAST(? AS uuid) IS NULL OR id > ?)
            ORDER BY id LIMIT ?""";

    private static final String COUNT_OF_OWNER = "SELECT count(*) FROM webhook_subscription WHERE owner_subject = ?";

    /**
     * Serialises the creations of one owner until the end of the transaction, so that counting their subscriptions
     * and inserting one is not raced by another creation (which would let an owner pass the most one may hold). The
     * two-key form keeps these locks apart from the single-key ones of other stores (PostgreSQL's two key spaces do
     * not overlap); the first key says whose they are.
     */
    private static final String LOCK_OWNER = "SELECT pg_advisory_xact_lock(?, hashtext(?))";

    /** The first key of {@link #LOCK_OWNER}: "Whk1". */
    static final int OWNER_LOCKS = 0x57686b31;

    private static final String UPDATE = """
            UPDATE webhook_subscription
            SET url = ?, types = ?, description = ?, include_record = ?, enabled = ?, disabled_reason = ?,
                disabled_at = ?, failures = ?, next_attempt_at = ?, updated_at = ?, version = version + 1
            WHERE id = ?""";

    private static final String ROTATE = """
            UPDATE webhook_subscription
            SET previous_secret = secret, previous_secret_until = ?, secret = ?, updated_at = ?, version = version + 1
            WHERE id = ?""";

    private static final String DELETE = "DELETE FROM webhook_subscription WHERE id = ?";

    /** Moves the delivery point back (or on) and clears the failures: the next delivery is the first after it. */
    private static final String REPLAY = """
            UPDATE webhook_subscription
            SET delivered_through = ?, failures = 0, next_attempt_at = NULL, updated_at = ?, version = version + 1
            WHERE id = ?""";

    /** Enabled subscriptions whose next attempt is due. */
    private static final String DUE = "SELECT " + COLUMNS + """
             FROM webhook_subscription
            WHERE enabled AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
            ORDER BY id""";

    /*
     * The deliverer's writes below hold only while the subscription is as its round read it: still enabled, at the
     * delivery point and the version the round started from. Every write through the API (change, replay, secret
     * rotation) and disabling move the version on; these writes do not, so a round's own progress does not stop it. A
     * write that changes nothing tells the round to stop: the subscription was disabled, repointed or replayed
     * meanwhile, and the next round starts from what it is now.
     */

    /** Delivered: the point moves on, only from where the delivery started (a replay meanwhile wins). */
    private static final String DELIVERED = """
            UPDATE webhook_subscription SET delivered_through = ?, failures = 0, next_attempt_at = NULL
            WHERE id = ? AND delivered_through = ? AND enabled AND version = ?""";

    /** Nothing to deliver among these positions: the point moves on past them. */
    private static final String SKIPPED = """
            UPDATE webhook_subscription SET delivered_through = ?
            WHERE id = ? AND delivered_through = ? AND enabled AND version = ?""";

    private static final String FAILED = """
            UPDATE webhook_subscription SET failures = ?, next_attempt_at = ?
            WHERE id = ? AND delivered_through = ? AND enabled AND version = ?""";

    /** Disabled by the deliverer, for what the round saw (a target gone, repeated failures). */
    private static final String DISABLE = """
            UPDATE webhook_subscription SET enabled = false, disabled_reason = ?, disabled_at = ?, next_attempt_at = NULL,
                version = version + 1
            WHERE id = ? AND enabled AND version = ?""";

    private static final String LOG = """
            INSERT INTO webhook_delivery (subscription_id, position, message_id, event_type, attempt, attempted_at,
                status, latency_ms, error, next_retry_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    private static final String DELIVERIES = """
            SELECT id, position, message_id, event_type, attempt, attempted_at, status, latency_ms, error, next_retry_at
            FROM webhook_delivery
            WHERE subscription_id = ? AND (CAST(? AS bigint) IS NULL OR id < ?)
            ORDER BY id DESC LIMIT ?""";

    private static final String PURGE_LOG = "DELETE FROM webhook_delivery WHERE attempted_at < ?";

    private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(?)";

    private static final String UNLOCK = "SELECT pg_advisory_unlock(?)";

    private final AgroalDataSource dataSource;

    WebhookStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A subscription row. */
    record Subscription(UUID id, String ownerSubject, List<String> ownerRoles, String url, List<String> types,
                        String description, boolean includeRecord, boolean enabled, String disabledReason,
                        Instant disabledAt, String secret, String previousSecret, Instant previousSecretUntil,
                        long deliveredThrough, int failures, Instant nextAttemptAt, Instant createdAt,
                        Instant updatedAt, long version) {
    }

    /** A delivery log row. */
    record Delivery(long id, long position, String messageId, String eventType, int attempt, Instant attemptedAt,
                    Integer status, Long latencyMs, String error, Instant nextRetryAt) {
    }

    void insert(UUID id, String owner, List<String> roles, String url, List<String> types, String description,
                boolean includeRecord, String secret, Instant now) {
        Sql.update(dataSource, INSERT, List.of(id, owner, roles.toArray(String[]::new), url,
                types.toArray(String[]::new), nullable(description), includeRecord, secret, now, now));
    }

    Optional<Subscription> find(UUID id) {
        return Sql.query(dataSource, FIND, List.of(id), WebhookStore::subscription).stream().findFirst();
    }

    Optional<Subscription> findForUpdate(UUID id) {
        return Sql.query(dataSource, FIND_FOR_UPDATE, List.of(id), WebhookStore::subscription).stream().findFirst();
    }

    List<Subscription> page(String owner, UUID after, int limit) {
        return Sql.query(dataSource, PAGE, List.of(nullable(owner), nullable(owner), nullable(after), nullable(after),
                limit), WebhookStore::subscription);
    }

    /** Takes the owner's creation lock for the caller's transaction ({@link #LOCK_OWNER}). */
    void lockOwner(String owner) {
        Sql.query(dataSource, LOCK_OWNER, List.of(OWNER_LOCKS, owner), r -> 1);
    }

    long countOf(String owner) {
        return Sql.query(dataSource, COUNT_OF_OWNER, List.of(owner), r -> r.getLong(1)).get(0);
    }

    void update(Subscription s, Instant now) {
        Sql.update(dataSource, UPDATE, List.of(s.url(), s.types().toArray(String[]::new), nullable(s.description()),
                s.includeRecord(), s.enabled(), nullable(s.disabledReason()), nullable(s.disabledAt()), s.failures(),
                nullable(s.nextAttemptAt()), now, s.id()));
    }

    void rotate(UUID id, String secret, Instant previousUntil, Instant now) {
        Sql.update(dataSource, ROTATE, List.of(previousUntil, secret, now, id));
    }

    void delete(UUID id) {
        Sql.update(dataSource, DELETE, List.of(id));
    }

    void replay(UUID id, long from, Instant now) {
        Sql.update(dataSource, REPLAY, List.of(from, now, id));
    }

    List<Subscription> due(Instant now) {
        return Sql.query(dataSource, DUE, List.of(now), WebhookStore::subscription);
    }

    /** Whether the point moved on; false when the subscription changed since {@code version} was read. */
    boolean delivered(UUID id, long version, long from, long through) {
        return Sql.update(dataSource, DELIVERED, List.of(through, id, from, version)) == 1;
    }

    boolean skipped(UUID id, long version, long from, long through) {
        return Sql.update(dataSource, SKIPPED, List.of(through, id, from, version)) == 1;
    }

    boolean failed(UUID id, long version, long from, int failures, Instant nextAttempt) {
        return Sql.update(dataSource, FAILED, List.of(failures, nullable(nextAttempt), id, from, version)) == 1;
    }

    boolean disable(UUID id, long version, String reason, Instant now) {
        return Sql.update(dataSource, DISABLE, List.of(reason, now, id, version)) == 1;
    }

    void log(UUID id, long position, String messageId, String type, int attempt, Instant at, Integer status,
             Long latencyMs, String error, Instant nextRetry) {
        Sql.update(dataSource, LOG, List.of(id, position, messageId, type, attempt, at, nullable(status),
                nullable(latencyMs), nullable(error), nullable(nextRetry)));
    }

    List<Delivery> deliveries(UUID id, Long before, int limit) {
        return Sql.query(dataSource, DELIVERIES, List.of(id, nullable(before), nullable(before), limit), r -> {
            int status = r.getInt(7);
            Integer s = r.wasNull() ? null : status;
            long latency = r.getLong(8);
            Long l = r.wasNull() ? null : latency;
            return new Delivery(r.getLong(1), r.getLong(2), r.getString(3), r.getString(4), r.getInt(5),
                    r.getTimestamp(6).toInstant(), s, l, r.getString(9), instant(r.getTimestamp(10)));
        });
    }

    int purgeLog(Instant before) {
        return Sql.update(dataSource, PURGE_LOG, List.of(before));
    }

    /** Takes the deliverer's lock for the session of {@code c}; false when another replica holds it. */
    boolean tryLock(Connection c) {
        return Sql.query(c, TRY_LOCK, List.of(DELIVER_LOCK), r -> r.getBoolean(1)).get(0);
    }

    void unlock(Connection c) {
        Sql.query(c, UNLOCK, List.of(DELIVER_LOCK), r -> r.getBoolean(1));
    }

    private static Object nullable(Object value) {
        return value == null ? Sql.NULL : value;
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static List<String> texts(Array a) throws SQLException {
        return a == null ? List.of() : Arrays.asList((String[]) a.getArray());
    }

    private static Subscription subscription(ResultSet r) throws SQLException {
        return new Subscription(r.getObject(1, UUID.class), r.getString(2), texts(r.getArray(3)), r.getString(4),
                texts(r.getArray(5)), r.getString(6), r.getBoolean(7), r.getBoolean(8), r.getString(9),
                instant(r.getTimestamp(10)), r.getString(11), r.getString(12), instant(r.getTimestamp(13)),
                r.getLong(14), r.getInt(15), instant(r.getTimestamp(16)), instant(r.getTimestamp(17)),
                instant(r.getTimestamp(18)), r.getLong(19));
    }
}
