package health.circles.analytics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
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
import org.jboss.logging.Logger;

/** The history of analytics runs in PostgreSQL (plain JDBC: runs are written from a worker thread, outside JTA). */
@ApplicationScoped
public class AnalyticsRunStore {

    static final String RUNNING = "RUNNING";
    static final String SUCCEEDED = "SUCCEEDED";
    static final String FAILED = "FAILED";

    private static final String COLUMNS = """
            id, state, trigger, phase, percent, parameters, timings, quality, error, started_at, finished_at""";

    private static final Logger LOG = Logger.getLogger(AnalyticsRunStore.class);

    private final AgroalDataSource dataSource;
    private final ObjectMapper json;

    AnalyticsRunStore(AgroalDataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    /** Key of the advisory lock that the running run holds ("Circles2"). */
    private static final long LOCK_KEY = 0x43697263_6c657332L;

    private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(?)";
    private static final String UNLOCK = "SELECT pg_advisory_unlock(?)";

    Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    /**
     * Takes the lock of the one running run on a connection of its own (autocommit, so that the run's rows commit
     * as written), which the caller keeps for the whole run: the lock goes with the session if the replica dies.
     * Empty when another run holds it.
     */
    Optional<Connection> tryLock() throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(true);
            try (PreparedStatement s = c.prepareStatement(TRY_LOCK)) {
                s.setLong(1, LOCK_KEY);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    if (r.getBoolean(1)) {
                        return Optional.of(c);
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            close(c);
            throw e;
        }
        close(c);
        return Optional.empty();
    }

    /** Releases the run lock taken by {@link #tryLock} and closes its connection; never throws. */
    void unlock(Connection c) {
        if (c == null) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement(UNLOCK)) {
            s.setLong(1, LOCK_KEY);
            s.execute();
        } catch (SQLException e) {
            LOG.debugf("Could not release the analytics lock: %s", e.getMessage());
        }
        close(c);
    }

