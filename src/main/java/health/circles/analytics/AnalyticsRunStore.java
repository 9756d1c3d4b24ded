package health.circles.analytics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.circles.Sql;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The history of analytics runs in PostgreSQL (plain JDBC: runs are written from a worker thread, outside JTA). */
@ApplicationScoped
public class AnalyticsRunStore {

    static final String RUNNING = "RUNNING";
    static final String SUCCEEDED = "SUCCEEDED";
    static final String FAILED = "FAILED";

    private static final String COLUMNS = """
            id, state, trigger, phase, percent, parameters, timings, quality, error, started_at, finished_at,
            (SELECT n.named_at FROM analytics_community_naming n WHERE n.run_id = analytics_run.id) AS named_at""";

    /** The lock that the running run holds ("Circles2"). */
    private static final SessionLock LOCK = new SessionLock(0x43697263_6c657332L, "analytics run");

    /** The relay's position in the outbox: how much of PostgreSQL's changes the graph holds. */
    private static final String APPLIED_POSITION = "SELECT applied_position FROM sync_state WHERE id = 1";

    private final AgroalDataSource dataSource;
    private final ObjectMapper json;

    AnalyticsRunStore(AgroalDataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    /**
     * Takes the lock of the one running run on a connection of its own (autocommit, so that the run's rows commit
     * as written), which the caller keeps for the whole run: the lock goes with the session if the replica dies.
     * Empty when another run holds it.
     */
    Optional<Connection> tryLock() throws SQLException {
        return LOCK.tryTake(dataSource);
    }

    /** Releases the run lock taken by {@link #tryLock} and closes its connection; never throws. */
    void unlock(Connection c) {
        LOCK.release(c);
    }

    /** Records a new run as RUNNING on {@code c}; the unique index refuses a second one. */
    void insertRunning(Connection c, UUID id, String trigger, RunParameters parameters, long outboxPosition)
            throws SQLException {
        Sql.update(c, """
                INSERT INTO analytics_run (id, state, trigger, algorithm, parameters, phase, outbox_position, started_at)
                VALUES (?, 'RUNNING', ?, ?, CAST(? AS jsonb), 'QUEUED', ?, now())""",
                List.of(id, trigger, parameters.algorithm().name(), write(parameters), outboxPosition));
    }

    /** Marks RUNNING rows that no live runner holds (their replica died) as failed. */
    int abandonOrphans(Connection c) throws SQLException {
        return Sql.update(c, """
                UPDATE analytics_run SET state = 'FAILED', finished_at = now(),
                       error = 'abandoned: the process running it stopped before it finished'
                WHERE state = 'RUNNING'""", List.of());
    }

    /** The outbox position the graph is at, read on {@code c}; 0 before the relay's first row. */
    long appliedPosition(Connection c) throws SQLException {
        return Sql.query(c, APPLIED_POSITION, List.of(), r -> r.getLong(1)).stream().findFirst().orElse(0L);
    }

    /** The outbox position the graph is at; 0 before the relay's first row. */
    long appliedPosition() {
        return Sql.query(dataSource, APPLIED_POSITION, List.of(), r -> r.getLong(1)).stream().findFirst().orElse(0L);
    }

    void progress(UUID id, String phase, int percent, Map<String, Long> timings) {
        Sql.update(dataSource, """
                UPDATE analytics_run SET phase = ?, percent = ?, timings = CAST(? AS jsonb) WHERE id = ?""",
                List.of(phase, percent, write(timings), id));
    }

    /** Ends a run; on {@code c} so that a successful run and its snapshot commit together. */
    void finish(Connection c, UUID id, String state, String phase, Map<String, Long> timings, RunQuality quality,
                String error) throws SQLException {
        Sql.update(c, """
                UPDATE analytics_run SET state = ?, phase = ?, percent = CASE WHEN ? = 'SUCCEEDED' THEN 100 ELSE percent END,
                       timings = CAST(? AS jsonb), quality = CAST(? AS jsonb), node_count = ?, tie_count = ?,
                       modularity = ?, level_count = ?, memory_estimate = ?, error = ?, finished_at = clock_timestamp()
                WHERE id = ?""", List.of(state, phase, state, write(timings), write(quality),
                orNull(quality.nodeCount()), orNull(quality.tieCount()), orNull(quality.modularity()),
                orNull(quality.levels()), orNull(quality.memoryEstimateBytes()),
                error == null ? Sql.NULL : error.length() > 2000 ? error.substring(0, 2000) : error, id));
    }

    Optional<RunView> find(UUID id) {
        return Sql.query(dataSource, "SELECT " + COLUMNS + " FROM analytics_run WHERE id = ?", List.of(id),
                this::view).stream().findFirst();
    }

    Optional<RunView> running() {
        return Sql.query(dataSource, "SELECT " + COLUMNS + " FROM analytics_run WHERE state = 'RUNNING'", List.of(),
                this::view).stream().findFirst();
    }

    /** The newest successful run: what the read APIs serve. */
    Optional<UUID> latestSucceeded() {
        return Sql.query(dataSource, """
                SELECT id FROM analytics_run WHERE state = 'SUCCEEDED' ORDER BY finished_at DESC LIMIT 1""", List.of(),
                r -> r.getObject(1, UUID.class)).stream().findFirst();
    }

    /** The successful run before {@code run}: the base of rank changes and of stable community ids. */
    Optional<UUID> previousSucceeded(UUID run) {
        return Sql.query(dataSource, """
                SELECT p.id FROM analytics_run p, analytics_run r
                WHERE r.id = ? AND p.state = 'SUCCEEDED' AND p.id <> r.id AND p.finished_at <= coalesce(r.finished_at, now())
                ORDER BY p.finished_at DESC LIMIT 1""", List.of(run), r -> r.getObject(1, UUID.class))
                .stream().findFirst();
    }

    /** Outbox position at the start of the last run that did not fail; -1 when there was none. */
    long lastRunPosition() {
        return Sql.query(dataSource, """
                SELECT coalesce(max(outbox_position), -1) FROM analytics_run WHERE state <> 'FAILED'""", List.of(),
                r -> r.getLong(1)).get(0);
    }

    /** Newest first, keyset-paged by (started_at, id). */
    long count() {
        return Sql.query(dataSource, "SELECT count(*) FROM analytics_run", List.of(), r -> r.getLong(1)).get(0);
    }

    List<RunView> page(Instant beforeStarted, UUID beforeId, int limit) {
        String sql = "SELECT " + COLUMNS + " FROM analytics_run"
                + (beforeStarted == null ? "" : " WHERE (started_at, id) < (?, ?)")
                + " ORDER BY started_at DESC, id DESC LIMIT ?";
        List<Object> params = new ArrayList<>();
        if (beforeStarted != null) {
            params.add(beforeStarted);
            params.add(beforeId);
        }
        params.add(limit);
        return Sql.query(dataSource, sql, params, this::view);
    }

    /** Deletes the per-contact snapshots of all but the newest {@code keep} successful runs. */
    void pruneSnapshots(int keep) {
        Sql.update(dataSource, """
                WITH old AS (SELECT id FROM analytics_run WHERE state = 'SUCCEEDED'
                             ORDER BY finished_at DESC OFFSET ?)
                , a AS (DELETE FROM analytics_score WHERE run_id IN (SELECT id FROM old))
                , b AS (DELETE FROM analytics_membership WHERE run_id IN (SELECT id FROM old))
                , d AS (DELETE FROM analytics_community_link WHERE run_id IN (SELECT id FROM old))
                DELETE FROM analytics_community WHERE run_id IN (SELECT id FROM old)""", List.of(keep));
    }

    private static Object orNull(Object value) {
        return value == null ? Sql.NULL : value;
    }

    private RunView view(ResultSet r) throws SQLException {
        UUID id = r.getObject("id", UUID.class);
        Timestamp finished = r.getTimestamp("finished_at");
        Timestamp named = r.getTimestamp("named_at");
        return new RunView(id, r.getString("state"), r.getString("trigger"), r.getString("phase"), r.getInt("percent"),
                read(r.getString("parameters"), new TypeReference<RunParameters>() { }),
                read(r.getString("timings"), new TypeReference<LinkedHashMap<String, Long>>() { }),
                read(r.getString("quality"), new TypeReference<RunQuality>() { }),
                r.getString("error"), r.getTimestamp("started_at").toInstant(),
                finished == null ? null : finished.toInstant(), named == null ? null : named.toInstant(),
                "/api/v1/analytics/runs/" + id, null);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T read(String value, TypeReference<T> type) {
        try {
            return json.readValue(value, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
