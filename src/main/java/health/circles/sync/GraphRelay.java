package health.circles.sync;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.circles.graph.GraphSchema;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.neo4j.driver.Driver;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.exceptions.Neo4jException;
import org.neo4j.driver.exceptions.ServiceUnavailableException;

/**
 * Drains the outbox into Neo4j, in position order and in batches, right after each commit and on a schedule. Only one
 * relay works at a time across all replicas (a PostgreSQL advisory lock); a batch is marked applied in the same
 * PostgreSQL transaction that reads it, after the graph transaction committed, so a failure anywhere means the batch
 * is applied again later, which the projections tolerate.
 */
@ApplicationScoped
public class GraphRelay {

    private static final Logger LOG = Logger.getLogger(GraphRelay.class);
    /** The advisory lock of whoever writes the outbox's changes to the graph: the relay, or a rebuild. */
    static final long LOCK_KEY = 0x43697263_6c657331L; // "Circles1"

    private final AgroalDataSource dataSource;
    private final Driver driver;
    private final GraphSchema schema;
    private final SyncConfig config;
    private final ObjectMapper json;
    private final GraphProjections projections;
    private final CoalescingWorker worker = new CoalescingWorker("graph-relay", this::drain);
    private final Object progress = new Object();
    private volatile boolean graphUp = true;
    private volatile String lastError;
    private volatile Instant lastErrorAt;

    GraphRelay(AgroalDataSource dataSource, Driver driver, GraphSchema schema, SyncConfig config, ObjectMapper json,
               GraphProjections projections) {
        this.dataSource = dataSource;
        this.driver = driver;
        this.schema = schema;
        this.config = config;
        this.json = json;
        this.projections = projections;
    }

    void onStart(@Observes StartupEvent event) {
        wake();
    }

