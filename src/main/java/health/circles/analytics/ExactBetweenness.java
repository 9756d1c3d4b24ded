package health.circles.analytics;

import health.circles.sync.BackgroundWork;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.jboss.logging.Logger;
import org.neo4j.driver.exceptions.TransactionTerminatedException;

/**
 * Exact betweenness computed after a run, separately from it: the less frequent, exact complement of the sampled
 * betweenness a run of a large graph gets.
 *
 * <p>Why: on a graph of more contacts than the exact threshold a run samples betweenness from a few hundred sources,
 * and on a network whose bridges are many and alike (no few strong ones) the top 100 by a sample share only 15-60 % of
 * the top 100 by exact betweenness, whatever the sampling (bench/RESULTS.md, issue 17: uniform sampling of 2,000 of
 * 10,000 sources reached 0.56). Exact betweenness walks the graph once from every contact, hours of one core at 100,000
 * contacts: too long for a run, which holds the run lock and its snapshot's transaction, so it runs after one.
 *
 * <p>How: a run that asks for it (parameters.exactBetweenness; scheduled runs do by default) and sampled betweenness
 * keeps betweenness' own graph when it succeeds, instead of dropping it, and hands it here. Exact betweenness runs on
 * that graph, the graph the run's other scores come from, on one thread of the managed executor beside whatever runs
 * next (GDS at betweenness' concurrency), and replaces the run's betweenness scores, ranks and bridging members in one
 * transaction ({@link ExactBetweennessStore#replace}); its quality then says EXACT. The graph's nodes get the exact
 * scores too while the run is the latest (under the run lock, so that no run's write-back crosses it). The run's
 * quality.exactBetweenness follows it: RUNNING, SUCCEEDED, FAILED, SKIPPED or CANCELLED with why after a colon. One at
 * a time, across replicas (an advisory lock): a second is SKIPPED. A contact erased meanwhile stays erased: its node is
 * gone, and its rows were deleted before the replace, which only updates rows that remain.
 *
 * <p>Cancelling ({@link #cancel}), from any replica: the run's state goes from RUNNING to CANCELLED first, then the
 * computation's Neo4j transaction, marked with the run's id, is ended. Every later step only moves a RUNNING state, and
 * the scores are stored only while it is RUNNING, under the run row's lock; so a computation that finishes as it is
 * cancelled stores nothing, and one not yet begun does not begin.
 */
@ApplicationScoped
public class ExactBetweenness {

    private static final Logger LOG = Logger.getLogger(ExactBetweenness.class);

    static final String RUNNING = "RUNNING";
    static final String SUCCEEDED = "SUCCEEDED";
    static final String FAILED = "FAILED";
    static final String SKIPPED = "SKIPPED";
    static final String CANCELLED = "CANCELLED";

    private final AlgorithmGraph algorithms;
    private final ExactBetweennessStore store;
    private final AnalyticsRunStore runs;
    private final InsightCache cache;
    private final BackgroundWork background;
    private final AnalyticsConfig config;

    private volatile boolean stopping;
    /** GDS's estimate of the exact betweenness in progress: its graph and its working memory, bytes. */
    private volatile long held;
    private volatile CompletableFuture<Void> current = CompletableFuture.completedFuture(null);
    /** The run whose exact betweenness this replica computes now, or null. */
    private volatile UUID computing;

    ExactBetweenness(AlgorithmGraph algorithms, ExactBetweennessStore store, AnalyticsRunStore runs,
                     InsightCache cache, BackgroundWork background, AnalyticsConfig config) {
        this.algorithms = algorithms;
        this.store = store;
        this.runs = runs;
        this.cache = cache;
        this.background = background;
        this.config = config;
    }

    /** Whether a run of {@code nodes} contacts with these parameters gets exact betweenness after it. */
    boolean wanted(RunParameters p, long nodes) {
        return p.exactBetweenness() && AlgorithmGraph.betweennessKind(p, nodes).startsWith("SAMPLED");
    }

