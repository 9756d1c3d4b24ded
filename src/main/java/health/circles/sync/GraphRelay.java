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
import jakarta.enterprise.inject.Instance;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
    private static final long LOCK_KEY = 0x43697263_6c657331L; // "Circles1"

    private final AgroalDataSource dataSource;
    private final Driver driver;
    private final GraphSchema schema;
    private final SyncConfig config;
    private final ObjectMapper json;
    private final Map<String, GraphProjection> projections = new HashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "graph-relay");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean queued = new AtomicBoolean();
    private final Object progress = new Object();
    private volatile boolean graphUp = true;
    private volatile String lastError;
    private volatile Instant lastErrorAt;
    private volatile boolean stopping;

    GraphRelay(AgroalDataSource dataSource, Driver driver, GraphSchema schema, SyncConfig config, ObjectMapper json,
               Instance<GraphProjection> projections) {
        this.dataSource = dataSource;
        this.driver = driver;
        this.schema = schema;
        this.config = config;
        this.json = json;
        for (GraphProjection p : projections) {
            p.types().forEach(type -> this.projections.put(type, p));
        }
    }

    void onStart(@Observes StartupEvent event) {
        wake();
    }

    // Before the driver closes (Graph closes it at a later priority).
    void onStop(@Observes @jakarta.annotation.Priority(10) ShutdownEvent event) {
        stopping = true;
        worker.shutdown();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
        if (!stopping && queued.compareAndSet(false, true)) {
            try {
                worker.execute(() -> {
                    queued.set(false);
                    drain();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                queued.set(false);
            }
        }
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
            int applied;
            int timeout = (int) (config.graphTimeout().toSeconds() * 2 + 30);
            do {
                applied = QuarkusTransaction.requiringNew().timeout(timeout).call(this::applyBatch);
                synchronized (progress) {
                    progress.notifyAll();
                }
            } while (applied == config.batchSize() && !stopping);
            purgeApplied();
        } catch (RuntimeException e) {
            recordFailure(e);
        }
    }

    private int applyBatch() throws SQLException, IOException {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
                lock.setLong(1, LOCK_KEY);
                try (ResultSet r = lock.executeQuery()) {
                    r.next();
                    if (!r.getBoolean(1)) {
                        return 0; // another replica is relaying
                    }
                }
            }
            List<Row> rows = pending(c);
            if (rows.isEmpty()) {
                markHealthy();
                return 0;
            }
            try (var session = driver.session()) {
                session.executeWriteWithoutResult(tx -> {
                    int from = 0;
                    while (from < rows.size()) {
                        String type = rows.get(from).type;
                        int to = from;
                        List<Map<String, Object>> run = new ArrayList<>();
                        while (to < rows.size() && rows.get(to).type.equals(type)) {
                            run.add(rows.get(to).payload);
                            to++;
                        }
                        GraphProjection projection = projections.get(type);
                        if (projection == null) {
                            LOG.warnf("No graph projection for outbox type %s; %d rows skipped", type, run.size());
                        } else {
                            projection.apply(tx, type, run);
                        }
                        from = to;
                    }
                }, TransactionConfig.builder().withTimeout(config.graphTimeout()).build());
            }
            markApplied(c, rows);
            markHealthy();
            return rows.size();
        }
    }

    private record Row(long position, String type, Map<String, Object> payload) {
    }

    private List<Row> pending(Connection c) throws SQLException, IOException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT position, type, payload::text FROM outbox
                WHERE applied_at IS NULL ORDER BY position LIMIT ?""")) {
            s.setInt(1, config.batchSize());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Map<String, Object> payload = json.readValue(r.getString(3), new TypeReference<>() {
                    });
                    rows.add(new Row(r.getLong(1), r.getString(2), payload));
                }
            }
        }
        return rows;
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
        if (stopping) {
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
        graphUp = false;
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
    }
}
