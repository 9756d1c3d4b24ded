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
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.neo4j.driver.Driver;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.exceptions.Neo4jException;
import org.neo4j.driver.exceptions.ServiceUnavailableException;
import org.neo4j.driver.exceptions.SessionExpiredException;
import org.neo4j.driver.exceptions.TransientException;

/**
 * Drains the outbox into Neo4j, in position order and in batches, right after each commit and on a schedule; a batch
 * of tie upserts may run its graph transactions side by side (docs/sync.md). Only one relay works at a time across
 * all replicas (a PostgreSQL advisory lock); a batch is marked applied in the same PostgreSQL transaction that reads
 * it, after its graph transactions committed, so a failure anywhere means the batch is applied again later, which the
 * projections tolerate.
 */
@ApplicationScoped
public class GraphRelay {

    private static final Logger LOG = Logger.getLogger(GraphRelay.class);
    private final AgroalDataSource dataSource;
    private final OutboxStore outbox;
    private final Driver driver;
    private final GraphSchema schema;
    private final SyncConfig config;
    private final ObjectMapper json;
    private final GraphProjections projections;
    private final SyncMetrics metrics;
    private final GraphVersionStore versions;
    private final CoalescingWorker worker;
    private final BackgroundWork background;
    private final GraphStoreCheck storeCheck;
    private final Object progress = new Object();
    private volatile boolean graphUp = true;
    private volatile String lastError;
    private volatile Instant lastErrorAt;

    GraphRelay(AgroalDataSource dataSource, OutboxStore outbox, Driver driver, GraphSchema schema, SyncConfig config,
               ObjectMapper json, GraphProjections projections, SyncMetrics metrics, GraphVersionStore versions,
               BackgroundWork background, GraphStoreCheck storeCheck) {
        this.storeCheck = storeCheck;
        this.worker = background.worker("graph-relay", this::drain);
        this.background = background;
        this.dataSource = dataSource;
        this.outbox = outbox;
        this.driver = driver;
        this.schema = schema;
        this.config = config;
        this.json = json;
        this.projections = projections;
        this.metrics = metrics;
        this.versions = versions;
    }