    /**
     * Computes exact betweenness of the succeeded run {@code run} on betweenness' graph {@code sources}, in the
     * background; the graph is dropped when it ends, however it ends. Never throws.
     */
    void start(UUID run, String sources, RunParameters p) {
        try {
            if (stopping) {
                throw new RejectedExecutionException("stopping");
            }
            held = estimate(sources, p);
            // Counted as running (heldBytes) before it can begin, so that a run started meanwhile sees it.
            CompletableFuture<Void> started = new CompletableFuture<>();
            CompletableFuture<Void> before = current;
            current = CompletableFuture.allOf(before, started);
            try {
                background.execute(() -> {
                    try {
                        compute(run, sources, p);
                    } finally {
                        started.complete(null);
                    }
                });
            } catch (RejectedExecutionException e) {
                started.complete(null);
                throw e;
            }
        } catch (RejectedExecutionException e) {
            drop(sources);
            record(run, FAILED + ": the service stopped before it began");
        }
    }

    /** At start, with no exact betweenness of this process begun: those left RUNNING by a stopped process failed. */
    void onStart(@Observes StartupEvent event) {
        try {
            Optional<Connection> lock = store.tryLock();
            lock.ifPresent(c -> {
                try {
                    int abandoned = store.abandonOrphans(c, new UUID(0, 0));
                    if (abandoned > 0) {
                        LOG.infof("%d exact betweenness computations left by a stopped process recorded FAILED",
                                abandoned);
                    }
                } finally {
                    store.unlock(c);
                }
            });
        } catch (Exception e) {
            LOG.debugf("Could not look for exact betweenness left running: %s", e.getMessage());
        }
    }

    /**
     * Ends this replica's computation in progress (GDS stops at its next check), not another replica's, and gives it
     * ten seconds to record that.
     */
    void onStop(@Observes @jakarta.annotation.Priority(10) ShutdownEvent event) {
        stopping = true;
        UUID run = computing;
        if (!current.isDone() && run != null) {
            try {
                algorithms.terminateExactBetweenness(run);
            } catch (RuntimeException e) {
                LOG.debugf("Could not end the exact betweenness in progress: %s", e.getMessage());
            }
            BackgroundWork.awaitEnd(current, Duration.ofSeconds(10));
        }
    }

    /**
     * Cancels the run's exact betweenness if it is RUNNING, whichever replica computes it: recorded CANCELLED, then
     * its computation ended. Returns false, changing nothing, when it is not RUNNING (none asked, not yet started by a
     * run still in progress, or already ended).
     */
    boolean cancel(UUID run) {
        if (!store.record(run, CANCELLED + ": by request")) {
            return false;
        }
        try {
            if (algorithms.terminateExactBetweenness(run) > 0) {
                LOG.infof("Run %s: exact betweenness cancelled while it computed", run);
            }
        } catch (RuntimeException e) {
            // Recorded CANCELLED all the same: the computation may run on, but its scores are not stored.
            LOG.warnf("Run %s: exact betweenness cancelled, but its computation could not be ended: %s", run,
                    e.getMessage());
        }
        return true;
    }

    /**
     * How far the run's exact betweenness has come while it computes, on whichever replica; empty when it does not
     * compute, or when Neo4j cannot tell now (a run's view is answered without it).
     */
    Optional<ExactProgress> progress(UUID run) {
        try {
            return algorithms.exactBetweennessProgress(run);
        } catch (RuntimeException e) {
            LOG.debugf("Run %s: no progress of its exact betweenness: %s", run, e.getMessage());
            return Optional.empty();
        }
    }

    /** Whether no exact betweenness of this replica is in progress. */
    boolean idle() {
        return current.isDone();
    }

    /**
     * The memory an exact betweenness of this replica holds now, bytes, as GDS estimates it (its graph and the
     * algorithm's working memory): a run started meanwhile counts it against its budget. 0 when none runs.
     */
    long heldBytes() {
        return current.isDone() ? 0 : held;
    }

    /** Test hook: what happens between the computation and the store, or null. */
    private volatile Runnable beforeStore;