    private static void close(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debugf("Could not close the analytics lock connection: %s", e.getMessage());
        }
    }

    /** Records a new run as RUNNING on {@code c}; the unique index refuses a second one. */
    void insertRunning(Connection c, UUID id, String trigger, RunParameters parameters, long outboxPosition)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO analytics_run (id, state, trigger, algorithm, parameters, phase, outbox_position, started_at)
                VALUES (?, 'RUNNING', ?, ?, CAST(? AS jsonb), 'QUEUED', ?, now())""")) {
            s.setObject(1, id);
            s.setString(2, trigger);
            s.setString(3, parameters.algorithm().name());
            s.setString(4, write(parameters));
            s.setLong(5, outboxPosition);
            s.executeUpdate();
        }
    }

    /** Marks RUNNING rows that no live runner holds (their replica died) as failed. */
    int abandonOrphans(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                UPDATE analytics_run SET state = 'FAILED', finished_at = now(),
                       error = 'abandoned: the process running it stopped before it finished'
                WHERE state = 'RUNNING'""")) {
            return s.executeUpdate();
        }
    }

    /** The relay's position in the outbox: how much of PostgreSQL's changes the graph holds. */
    private static final String APPLIED_POSITION = "SELECT applied_position FROM sync_state WHERE id = 1";

    /** The outbox position the graph is at, read on {@code c}; 0 before the relay's first row. */
    long appliedPosition(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(APPLIED_POSITION);
             ResultSet r = s.executeQuery()) {
            return r.next() ? r.getLong(1) : 0;
        }
    }

    /** The outbox position the graph is at; 0 before the relay's first row. */
    long appliedPosition() {
        try (Connection c = dataSource.getConnection()) {
            return appliedPosition(c);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    void progress(UUID id, String phase, int percent, Map<String, Long> timings) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("""
                     UPDATE analytics_run SET phase = ?, percent = ?, timings = CAST(? AS jsonb) WHERE id = ?""")) {
            s.setString(1, phase);
            s.setInt(2, percent);
            s.setString(3, write(timings));
            s.setObject(4, id);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not record the progress of run " + id, e);
        }
    }

    /** Ends a run; on {@code c} so that a successful run and its snapshot commit together. */
    void finish(Connection c, UUID id, String state, String phase, Map<String, Long> timings, RunQuality quality,
                String error) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                UPDATE analytics_run SET state = ?, phase = ?, percent = CASE WHEN ? = 'SUCCEEDED' THEN 100 ELSE percent END,
                       timings = CAST(? AS jsonb), quality = CAST(? AS jsonb), node_count = ?, tie_count = ?,
                       modularity = ?, level_count = ?, memory_estimate = ?, error = ?, finished_at = now()
                WHERE id = ?""")) {
            s.setString(1, state);
            s.setString(2, phase);
            s.setString(3, state);
            s.setString(4, write(timings));
            s.setString(5, write(quality));
            s.setObject(6, quality.nodeCount());
            s.setObject(7, quality.tieCount());
            s.setObject(8, quality.modularity());
            s.setObject(9, quality.levels());
            s.setObject(10, quality.memoryEstimateBytes());
            s.setString(11, error == null ? null : error.length() > 2000 ? error.substring(0, 2000) : error);
            s.setObject(12, id);
            s.executeUpdate();
        }
    }

    Optional<RunView> find(UUID id) {
        return one("SELECT " + COLUMNS + " FROM analytics_run WHERE id = ?", id);
    }

    Optional<RunView> running() {
        return one("SELECT " + COLUMNS + " FROM analytics_run WHERE state = 'RUNNING'", null);
    }

    /** The newest successful run: what the read APIs serve. */
    Optional<UUID> latestSucceeded() {
        return ids("""
                SELECT id FROM analytics_run WHERE state = 'SUCCEEDED' ORDER BY finished_at DESC LIMIT 1""", null)
                .stream().findFirst();
    }

    /** The successful run before {@code run}: the base of rank changes and of stable community ids. */
    Optional<UUID> previousSucceeded(UUID run) {
        return ids("""
                SELECT p.id FROM analytics_run p, analytics_run r
                WHERE r.id = ? AND p.state = 'SUCCEEDED' AND p.id <> r.id AND p.finished_at <= coalesce(r.finished_at, now())
                ORDER BY p.finished_at DESC LIMIT 1""", run).stream().findFirst();
    }

    /** Outbox position at the start of the last run that did not fail; -1 when there was none. */
    long lastRunPosition() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("""
                     SELECT coalesce(max(outbox_position), -1) FROM analytics_run WHERE state <> 'FAILED'""");
             ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Newest first, keyset-paged by (started_at, id). */
    List<RunView> page(Instant beforeStarted, UUID beforeId, int limit) {
        String sql = "SELECT " + COLUMNS + " FROM analytics_run"
                + (beforeStarted == null ? "" : " WHERE (started_at, id) < (?, ?)")
                + " ORDER BY started_at DESC, id DESC LIMIT ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            int i = 1;
            if (beforeStarted != null) {
                s.setTimestamp(i++, Timestamp.from(beforeStarted));
                s.setObject(i++, beforeId);
            }
            s.setInt(i, limit);
            List<RunView> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(view(r));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not list analytics runs", e);
        }
    }

    /** Deletes the per-contact snapshots of all but the newest {@code keep} successful runs. */
    void pruneSnapshots(int keep) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("""
                     WITH old AS (SELECT id FROM analytics_run WHERE state = 'SUCCEEDED'
                                  ORDER BY finished_at DESC OFFSET ?)
                     , a AS (DELETE FROM analytics_score WHERE run_id IN (SELECT id FROM old))
                     , b AS (DELETE FROM analytics_membership WHERE run_id IN (SELECT id FROM old))
                     , d AS (DELETE FROM analytics_community_link WHERE run_id IN (SELECT id FROM old))
                     DELETE FROM analytics_community WHERE run_id IN (SELECT id FROM old)""")) {
            s.setInt(1, keep);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not prune old snapshots", e);
        }
    }

    private Optional<RunView> one(String sql, UUID id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            if (id != null) {
                s.setObject(1, id);
            }
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(view(r)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read analytics runs", e);
        }
    }

    private List<UUID> ids(String sql, UUID id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            if (id != null) {
                s.setObject(1, id);
            }
            List<UUID> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(r.getObject(1, UUID.class));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read analytics runs", e);
        }
    }

    private RunView view(ResultSet r) throws SQLException {
        UUID id = r.getObject("id", UUID.class);
        Timestamp finished = r.getTimestamp("finished_at");
        return new RunView(id, r.getString("state"), r.getString("trigger"), r.getString("phase"), r.getInt("percent"),
                read(r.getString("parameters"), new TypeReference<RunParameters>() { }),
                read(r.getString("timings"), new TypeReference<LinkedHashMap<String, Long>>() { }),
                read(r.getString("quality"), new TypeReference<RunQuality>() { }),
                r.getString("error"), r.getTimestamp("started_at").toInstant(),
                finished == null ? null : finished.toInstant(), "/api/v1/analytics/runs/" + id);
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
