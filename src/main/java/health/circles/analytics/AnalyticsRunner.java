package health.circles.analytics;

import health.circles.failure.Conflict;
import health.circles.failure.RuleRefused;
import health.circles.failure.Unavailable;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs analytics jobs, one at a time across all replicas: the runner holds a PostgreSQL advisory lock on its own
 * connection for the whole run (released with the session if the replica dies), and a unique partial index allows a
 * single RUNNING row. Each run estimates memory, projects, computes, writes back and snapshots, recording its phase,
 * percent and timings; the projection is dropped on every way out.
 */
@ApplicationScoped
public class AnalyticsRunner {

    private static final Logger LOG = Logger.getLogger(AnalyticsRunner.class);
    private static final long LOCK_KEY = 0x43697263_6c657332L; // "Circles2"

    /** Phases in order, with their share of a typical run's time, for the percent figure. */
    enum Phase {
        ESTIMATE(2), PROJECT(8), PAGERANK(5), BETWEENNESS(25), DEGREE(2), COMMUNITIES(18), WRITE_BACK(10), SNAPSHOT(30);

        final int weight;

        Phase(int weight) {
            this.weight = weight;
        }

        int percentBefore() {
            int sum = 0;
            for (Phase p : values()) {
                if (p == this) {
                    return sum;
                }
                sum += p.weight;
            }
            return sum;
        }
    }