    // Before the driver closes (Graph closes it at a later priority).
    void onStop(@Observes @jakarta.annotation.Priority(10) ShutdownEvent event) {
        worker.stop(false);
    }

    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) Outbox.Appended appended) {
        wake();
    }

    @Scheduled(every = "${circles.sync.interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            delayed = "1s")
    void onSchedule() {
        wake();
    }

    /** Asks the relay to drain; coalesces with a drain already queued. */
    public void wake() {
        worker.wake();
    }

    /** Whether the last attempt to reach Neo4j succeeded. */
    public boolean graphUp() {
        return graphUp;
    }

    public String lastError() {
        return lastError;
    }

    public Instant lastErrorAt() {
        return lastErrorAt;
    }

    /**
     * Waits until every outbox row up to {@code position} has reached the graph, or the timeout passes; returns
     * whether it did. Lets a client read its own writes from the graph.
     */
    public boolean awaitApplied(long position, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        wake();
        while (true) {
            if (pendingUpTo(position) == 0) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            synchronized (progress) {
                try {
                    progress.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 50)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    private long pendingUpTo(long position) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(
                     "SELECT count(*) FROM outbox WHERE applied_at IS NULL AND position <= ?")) {
            s.setLong(1, position);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Applies batches until the outbox is empty or the graph cannot be reached. */
    void drain() {
        try {
            // Outside the PostgreSQL transaction below: creating the schema can take a while on a busy or fresh
            // server, and nothing should hold the outbox transaction (and the relay lock) open meanwhile.
            schema.ensure();
            boolean more;
            int timeout = (int) (config.graphTimeout().toSeconds() * 2 + 30);
            do {
                more = QuarkusTransaction.requiringNew().timeout(timeout).call(this::applyBatch);
                synchronized (progress) {
                    progress.notifyAll();
                }
            } while (more && !worker.stopping());
            purgeApplied();
        } catch (RuntimeException e) {
            recordFailure(e);
        }
    }

    /** Applies one batch; returns whether more may be pending. */
    private boolean applyBatch() throws SQLException, IOException {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
                lock.setLong(1, LOCK_KEY);
                try (ResultSet r = lock.executeQuery()) {
                    r.next();
                    if (!r.getBoolean(1)) {
                        return false; // another replica is relaying, or a rebuild holds the graph
                    }
                }
            }
            Pending pending = pending(c);
            List<Row> rows = pending.rows();
            if (rows.isEmpty()) {
                markHealthy();
                return false;
            }
            try (var session = driver.session()) {
                session.executeWriteWithoutResult(tx -> {
                    int from = 0;
                    while (from < rows.size()) {
                        String type = rows.get(from).type;
                        int to = from;
                        List<Map<String, Object>> run = new ArrayList<>();
                        while (to < rows.size() && rows.get(to).type.equals(type)) {
                            run.addAll(rows.get(to).payloads);
                            to++;
                        }
                        if (!projections.apply(tx, type, run)) {
                            LOG.warnf("No graph projection for outbox type %s; %d changes skipped", type, run.size());
                        }
                        from = to;
                    }
                }, TransactionConfig.builder().withTimeout(config.graphTimeout()).build());
            }
            markApplied(c, rows);
            markHealthy();
            return pending.full();
        }
    }

    /** One outbox row, with the changes it carries (one, or many for a batch row). */
    private record Row(long position, String type, List<Map<String, Object>> payloads) {
    }

    /** A relay batch; {@code full} when a limit cut it short, so more rows may wait. */
    private record Pending(List<Row> rows, boolean full) {
    }

    /**
     * The next rows in position order: at most batch-size rows and, beyond the first row, at most max-items changes.
     * The running sum is taken before the payloads are read, so big batch rows left for later cost nothing here.
     */
    @SuppressWarnings("unchecked")
    private Pending pending(Connection c) throws SQLException, IOException {
        List<Row> rows = new ArrayList<>();
        long head = 0;
        try (PreparedStatement s = c.prepareStatement("""
                SELECT p.position, p.type, o.payload::text, p.head
                FROM (SELECT position, type, items, sum(items) OVER (ORDER BY position) AS running,
                             count(*) OVER () AS head
                      FROM (SELECT position, type, items FROM outbox
                            WHERE applied_at IS NULL ORDER BY position LIMIT ?) first) p
                JOIN outbox o ON o.position = p.position
                WHERE p.running <= ? OR p.running = p.items
                ORDER BY p.position""")) {
            s.setInt(1, config.batchSize());
            s.setLong(2, config.maxItems());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    head = r.getLong(4);
                    Map<String, Object> payload = json.readValue(r.getString(3), new TypeReference<>() {
                    });
                    Object batch = payload.get(Outbox.BATCH);
                    List<Map<String, Object>> payloads = batch instanceof List<?> list && payload.size() == 1
                            ? (List<Map<String, Object>>) list
                            : List.of(payload);
                    rows.add(new Row(r.getLong(1), r.getString(2), payloads));
                }
            }
        }
        return new Pending(rows, rows.size() < head || head == config.batchSize());
    }

    private void markApplied(Connection c, List<Row> rows) throws SQLException {
        Long[] positions = rows.stream().map(Row::position).toArray(Long[]::new);
        Array array = c.createArrayOf("bigint", positions);
        try (PreparedStatement s = c.prepareStatement("UPDATE outbox SET applied_at = now() WHERE position = ANY(?)")) {
            s.setArray(1, array);
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("""
                UPDATE sync_state SET applied_position = greatest(applied_position, ?), applied_at = now(),
                                      last_error = NULL, last_error_at = NULL
                WHERE id = 1""")) {
            s.setLong(1, positions[positions.length - 1]);
            s.executeUpdate();
        }
    }

    private void purgeApplied() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(
                     "DELETE FROM outbox WHERE applied_at IS NOT NULL AND applied_at < ?")) {
            s.setTimestamp(1, Timestamp.from(Instant.now().minus(config.retention())));
            s.executeUpdate();
        } catch (SQLException e) {
            LOG.debug("Outbox purge failed; retried on the next drain", e);
        }
    }

    private void markHealthy() {
        if (!graphUp) {
            LOG.info("Neo4j is reachable again; the outbox backlog is draining");
        }
        graphUp = true;
    }

    private void recordFailure(RuntimeException e) {
        if (worker.stopping()) {
            return;
        }
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof Neo4jException)) {
            cause = cause.getCause();
        }
        boolean unreachable = cause instanceof ServiceUnavailableException
                || cause instanceof org.neo4j.driver.exceptions.SessionExpiredException;
        String message = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        if (graphUp) {
            if (unreachable) {
                LOG.warnf("Neo4j is unreachable (%s); writes go on, the outbox keeps them until it returns", message);
            } else {
                LOG.errorf(e, "Relaying the outbox to Neo4j failed; it will be retried");
            }
        }
        lastError = message;
        lastErrorAt = Instant.now();
        if (unreachable) {
            schema.invalidate();
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(
                     "UPDATE sync_state SET last_error = ?, last_error_at = now() WHERE id = 1")) {
            s.setString(1, message.length() > 1000 ? message.substring(0, 1000) : message);
            s.executeUpdate();
        } catch (SQLException ignored) {
            // PostgreSQL itself is down: readiness says so; nothing more to record.
        }
        // Last, so that whoever sees DEGRADED also finds the cause recorded.
        graphUp = false;
    }
}