    /** Test hook, public for the erasure tests: runs {@code hook} once the scores are computed, before they are stored. */
    public void beforeStore(Runnable hook) {
        beforeStore = hook;
    }

    private void compute(UUID run, String sources, RunParameters p) {
        Connection lock = null;
        try {
            lock = store.tryLock().orElse(null);
            if (lock == null) {
                record(run, SKIPPED + ": another exact betweenness was in progress");
                return;
            }
            store.abandonOrphans(lock, run);
            String state = runs.find(run).map(v -> v.quality() == null ? null : v.quality().exactBetweenness())
                    .orElse("none recorded");
            if (!RUNNING.equals(state)) {
                LOG.infof("Run %s: exact betweenness not begun: %s", run, state);
                return;
            }
            computing = run;
            long t = System.nanoTime();
            Map<String, Double> byNode;
            try {
                byNode = algorithms.exactBetweenness(run, sources, p);
            } finally {
                computing = null;
            }
            long computed = System.nanoTime();
            drop(sources);
            Map<UUID, Double> scores = new HashMap<>(byNode.size() * 2);
            byNode.forEach((id, score) -> scores.put(UUID.fromString(id), score));
            Map<String, Long> timings = new LinkedHashMap<>();
            timings.put("exactBetweenness", (computed - t) / 1_000_000);
            Runnable hook = beforeStore;
            if (hook != null) {
                hook.run();
            }
            long stored = System.nanoTime();
            if (!store.replace(run, scores, timings)) {
                // Not stored: pruned, or cancelled as it finished (then it stays CANCELLED).
                record(run, SKIPPED + ": the run's snapshot was pruned before it finished");
                return;
            }
            cache.clear();
            LOG.infof("Run %s: exact betweenness of %d contacts in %d ms, stored in %d ms", run, scores.size(),
                    (computed - t) / 1_000_000, (System.nanoTime() - stored) / 1_000_000);
            writeToGraph(run, byNode);
        } catch (Exception e) {
            String why = stopping ? "the service stopped before it finished"
                    : e instanceof TransactionTerminatedException
                    ? "ended before it finished: its Neo4j transaction was terminated" : describe(e);
            if (record(run, FAILED + ": " + why)) {
                LOG.warnf(e, "Run %s: exact betweenness failed", run);
            } else {
                LOG.infof("Run %s: exact betweenness ended, no longer RUNNING (cancelled, or the run pruned): %s", run,
                        why);
            }
        } finally {
            drop(sources);
            if (lock != null) {
                store.unlock(lock);
            }
        }
    }

    /**
     * The exact scores to the graph's nodes while {@code run} is the latest successful run, under the run lock: a run in
     * progress writes its own scores, and a later run's stand.
     */
    private void writeToGraph(UUID run, Map<String, Double> scores) {
        Connection lock = null;
        try {
            lock = runs.tryLock().orElse(null);
            if (lock != null && runs.latestSucceeded().filter(run::equals).isPresent()) {
                algorithms.writeBetweenness(scores, config.writeBatchSize());
            }
        } catch (Exception e) {
            LOG.warnf(e, "Run %s: exact betweenness could not be written to the graph's nodes", run);
        } finally {
            runs.unlock(lock);
        }
    }

    /** GDS's estimate of exact betweenness on {@code sources} with its graph, bytes; 0 when it cannot tell. */
    private long estimate(String sources, RunParameters p) {
        try {
            return algorithms.estimateExactBetweenness(sources, p);
        } catch (RuntimeException e) {
            LOG.warnf("Could not estimate exact betweenness on %s: %s", sources, e.getMessage());
            return 0;
        }
    }

    /** Moves a RUNNING state to {@code state}; returns whether it did (not when cancelled meanwhile). Never throws. */
    private boolean record(UUID run, String state) {
        try {
            return store.record(run, state);
        } catch (RuntimeException e) {
            LOG.warnf(e, "Run %s: could not record its exact betweenness as %s", run, state);
            return false;
        }
    }

    private void drop(String sources) {
        try {
            algorithms.drop(sources);
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not drop projection %s", sources);
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s+", " ").strip();
    }
}