    private final AnalyticsRuns runs;
    private final GraphAlgorithms algorithms;
    private final Snapshots snapshots;
    private final AnalyticsConfig config;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "analytics-run");
        t.setDaemon(true);
        return t;
    });

    AnalyticsRunner(AnalyticsRuns runs, GraphAlgorithms algorithms, Snapshots snapshots, AnalyticsConfig config) {
        this.runs = runs;
        this.algorithms = algorithms;
        this.snapshots = snapshots;
        this.config = config;
    }

    void onStop(@Observes @jakarta.annotation.Priority(10) ShutdownEvent event) {
        worker.shutdownNow();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Starts a run in the background and returns it as recorded; 409 when another run holds the lock, 422 when the
     * projection alone is estimated above the memory budget.
     */
    RunView start(String trigger, RunParameters parameters) {
        GraphAlgorithms.Estimate projection = algorithms.estimateProjection();
        if (projection.bytesMax() > parameters.memoryBudgetMib() * 1024 * 1024) {
            throw new RuleRefused("memory-budget-exceeded", "Run refused: not enough memory",
                    "Projecting the graph alone is estimated at " + projection.requiredMemory() + " ("
                            + projection.bytesMax() + " bytes), above the budget of " + parameters.memoryBudgetMib()
                            + " MiB (circles.analytics.memory-budget-mib)");
        }
        UUID id = UUID.randomUUID();
        Connection lock = null;
        try {
            lock = runs.connection();
            lock.setAutoCommit(true);
            if (!tryLock(lock)) {
                throw busy();
            }
            runs.abandonOrphans(lock);
            runs.insertRunning(lock, id, trigger, parameters, runs.appliedPosition(lock));
        } catch (SQLException e) {
            release(lock);
            if ("23505".equals(e.getSQLState())) {
                throw busy();
            }
            throw new IllegalStateException("Could not start an analytics run", e);
        } catch (RuntimeException e) {
            release(lock);
            throw e;
        }
        Connection held = lock;
        try {
            worker.execute(() -> {
                try {
                    execute(id, parameters);
                } finally {
                    release(held);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            release(held);
            throw new Unavailable("shutting-down", "Service unavailable", "The service is shutting down", null);
        }
        LOG.infof("Analytics run %s started (%s, %s)", id, trigger, parameters.algorithm());
        return runs.find(id).orElseThrow();
    }

    private Conflict busy() {
        String link = runs.running().map(RunView::self).orElse("/api/v1/analytics/runs");
        return new Conflict("analytics-run-in-progress", "A run is in progress",
                "Only one analytics run at a time; the running one is " + link);
    }

    private void execute(UUID id, RunParameters p) {
        String graph = "circles-analytics-" + id;
        Map<String, Long> timings = new LinkedHashMap<>();
        Phase phase = Phase.ESTIMATE;
        RunQuality quality = RunQuality.empty();
        boolean projected = false;
        try (Connection c = runs.connection()) {
            c.setAutoCommit(false);
            try {
                long t = begin(id, phase, timings);
                GraphAlgorithms.Estimate projectionEstimate = algorithms.estimateProjection();
                end(phase, t, timings);

                phase = Phase.PROJECT;
                t = begin(id, phase, timings);
                projected = true;
                GraphAlgorithms.Projected size = algorithms.project(graph);
                end(phase, t, timings);
                GraphAlgorithms.Estimate algorithmEstimate = algorithms.estimateAlgorithms(graph, p, size.nodes());
                long estimate = projectionEstimate.bytesMax() + algorithmEstimate.bytesMax();
                quality = new RunQuality(size.nodes(), size.ties(), null, null, null, null, null, null, estimate,
                        null, null);
                if (estimate > p.memoryBudgetMib() * 1024 * 1024) {
                    throw new IllegalStateException("memory estimate " + estimate / (1024 * 1024) + " MiB (projection "
                            + projectionEstimate.requiredMemory() + ", largest algorithm "
                            + algorithmEstimate.requiredMemory() + ") exceeds the budget of " + p.memoryBudgetMib()
                            + " MiB");
                }

                phase = Phase.PAGERANK;
                t = begin(id, phase, timings);
                algorithms.pageRank(graph, p);
                end(phase, t, timings);

                phase = Phase.BETWEENNESS;
                t = begin(id, phase, timings);
                String betweenness = algorithms.betweenness(graph, p, size.nodes());
                end(phase, t, timings);

                phase = Phase.DEGREE;
                t = begin(id, phase, timings);
                algorithms.degrees(graph, p);
                end(phase, t, timings);

                phase = Phase.COMMUNITIES;
                t = begin(id, phase, timings);
                GraphAlgorithms.Communities found = algorithms.communities(graph, p);
                end(phase, t, timings);
                timings.put("compute", timings.get("pagerank") + timings.get("betweenness") + timings.get("degree")
                        + timings.get("communities"));

                phase = Phase.WRITE_BACK;
                t = begin(id, phase, timings);
                algorithms.writeScores(graph, p);
                List<GraphAlgorithms.NodeResult> nodes = new ArrayList<>((int) size.nodes());
                algorithms.stream(graph, nodes::add);
                long writeScores = System.nanoTime() - t;
                algorithms.drop(graph);
                projected = false;

                phase = Phase.SNAPSHOT;
                t = begin(id, phase, timings);
                UUID previous = runs.latestSucceeded().orElse(null);
                Snapshots.Result snapshot = snapshots.write(c, id, previous, nodes, p);
                end(phase, t, timings);

                phase = Phase.WRITE_BACK;
                long t2 = System.nanoTime();
                algorithms.writeCommunities(snapshot.graphRows(), config.writeBatchSize());
                timings.put("write_back", (writeScores + System.nanoTime() - t2) / 1_000_000);

                List<Double> modularities = new ArrayList<>(found.modularitiesFineToCoarse());
                java.util.Collections.reverse(modularities);
                quality = new RunQuality(size.nodes(), size.ties(), found.modularity(), modularities,
                        snapshot.communityCounts(), snapshot.nonSingletonCounts(), snapshot.communityCounts().size(),
                        betweenness, estimate, snapshot.kept(), snapshot.secondary());
                long total = timings.values().stream().mapToLong(Long::longValue).sum() - timings.get("compute");
                timings.put("total", total);
                runs.finish(c, id, AnalyticsRuns.SUCCEEDED, "DONE", timings, quality, null);
                c.commit();
                LOG.infof("Analytics run %s succeeded: %d contacts, %d ties, modularity %.4f, %s", id, size.nodes(),
                        size.ties(), found.modularity(), timings);
            } catch (Exception e) {
                c.rollback();
                LOG.warnf(e, "Analytics run %s failed in phase %s", id, phase);
                runs.finish(c, id, AnalyticsRuns.FAILED, phase.name(), timings, quality, describe(e));
                c.commit();
            }
        } catch (SQLException | RuntimeException e) {
            LOG.errorf(e, "Analytics run %s could not record its outcome", id);
        } finally {
            if (projected) {
                try {
                    algorithms.drop(graph);
                } catch (RuntimeException e) {
                    LOG.warnf(e, "Could not drop projection %s", graph);
                }
            }
        }
        try {
            runs.pruneSnapshots(config.keepSnapshots());
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not prune old analytics snapshots");
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s+", " ").strip();
    }

    private long begin(UUID id, Phase phase, Map<String, Long> timings) {
        runs.progress(id, phase.name(), phase.percentBefore(), timings);
        return System.nanoTime();
    }

    private static void end(Phase phase, long started, Map<String, Long> timings) {
        timings.put(phase.name().toLowerCase(java.util.Locale.ROOT), (System.nanoTime() - started) / 1_000_000);
    }

    private static boolean tryLock(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            s.setLong(1, LOCK_KEY);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getBoolean(1);
            }
        }
    }

    private static void release(Connection c) {
        if (c == null) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            s.setLong(1, LOCK_KEY);
            s.execute();
        } catch (SQLException e) {
            LOG.debugf("Could not release the analytics lock: %s", e.getMessage());
        }
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debugf("Could not close the analytics lock connection: %s", e.getMessage());
        }
    }
}
