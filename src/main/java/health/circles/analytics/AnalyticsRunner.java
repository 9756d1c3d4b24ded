package health.circles.analytics;

import health.circles.Sql;
import health.circles.sync.BackgroundWork;

import health.circles.failure.Conflict;
import health.circles.failure.RuleRefused;
import health.circles.failure.Unavailable;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Runs analytics jobs, one at a time across all replicas: the runner holds a PostgreSQL advisory lock on its own
 * connection for the whole run (released with the session if the replica dies), and a unique partial index allows a
 * single RUNNING row. Each run estimates memory, projects, computes, writes back and snapshots, recording its phase,
 * percent and timings; the projection is dropped on every way out. Runs execute on Quarkus' managed executor; the
 * lock, taken before a run is handed over, keeps them to one at a time.
 */
@ApplicationScoped
public class AnalyticsRunner {

    private static final Logger LOG = Logger.getLogger(AnalyticsRunner.class);

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

        /** The phase's key among a run's timings, camelCase like every key of the API ({@code writeBack}). */
        String key() {
            String[] words = name().toLowerCase(Locale.ROOT).split("_");
            StringBuilder key = new StringBuilder(words[0]);
            for (int i = 1; i < words.length; i++) {
                key.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
            }
            return key.toString();
        }
    }

    private final health.circles.events.ChangeEvents events;
    private final AnalyticsRunStore runs;
    private final AlgorithmGraph algorithms;
    private final SnapshotStore snapshots;
    private final AnalyticsConfig config;
    private final BackgroundWork background;
    private final CommunityNames names;
    /** Set once the application stops: no run starts after it. */
    private volatile boolean stopping;
    /** The run of this replica in progress (on its thread), so that shutdown can interrupt it and wait for it. */
    private volatile Thread running;
    private volatile CompletableFuture<Void> current = CompletableFuture.completedFuture(null);

    AnalyticsRunner(AnalyticsRunStore runs, AlgorithmGraph algorithms, SnapshotStore snapshots,
                    AnalyticsConfig config, BackgroundWork background,
                    health.circles.events.ChangeEvents events, CommunityNames names) {
        this.events = events;
        this.names = names;
        this.runs = runs;
        this.algorithms = algorithms;
        this.snapshots = snapshots;
        this.config = config;
        this.background = background;
    }

    /** Interrupts the run in progress and gives it ten seconds to record that it failed. */
    void onStop(@Observes @jakarta.annotation.Priority(10) ShutdownEvent event) {
        stopping = true;
        Thread thread = running;
        if (thread != null) {
            thread.interrupt();
        }
        try {
            current.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            LOG.debugf("Analytics run still stopping: %s", e.getMessage());
        }
    }

    /**
     * Starts a run in the background and returns it as recorded; 409 when another run holds the lock, 422 when the
     * projection alone is estimated above the memory budget.
     */
    RunView start(String trigger, RunParameters parameters) {
        refuseOverBudget(parameters);
        UUID id = UUID.randomUUID();
        Connection lock = lockAndRecord(id, trigger, parameters);
        hand(id, parameters, lock);
        LOG.infof("Analytics run %s started (%s, %s)", id, trigger, parameters.algorithm());
        return runs.find(id).orElseThrow();
    }

    /** 422 when projecting the graph alone is estimated above the run's memory budget. */
    private void refuseOverBudget(RunParameters parameters) {
        AlgorithmGraph.Estimate projection = algorithms.estimateProjection();
        if (projection.bytesMax() > parameters.memoryBudgetMib() * 1024 * 1024) {
            throw new RuleRefused("memory-budget-exceeded", "Run refused: not enough memory",
                    "Projecting the graph alone is estimated at " + projection.requiredMemory() + " ("
                            + projection.bytesMax() + " bytes), above the budget of " + parameters.memoryBudgetMib()
                            + " MiB (circles.analytics.memory-budget-mib)");
        }
    }

    /**
     * Takes the run lock and records the run as RUNNING (after failing the orphans of dead replicas); returns the
     * lock's connection, which the run keeps. 409 when another run holds the lock or its row.
     */
    private Connection lockAndRecord(UUID id, String trigger, RunParameters parameters) {
        Connection lock = null;
        try {
            lock = runs.tryLock().orElseThrow(this::busy);
            runs.abandonOrphans(lock);
            runs.insertRunning(lock, id, trigger, parameters, runs.appliedPosition(lock));
            events.recordOn(lock, health.circles.events.Change.of(
                    health.circles.events.EventTypes.ANALYTICS_RUN_STARTED, id, null));
            return lock;
        } catch (SQLException e) {
            runs.unlock(lock);
            if ("23505".equals(e.getSQLState())) {
                throw busy();
            }
            throw new IllegalStateException("Could not start an analytics run", e);
        } catch (RuntimeException e) {
            runs.unlock(lock);
            if (Sql.isUniqueViolation(e)) {
                throw busy(); // another replica's RUNNING row: the unique index refused a second one
            }
            throw e;
        }
    }

    /** Hands the run to the managed executor, which releases the lock when it ends; 503 when the service stops. */
    private void hand(UUID id, RunParameters parameters, Connection lock) {
        try {
            if (stopping) {
                throw new RejectedExecutionException("stopping");
            }
            current = background.runAsync(() -> {
                running = Thread.currentThread();
                try {
                    execute(id, parameters);
                } finally {
                    running = null;
                    runs.unlock(lock);
                }
                // Once the lock is free (naming reads the committed snapshot and must not hold up the next run):
                // a succeeded run's communities get their names now rather than on the first read.
                names.afterRun(id);
            });
        } catch (RejectedExecutionException e) {
            runs.unlock(lock);
            throw new Unavailable("shutting-down", "Service Unavailable", "The service is shutting down", null);
        }
    }

    private Conflict busy() {
        String link = runs.running().map(RunView::self).orElse("/api/v1/analytics/runs");
        return new Conflict("analytics-run-in-progress", "A run is in progress",
                "Only one analytics run at a time; the running one is " + link);
    }

    /** One run as it goes: its projection, the phase it is in (what a failure reports), its timings and quality. */
    private static final class Run {
        final UUID id;
        final RunParameters p;
        final String graph;
        final Map<String, Long> timings = new LinkedHashMap<>();
        Phase phase = Phase.ESTIMATE;
        RunQuality quality = RunQuality.empty();
        boolean projected;

        Run(UUID id, RunParameters p) {
            this.id = id;
            this.p = p;
            this.graph = "circles-analytics-" + id;
        }
    }

    /** The graph as projected, and the memory the whole run is estimated to need. */
    private record Projection(AlgorithmGraph.Projected size, long estimate) {
    }

    /**
     * What the algorithms found that the run's quality reports, and the part of the snapshot loaded beside
     * betweenness, with the milliseconds it took.
     */
    private record Computed(String betweenness, AlgorithmGraph.Communities communities,
                            SnapshotStore.Prepared prepared, long snapshotMs) {
    }

    /**
     * Runs the phases on a transaction of its own, so that a successful run and its snapshot commit together; a
     * failure records the phase it happened in. Then the projection goes and old snapshots are pruned.
     */
    private void execute(UUID id, RunParameters p) {
        Run run = new Run(id, p);
        try (Connection c = runs.connection()) {
            c.setAutoCommit(false);
            try {
                runPhases(c, run);
            } catch (Exception e) {
                c.rollback();
                LOG.warnf(e, "Analytics run %s failed in phase %s", id, run.phase);
                runs.finish(c, id, AnalyticsRunStore.FAILED, run.phase.name(), run.timings, run.quality, describe(e));
                events.recordOn(c, health.circles.events.Change.of(
                        health.circles.events.EventTypes.ANALYTICS_RUN_FAILED, id, null));
                c.commit();
            }
        } catch (SQLException | RuntimeException e) {
            LOG.errorf(e, "Analytics run %s could not record its outcome", id);
        } finally {
            dropProjection(run);
        }
        pruneSnapshots();
    }

    private void runPhases(Connection c, Run run) throws SQLException {
        long started = System.nanoTime();
        long t = begin(run, Phase.ESTIMATE);
        AlgorithmGraph.Estimate projectionEstimate = algorithms.estimateProjection();
        end(run, t);
        Projection projection = project(run, projectionEstimate);
        Computed computed = compute(c, run, projection.size().nodes());
        t = begin(run, Phase.WRITE_BACK);
        List<AlgorithmGraph.NodeResult> nodes = writeScores(run, projection.size().nodes());
        long writeScores = System.nanoTime() - t;
        // The community ids go to the graph's nodes while PostgreSQL completes the snapshot: the one is the service's
        // embedded Neo4j working, the other mostly the database server (a first run writes every node). Beside
        // betweenness, the write of every node slowed betweenness by a quarter to a half: same JVM, same two cores.
        CompletableFuture<Long> communities = background.supplyAsync(
                () -> writeCommunities(run, computed.prepared().identified.graphRows()));
        SnapshotStore.Result snapshot;
        t = begin(run, Phase.SNAPSHOT);
        try {
            snapshot = snapshots.write(c, run.id, computed.prepared(), nodes);
        } catch (SQLException | RuntimeException e) {
            communities.exceptionally(x -> 0L).join(); // no write to the graph outlives a failed snapshot
            throw e;
        }
        run.timings.put(Phase.SNAPSHOT.key(), (System.nanoTime() - t) / 1_000_000 + computed.snapshotMs());
        long writeCommunities = awaitCommunities(run, communities);
        run.timings.put(Phase.WRITE_BACK.key(), (writeScores + writeCommunities) / 1_000_000);
        succeed(c, run, projection, computed, snapshot, started);
    }

    /**
     * Projects the graph, then estimates the algorithms on it: a run estimated above its memory budget fails here,
     * before anything large is allocated.
     */
    private Projection project(Run run, AlgorithmGraph.Estimate projectionEstimate) {
        long t = begin(run, Phase.PROJECT);
        run.projected = true;
        AlgorithmGraph.Projected size = algorithms.project(run.graph, run.p);
        end(run, t);
        AlgorithmGraph.Estimate algorithmEstimate = algorithms.estimateAlgorithms(run.graph, run.p, size.nodes());
        long estimate = projectionEstimate.bytesMax() + algorithmEstimate.bytesMax();
        run.quality = new RunQuality(size.nodes(), size.ties(), null, null, null, null, null, null, estimate, null,
                null);
        if (estimate > run.p.memoryBudgetMib() * 1024 * 1024) {
            throw new IllegalStateException("memory estimate " + estimate / (1024 * 1024) + " MiB (projection "
                    + projectionEstimate.requiredMemory() + ", algorithms "
                    + algorithmEstimate.requiredMemory() + ") exceeds the budget of " + run.p.memoryBudgetMib()
                    + " MiB");
        }
        return new Projection(size, estimate);
    }

    /**
     * PageRank, betweenness, degrees and communities on the projection, each timed; "compute" is the time from the
     * first to the last. Betweenness, the longest by far (sampled at 100k / 1M: 20-30 s of one core at the default
     * concurrency of 1), runs on this thread; beside it, on a thread of their own, run PageRank, degrees and the
     * communities one after the other, and then what needs the communities alone: the read of the snapshot's inputs
     * from PostgreSQL (a million ties at 100k / 1M), the communities' public ids, and their write to the graph's nodes
     * that do not hold them (every node of a fresh or rebuilt store). Each algorithm keeps its own concurrency, so its
     * results are those it gives run alone; GDS serialises the additions of their properties to the projection.
     */
    private Computed compute(Connection c, Run run, long nodes) {
        long started = System.nanoTime();
        Beside beside = new Beside(c, run, nodes);
        CompletableFuture<Void> others = background.runAsync(beside::run);
        String betweenness;
        long t = begin(run, Phase.BETWEENNESS);
        try {
            betweenness = algorithms.betweenness(run.graph, run.p, nodes);
        } catch (RuntimeException e) {
            beside.stopped = true; // the step in progress ends, no other starts: nothing works on the projection
            others.exceptionally(x -> null).join();  // or the run's connection once the run has failed
            throw e;
        }
        end(run, t);
        try {
            others.join();
        } catch (java.util.concurrent.CompletionException e) {
            run.phase = beside.phase;
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        run.timings.putAll(beside.timings);
        run.timings.put("compute", (System.nanoTime() - started) / 1_000_000);
        LOG.infof("Run %s: beside betweenness, the snapshot's inputs read in %d ms, communities identified in %d ms, "
                        + "memberships and links loaded in %d ms", run.id, beside.inputs.readMs(), beside.identifyMs,
                beside.prepareMs);
        return new Computed(betweenness, beside.communities, beside.prepared, beside.identifyMs + beside.prepareMs);
    }

    /**
     * What runs beside betweenness, step by step: the other algorithms, each timed; the snapshot's inputs (after the
     * algorithms: read beside PageRank, the read slowed it by half); the communities' public ids; the part of the
     * snapshot they decide alone. {@link #phase} is the step in progress, which a failure reports. Read by the run's
     * thread once it ends.
     */
    private final class Beside {
        final Connection c;
        final Run run;
        final long nodes;
        final Map<String, Long> timings = new LinkedHashMap<>();
        volatile Phase phase = Phase.PAGERANK;
        /** Set when betweenness failed: no step starts after it. */
        volatile boolean stopped;
        AlgorithmGraph.Communities communities;
        SnapshotStore.Inputs inputs;
        SnapshotStore.Prepared prepared;
        long identifyMs;
        long prepareMs;

        Beside(Connection c, Run run, long nodes) {
            this.c = c;
            this.run = run;
            this.nodes = nodes;
        }

        void run() {
            long t = System.nanoTime();
            algorithms.pageRank(run.graph, run.p);
            t = lap(Phase.PAGERANK, t, Phase.DEGREE);
            algorithms.degrees(run.graph, run.p);
            t = lap(Phase.DEGREE, t, Phase.COMMUNITIES);
            communities = algorithms.communities(run.graph, run.p);
            lap(Phase.COMMUNITIES, t, Phase.SNAPSHOT);
            inputs = snapshots.read(runs.latestSucceeded().orElse(null));
            step();
            t = System.nanoTime();
            List<AlgorithmGraph.Member> members = new ArrayList<>((int) nodes);
            algorithms.members(run.graph, members::add);
            SnapshotStore.Identified identified = snapshots.identify(c, inputs, members, run.p);
            identifyMs = (System.nanoTime() - t) / 1_000_000;
            step();
            t = System.nanoTime();
            try {
                prepared = snapshots.prepare(c, run.id, inputs, identified, run.p);
            } catch (SQLException e) {
                throw new IllegalStateException("Could not load the snapshot's memberships", e);
            }
            prepareMs = (System.nanoTime() - t) / 1_000_000;
        }

        private long lap(Phase done, long started, Phase next) {
            long now = System.nanoTime();
            timings.put(done.key(), (now - started) / 1_000_000);
            phase = next;
            step();
            return now;
        }

        private void step() {
            if (stopped) {
                throw new IllegalStateException("stopped: betweenness failed");
            }
        }
    }

    /** Writes the scores to the graph's nodes, streams every node's results, and drops the projection. */
    private List<AlgorithmGraph.NodeResult> writeScores(Run run, long nodes) {
        long t = System.nanoTime();
        algorithms.writeScores(run.graph, run.p);
        long written = System.nanoTime();
        List<AlgorithmGraph.NodeResult> results = new ArrayList<>((int) nodes);
        algorithms.stream(run.graph, results::add);
        long streamed = System.nanoTime();
        algorithms.drop(run.graph);
        run.projected = false;
        LOG.infof("Run %s: scores written to the graph in %d ms, results streamed in %d ms", run.id,
                (written - t) / 1_000_000, (streamed - written) / 1_000_000);
        return results;
    }

    /** The snapshot's community ids onto the graph's nodes; returns the nanoseconds it took. */
    private long writeCommunities(Run run, List<Map<String, Object>> rows) {
        long t = System.nanoTime();
        algorithms.writeCommunities(rows, config.writeBatchSize());
        long took = System.nanoTime() - t;
        LOG.infof("Run %s: community ids written to %d nodes whose ids changed in %d ms", run.id, rows.size(),
                took / 1_000_000);
        return took;
    }

    /** Waits for the community ids to be on the graph's nodes; a failure there fails the run in its write-back phase. */
    private static long awaitCommunities(Run run, CompletableFuture<Long> written) {
        try {
            return written.join();
        } catch (java.util.concurrent.CompletionException e) {
            run.phase = Phase.WRITE_BACK;
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** Records the run as SUCCEEDED with its quality figures and commits it with its snapshot. */
    private void succeed(Connection c, Run run, Projection projection, Computed computed,
                         SnapshotStore.Result snapshot, long started) throws SQLException {
        AlgorithmGraph.Projected size = projection.size();
        AlgorithmGraph.Communities found = computed.communities();
        List<Double> modularities = new ArrayList<>(found.modularitiesFineToCoarse());
        Collections.reverse(modularities);
        run.quality = new RunQuality(size.nodes(), size.ties(), found.modularity(), modularities,
                snapshot.communityCounts(), snapshot.nonSingletonCounts(), snapshot.communityCounts().size(),
                computed.betweenness(), projection.estimate(), snapshot.kept(), snapshot.secondary());
        Map<String, Long> timings = run.timings;
        // The run's own time, start to end: the snapshot and write-back overlap betweenness and each other, so the
        // phases add up to more.
        timings.put("total", (System.nanoTime() - started) / 1_000_000);
        runs.finish(c, run.id, AnalyticsRunStore.SUCCEEDED, "DONE", timings, run.quality, null);
        events.recordOn(c, health.circles.events.Change.of(
                health.circles.events.EventTypes.ANALYTICS_RUN_COMPLETED, run.id, null));
        c.commit();
        LOG.infof("Analytics run %s succeeded: %d contacts, %d ties, modularity %.4f, %s", run.id, size.nodes(),
                size.ties(), found.modularity(), timings);
    }

    private void dropProjection(Run run) {
        if (run.projected) {
            try {
                algorithms.drop(run.graph);
            } catch (RuntimeException e) {
                LOG.warnf(e, "Could not drop projection %s", run.graph);
            }
        }
    }

    private void pruneSnapshots() {
        try {
            runs.pruneSnapshots(config.keepSnapshots());
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not prune old analytics snapshots");
        }
        try {
            names.prune(config.keepSnapshots());
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not prune the names of communities past the snapshot retention");
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s+", " ").strip();
    }

    /** Enters a phase: records it with its percent and the timings so far; returns when it began. */
    private long begin(Run run, Phase phase) {
        run.phase = phase;
        runs.progress(run.id, phase.name(), phase.percentBefore(), run.timings);
        return System.nanoTime();
    }

    /** The current phase's milliseconds since {@code started}. */
    private static void end(Run run, long started) {
        run.timings.put(run.phase.key(), (System.nanoTime() - started) / 1_000_000);
    }
}