    /**
     * The graph's version now, as PostgreSQL records it for every replica: the position this relay (or another
     * replica's) has applied, the latest rebuild, the day. A copy of the graph read after it holds every change up to it.
     */
    public GraphVersion version() {
        return versions.current();
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
            delayed = "1s",
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
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
            if (outbox.pendingUpTo(position) == 0) {
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

    /**
     * Waits until every change committed before the call has reached the graph, or the timeout passes; returns whether
     * it did. Lets a client read its own writes without naming their position.
     */
    public boolean awaitCommitted(Duration timeout) {
        long latest = outbox.latestPending();
        return latest <= 0 || awaitApplied(latest, timeout);
    }

    /** Applies batches until the outbox is empty or the graph cannot be reached. */
    void drain() {
        try {
            // Outside the PostgreSQL transaction below: creating the schema can take a while on a busy or fresh
            // server, and nothing should hold the outbox transaction (and the relay lock) open meanwhile.
            schema.ensure();
            if (!storeCheck.ready()) {
                return; // the graph store is being rebuilt, or waits for a rebuild: nothing is applied to it meanwhile
            }
            Outcome outcome;
            // A batch runs up to `writers` graph transactions, one after another when they cannot go side by side.
            int timeout = (int) (config.graphTimeout().toSeconds() * (writers() + 1) + 30);
            do {
                outcome = QuarkusTransaction.requiringNew().timeout(timeout).call(this::applyBatch);
                // Counted after commit: a rolled-back batch is applied again and must not be counted twice.
                metrics.applied(outcome.applied());
                metrics.deadLettered(outcome.deadLettered());
                if (outcome.sideBySide()) {
                    metrics.sideBySide();
                }
                for (List<Row> transaction : outcome.transactions()) {
                    metrics.batch(transaction.size(), transaction.stream().mapToLong(Row::bytes).sum());
                }
                synchronized (progress) {
                    progress.notifyAll();
                }
            } while (outcome.more() && !worker.stopping());
        } catch (RuntimeException e) {
            recordFailure(e);
        }
    }

    /**
     * What one batch did: rows applied, rows moved to the dead letters, whether more may be pending, and its graph
     * transactions when the batch went as planned (none when its rows were tried one by one), and whether those ran
     * side by side.
     */
    private record Outcome(boolean more, int applied, int deadLettered, List<List<Row>> transactions,
                           boolean sideBySide) {

        static final Outcome NOTHING = new Outcome(false, 0, 0, List.of(), false);
    }

    /**
     * Applies one batch. When the batch fails for a reason other than Neo4j being unreachable, its rows are tried one
     * by one, so that the failing row is found and counts an attempt while the others are applied; a later row of the
     * failing row's aggregate waits, because it must not overtake it.
     */
    private Outcome applyBatch() throws SQLException, IOException {
        try (Connection c = dataSource.getConnection()) {
            // The advisory lock and the applied marks belong to one PostgreSQL transaction that lasts the whole batch:
            // in auto-commit the transaction-level lock would be released as soon as it was taken, and a rebuild or
            // another replica's relay could write the graph beside this one.
            boolean own = c.getAutoCommit();
            if (own) {
                c.setAutoCommit(false);
            }
            try {
                Outcome outcome = applyBatch(c);
                if (own) {
                    c.commit();
                }
                return outcome;
            } catch (SQLException | IOException | RuntimeException e) {
                if (own) {
                    c.rollback();
                }
                throw e;
            } finally {
                if (own) {
                    c.setAutoCommit(true);
                }
            }
        }
    }

    private Outcome applyBatch(Connection c) throws IOException {
        if (!outbox.tryLockForTransaction(c)) {
            return Outcome.NOTHING; // another replica is relaying, or a rebuild holds the graph
        }
        Pending pending = pending(c);
        List<Row> rows = pending.rows();
        if (rows.isEmpty()) {
            markHealthy();
            return Outcome.NOTHING;
        }
        List<List<Row>> transactions = transactions(rows);
        boolean together = sideBySide(transactions);
        RuntimeException failure = applyAll(transactions, together);
        markHealthy(); // tryApply rethrows when Neo4j is unreachable: what failed here was a row
        if (failure == null) {
            markApplied(c, rows);
            return new Outcome(pending.full(), rows.size(), 0, transactions, together);
        }
        Set<UUID> held = new HashSet<>();
        List<Row> applied = new ArrayList<>();
        Map<Row, RuntimeException> failed = new LinkedHashMap<>();
        for (Row row : rows) {
            if (held.contains(row.aggregateId())) {
                continue;
            }
            RuntimeException f = rows.size() == 1 ? failure : tryApply(List.of(row));
            if (f == null) {
                applied.add(row);
            } else {
                held.add(row.aggregateId());
                failed.put(row, f);
            }
        }
        if (!applied.isEmpty()) {
            markApplied(c, applied);
        }
        int dead = 0;
        for (Map.Entry<Row, RuntimeException> f : failed.entrySet()) {
            dead += recordAttempt(c, f.getKey(), f.getValue()) ? 1 : 0;
        }
        // Go on at once: the failed rows now wait out their backoff, and the rows behind them do not.
        return new Outcome(true, applied.size(), dead, List.of(), false);
    }

    /**
     * The batch's rows cut, in order, into graph transactions within the bounds of one: rows, changes and bytes (a
     * single larger row goes alone). A batch is read with {@code writers} times those bounds.
     */
    private List<List<Row>> transactions(List<Row> rows) {
        List<List<Row>> transactions = new ArrayList<>();
        List<Row> current = new ArrayList<>();
        long items = 0;
        long bytes = 0;
        for (Row row : rows) {
            if (!current.isEmpty() && (current.size() == config.batchSize()
                    || items + row.payloads().size() > config.maxItems() || bytes + row.bytes() > config.maxBytes())) {
                transactions.add(current);
                current = new ArrayList<>();
                items = 0;
                bytes = 0;
            }
            current.add(row);
            items += row.payloads().size();
            bytes += row.bytes();
        }
        if (!current.isEmpty()) {
            transactions.add(current);
        }
        return transactions;
    }

    /**
     * Whether the transactions may run side by side: no more of them than {@code writers} (rows of uneven sizes can
     * cut a batch into more), every change of a type whose changes to distinct elements commute
     * ({@link GraphProjection#sideBySide}), and no element changed in two of them.
     */
    private boolean sideBySide(List<List<Row>> transactions) {
        if (transactions.size() < 2 || transactions.size() > writers()) {
            return false;
        }
        Map<Object, List<Row>> changedIn = new HashMap<>();
        for (List<Row> transaction : transactions) {
            for (Row row : transaction) {
                if (!projections.sideBySide(row.type())) {
                    return false;
                }
                for (Map<String, Object> payload : row.payloads()) {
                    Object id = payload.get("id");
                    if (id == null || changedIn.computeIfAbsent(id, k -> transaction) != transaction) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /**
     * Applies the transactions, side by side when {@code sideBySide}, else one after another in order, stopping at the
     * first that fails; returns a failure of a row, as {@link #tryApply(List)} does, and throws when Neo4j could not be
     * reached. Transactions committed before a failure stay: the rows are applied again one by one, which the
     * projections tolerate.
     */
    private RuntimeException applyAll(List<List<Row>> transactions, boolean sideBySide) {
        if (!sideBySide) {
            for (List<Row> transaction : transactions) {
                RuntimeException failure = tryApply(transaction);
                if (failure != null) {
                    return failure;
                }
            }
            return null;
        }
        List<CompletableFuture<RuntimeException>> running = new ArrayList<>();
        RuntimeException failure = null;
        RuntimeException unreachable = null;
        try {
            for (List<Row> transaction : transactions.subList(1, transactions.size())) {
                running.add(background.supplyAsync(() -> tryApply(transaction)));
            }
        } catch (RejectedExecutionException e) {
            // The service is stopping: the batch is not applied whole, so it stays pending, for the next start.
            unreachable = e;
        }
        if (unreachable == null) {
            try {
                failure = tryApply(transactions.get(0));
            } catch (RuntimeException e) {
                unreachable = e;
            }
        }
        // Every transaction ends before the batch does, so that none outlives the relay's lock.
        for (CompletableFuture<RuntimeException> r : running) {
            try {
                RuntimeException f = r.join();
                failure = failure == null ? f : failure;
            } catch (CompletionException | CancellationException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException re ? re : e;
                unreachable = unreachable == null ? cause : unreachable;
            }
        }
        if (unreachable != null) {
            throw unreachable;
        }
        return failure;
    }

    /**
     * Applies rows in one graph transaction; returns the failure when a row could not be applied, and throws when
     * Neo4j could not be reached at all (that is no row's fault and counts no attempt).
     */
    private RuntimeException tryApply(List<Row> rows) {
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
                        // Marking it applied would lose the change for good; failing keeps it, as a dead letter.
                        throw new IllegalStateException("No graph projection for outbox type " + type);
                    }
                    from = to;
                }
            }, TransactionConfig.builder().withTimeout(config.graphTimeout()).build());
            return null;
        } catch (RuntimeException e) {
            if (notTheRowsFault(e)) {
                throw e;
            }
            return e;
        }
    }

    /**
     * Neo4j unreachable, or transient errors the driver already retried for its whole retry time (lock contention, a
     * leader switch): the graph's trouble, not the row's, so it must not push healthy rows into the dead letters.
     */
    private static boolean notTheRowsFault(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ServiceUnavailableException || t instanceof SessionExpiredException
                    || t instanceof TransientException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Counts a failed attempt on a row and holds it back for its backoff; at the last attempt moves it to the dead
     * letters. Returns whether it did.
     */
    private boolean recordAttempt(Connection c, Row row, RuntimeException failure) {
        String error = describe(failure);
        int attempts = row.attempts() + 1;
        if (attempts >= config.maxAttempts()) {
            outbox.deadLetter(c, row.position(), attempts, error);
            LOG.errorf("Outbox row %d (%s, aggregate %s) failed %d times and is now a dead letter; later rows of "
                            + "its aggregate are parked behind it until it is retried or discarded: %s",
                    row.position(), row.type(), row.aggregateId(), attempts, error);
        } else {
            long backoff = config.retryBackoff().toMillis() << Math.min(row.attempts(), 20);
            outbox.holdBack(c, row.position(), attempts, error, backoff / 1000.0);
            LOG.warnf("Outbox row %d (%s) failed (attempt %d of %d), retried in %d ms: %s", row.position(),
                    row.type(), attempts, config.maxAttempts(), backoff, error);
        }
        outbox.recordError(c, "outbox row " + row.position() + ": " + error);
        return attempts >= config.maxAttempts();
    }

    private static String describe(Throwable e) {
        String message = e.getClass().getSimpleName() + ": " + e.getMessage();
        return message.length() > 2000 ? message.substring(0, 2000) : message;
    }

    /** One outbox row, with the changes it carries (one, or many for a batch row). */
    private record Row(long position, String type, UUID aggregateId, int attempts, long bytes,
                       List<Map<String, Object>> payloads) {
    }

    /** A relay batch; {@code full} when a limit cut it short, so more rows may wait. */
    private record Pending(List<Row> rows, boolean full) {
    }

    /** The next rows that may go now (see {@link OutboxStore#pending}), their payloads read into changes. */
    @SuppressWarnings("unchecked")
    private Pending pending(Connection c) throws IOException {
        List<Row> rows = new ArrayList<>();
        long head = 0;
        int writers = writers();
        int limit = config.batchSize() * writers;
        for (OutboxStore.PendingRow r : outbox.pending(c, limit, (long) config.maxItems() * writers,
                config.maxBytes() * writers)) {
            head = r.head();
            Map<String, Object> payload = json.readValue(r.payload(), new TypeReference<>() {
            });
            Object batch = payload.get(Outbox.BATCH);
            List<Map<String, Object>> payloads = batch instanceof List<?> list && payload.size() == 1
                    ? (List<Map<String, Object>>) list
                    : List.of(payload);
            if (r.failedBefore() && batch != null) {
                payloads = stillHeld(r, payloads);
            }
            rows.add(new Row(r.position(), r.type(), r.aggregateId(), r.attempts(), r.bytes(), payloads));
        }
        return new Pending(rows, rows.size() < head || head == limit);
    }

    /**
     * A batch row that failed before, less the changes whose rows PostgreSQL no longer holds for the graph. A batch
     * is keyed by its job, not by each change, so the removal of one of its ties or contacts (a deletion, a rejected
     * claim) is not parked behind it while it waits: that removal reached the graph first, and applying the batch
     * as it was written would bring the element back. Changes of rows still held stay as they are; a newer version
     * of one that reached the graph meanwhile wins as always.
     */
    private List<Map<String, Object>> stillHeld(OutboxStore.PendingRow row, List<Map<String, Object>> payloads) {
        Optional<GraphSource> source = projections.sourceOf(row.type());
        if (source.isEmpty() || payloads.isEmpty()) {
            return payloads;
        }
        UUID[] ids = payloads.stream().map(p -> UUID.fromString((String) p.get("id"))).toArray(UUID[]::new);
        Set<UUID> held = source.get().heldAmong(ids);
        List<Map<String, Object>> kept = new ArrayList<>(held.size());
        for (int i = 0; i < ids.length; i++) {
            if (held.contains(ids[i])) {
                kept.add(payloads.get(i));
            }
        }
        if (kept.size() < payloads.size()) {
            LOG.infof("Outbox row %d (%s) applied again without %d of its %d changes: their rows are gone since",
                    row.position(), row.type(), payloads.size() - kept.size(), payloads.size());
        }
        return kept;
    }

    /** Graph transactions a batch may run side by side: the setting, and at least one. */
    private int writers() {
        return Math.max(1, config.writers());
    }

    private void markApplied(Connection c, List<Row> rows) {
        outbox.markApplied(c, rows.stream().map(Row::position).toArray(Long[]::new));
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
                || cause instanceof SessionExpiredException;
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
        try {
            outbox.recordError(message.length() > 1000 ? message.substring(0, 1000) : message);
        } catch (IllegalStateException ignored) {
            // PostgreSQL itself is down: readiness says so; nothing more to record.
        }
        // Last, so that whoever sees DEGRADED also finds the cause recorded.
        graphUp = false;
    }
}
