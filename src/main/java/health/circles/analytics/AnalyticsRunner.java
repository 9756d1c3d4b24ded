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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
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
    private final ExactBetweenness exact;
    /** Set once the application stops: no run starts after it. */
    private volatile boolean stopping;
    /** The run of this replica in progress (on its thread), so that shutdown can interrupt it and wait for it. */
    private volatile Thread running;
    private volatile CompletableFuture<Void> current = CompletableFuture.completedFuture(null);

    AnalyticsRunner(AnalyticsRunStore runs, AlgorithmGraph algorithms, SnapshotStore snapshots,
                    AnalyticsConfig config, BackgroundWork background,
                    health.circles.events.ChangeEvents events, CommunityNames names, ExactBetweenness exact) {
        this.events = events;
        this.exact = exact;
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
        if (!BackgroundWork.awaitEnd(current, Duration.ofSeconds(10))) {
            LOG.debug("Analytics run still stopping");
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
        /** Set when the run succeeded and its betweenness' graph (part 0) went to {@link ExactBetweenness}. */
        boolean handedOver;
        /** Betweenness' own graph as it is projected (its milliseconds); null until it is started. */
        CompletableFuture<Long> sources;
        /** The parts betweenness is computed in (AlgorithmGraph.betweennessParts), known once the graph is projected. */
        int parts = 1;
        /**
         * Betweenness' parts after the first, each projecting its graph and computing its share, once started beside
         * (none when the run failed before): what must end before their graphs are dropped.
         */
        final CompletableFuture<List<CompletableFuture<PartTimes>>> otherParts = new CompletableFuture<>();

        Run(UUID id, RunParameters p) {
            this.id = id;
            this.p = p;
            this.graph = "circles-analytics-" + id;
        }
    }

    /** One part of betweenness after the first: its graph's projection and its betweenness, in milliseconds. */
    private record PartTimes(long graph, long betweenness) {
    }

    /** The graph as projected, and the memory the whole run is estimated to need. */
    private record Projection(AlgorithmGraph.Projected size, long estimate) {
    }

    /** What the algorithms found that the run's quality reports, and the snapshot's inputs as they are read. */
    private record Computed(String betweenness, AlgorithmGraph.Communities communities,
                            CompletableFuture<SnapshotStore.Inputs> snapshotInputs,
                            CompletableFuture<SnapshotStore.Prepared> prepared) {
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
                run.handedOver = exact.wanted(p, run.quality.nodeCount());
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
        if (run.handedOver) {
            exact.start(id, AlgorithmGraph.sourcesOf(run.graph, 0), p);
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
        // Everything the graph gets (scores, betweenness, community ids) is written while PostgreSQL loads the snapshot,
        // once the snapshot has its community ids: the one is the service's embedded Neo4j working, the other mostly
        // the database server, on two cores (a first run writes every node). Nothing is written to the graph before
        // the snapshot's last part begins.
        AtomicReference<CompletableFuture<Long>> written = new AtomicReference<>(CompletableFuture.completedFuture(0L));
        SnapshotStore.Result snapshot;
        try {
            snapshot = snapshot(c, run, computed, rows -> written.set(background.supplyAsync(() -> writeBack(run, rows))));
        } catch (SQLException | RuntimeException e) {
            written.get().exceptionally(x -> 0L).join(); // no write to the graph outlives a failed snapshot
            throw e;
        }
        run.timings.put(Phase.WRITE_BACK.key(), awaitWriteBack(run, written.get()) / 1_000_000);
        algorithms.drop(run.graph);
        run.projected = false;
        succeed(c, run, projection, computed, snapshot, started);
    }

    /**
     * Projects the graph, then estimates the algorithms on it: a run estimated above its memory budget fails here,
     * before anything large is allocated.
     */
    private Projection project(Run run, AlgorithmGraph.Estimate projectionEstimate) {
        AlgorithmGraph.Estimate sourcesEstimate = algorithms.estimateSources();
        // Before the contacts are counted, as many of betweenness' graphs as a sampled run projects.
        // An exact betweenness computed after an earlier run (ExactBetweenness) holds its graph and memory meanwhile.
        long beside = exact.heldBytes();
        long graphs = projectionEstimate.bytesMax()
                + Math.max(1, run.p.betweennessSampleParts()) * sourcesEstimate.bytesMax() + beside;
        if (graphs > run.p.memoryBudgetMib() * 1024 * 1024) {
            throw new IllegalStateException("memory estimate of the projections " + graphs / (1024 * 1024)
                    + " MiB (" + projectionEstimate.requiredMemory() + ", betweenness' graph "
                    + sourcesEstimate.requiredMemory() + " a part" + besideExact(beside) + ") exceeds the budget of "
                    + run.p.memoryBudgetMib() + " MiB");
        }
        long t = begin(run, Phase.PROJECT);
        // Betweenness' graph (its first part's) is read by a Cypher aggregation on one core while GDS projects the
        // native graph on the other; one after the other, they cost the run 5-12 s more at 100k / 1M
        // (bench/RESULTS.md).
        run.sources = background.supplyAsync(() -> algorithms.projectSources(run.graph, 0, 1));
        run.projected = true;
        AlgorithmGraph.Projected size = algorithms.project(run.graph, run.p);
        run.parts = AlgorithmGraph.betweennessParts(run.p, size.nodes());
        end(run, t);
        AlgorithmGraph.Estimate algorithmEstimate = algorithms.estimateAlgorithms(run.graph, run.p, size.nodes(),
                sourcesEstimate);
        long estimate = projectionEstimate.bytesMax() + algorithmEstimate.bytesMax() + beside;
        run.quality = new RunQuality(size.nodes(), size.ties(), null, null, null, null, null, null, estimate, null,
                null, null);
        if (estimate > run.p.memoryBudgetMib() * 1024 * 1024) {
            throw new IllegalStateException("memory estimate " + estimate / (1024 * 1024) + " MiB (projection "
                    + projectionEstimate.requiredMemory() + ", algorithms "
                    + algorithmEstimate.requiredMemory() + besideExact(beside) + ") exceeds the budget of " + run.p.memoryBudgetMib()
                    + " MiB");
        }
        return new Projection(size, estimate);
    }

    /**
     * PageRank, betweenness, degrees and communities on the projection, each timed; "compute" is the time from the
     * first to the last. Betweenness, the longest by far (sampled at 100k / 1M: 20-30 s of one core at concurrency 1),
     * runs its first part on this thread, on a graph of its own projected beside the run's (AlgorithmGraph.SOURCES;
     * betweennessGraph is that projection's time, and betweenness' timing includes any wait for it, and for its other
     * parts); PageRank, degrees and communities run one after the other beside it on a thread of their own, once
     * betweenness' graph is projected ({@link Beside}), then betweenness' other parts start (a sampled betweenness in
     * two parts: the second on the core PageRank and the communities leave, each part projecting its own graph;
     * betweennessGraph1 and betweenness1 their times), then the read of what the snapshot needs from PostgreSQL (a
     * million ties at 100k / 1M). Each algorithm keeps its own
     * concurrency, so its results are the same as when they ran in turn; GDS serialises the additions of their
     * properties to the projection. Only betweenness reports its phase as the run's progress.
     */
    private Computed compute(Connection c, Run run, long nodes) {
        long started = System.nanoTime();
        Beside beside = new Beside(c, nodes);
        CompletableFuture<Void> others = background.runAsync(() -> beside.run(run));
        long t = begin(run, Phase.BETWEENNESS);
        try {
            run.timings.put("betweennessGraph", join(run.sources));
            algorithms.betweenness(run.graph, run.p, nodes, 0, run.parts);
            List<CompletableFuture<PartTimes>> parts = run.otherParts.join();
            for (int i = 0; i < parts.size(); i++) {
                PartTimes part = join(parts.get(i));
                run.timings.put("betweennessGraph" + (i + 1), part.graph());
                run.timings.put("betweenness" + (i + 1), part.betweenness());
            }
            end(run, t);
        } catch (RuntimeException e) {
            // No step starts beside it any more, and the one in progress is waited for: once the run has failed, it
            // drops the projection and rolls back with nothing else using them.
            beside.stopped = true;
            others.exceptionally(x -> null).join();
            throw e;
        }
        try {
            others.join();
        } catch (java.util.concurrent.CompletionException e) {
            run.phase = beside.phase;
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        run.timings.putAll(beside.timings);
        run.timings.put("compute", (System.nanoTime() - started) / 1_000_000);
        return new Computed(AlgorithmGraph.betweennessKind(run.p, nodes), beside.communities, beside.inputs,
                beside.prepared);
    }

    /**
     * What runs beside betweenness: the other algorithms in turn, each timed, then every contact's communities and
     * scores but betweenness read from the projection (timing streamBeside), the snapshot's inputs (after the
     * algorithms: read beside PageRank, the read slowed it by half), and the part of the snapshot the communities alone
     * decide, on the run's transaction (SnapshotStore.prepare; timing snapshotBeside), which the thread running
     * betweenness does not use meanwhile. {@link #phase} is the step in progress, which a failure reports.
     * <p>
     * The algorithms start once betweenness' graph is projected (or has failed), not as soon as the run's projection
     * is: that graph's Cypher read, and the compiler at work on it in the first run after a start, shared the two cores
     * with PageRank and the communities for 1-2 s. Waiting for it took a quarter off their time in a first run
     * (2.9 s against 3.7 s) and changed no run's total (bench/RESULTS.md, issue 17, forty-fourth session).
     */
    private final class Beside {
        final Connection c;
        final long nodes;
        final Map<String, Long> timings = new LinkedHashMap<>();
        volatile Phase phase = Phase.PAGERANK;
        volatile AlgorithmGraph.Communities communities;
        volatile CompletableFuture<SnapshotStore.Inputs> inputs;
        volatile CompletableFuture<SnapshotStore.Prepared> prepared;
        /** Set when betweenness failed: the steps not begun are skipped. */
        volatile boolean stopped;

        Beside(Connection c, long nodes) {
            this.c = c;
            this.nodes = nodes;
        }

        void run(Run run) {
            try {
                steps(run);
            } finally {
                run.otherParts.complete(List.of()); // none started: the steps failed or were stopped before
            }
        }

        private void steps(Run run) {
            run.sources.exceptionally(e -> 0L).join(); // its failure is betweenness' thread's to report
            unlessStopped();
            long t = System.nanoTime();
            algorithms.pageRank(run.graph, run.p);
            t = lap(Phase.PAGERANK, t, Phase.DEGREE);
            algorithms.degrees(run.graph, run.p);
            t = lap(Phase.DEGREE, t, Phase.COMMUNITIES);
            communities = algorithms.communities(run.graph, run.p);
            lap(Phase.COMMUNITIES, t, Phase.SNAPSHOT);
            startOtherParts(run);
            // A failed read or part fails the run in its snapshot phase, when the snapshot asks for it.
            List<AlgorithmGraph.NodeResult> nodes = new ArrayList<>();
            try {
                long began = System.nanoTime();
                algorithms.streamComputed(run.graph, nodes::add);
                timings.put("streamBeside", (System.nanoTime() - began) / 1_000_000);
                inputs = CompletableFuture.completedFuture(snapshotInputs());
            } catch (RuntimeException e) {
                inputs = CompletableFuture.failedFuture(e);
                prepared = CompletableFuture.failedFuture(e);
                return;
            }
            unlessStopped();
            try {
                long began = System.nanoTime();
                prepared = CompletableFuture.completedFuture(snapshots.prepare(c, run.id, inputs.join(), nodes, run.p));
                timings.put("snapshotBeside", (System.nanoTime() - began) / 1_000_000);
            } catch (SQLException | RuntimeException e) {
                prepared = CompletableFuture.failedFuture(e);
            }
        }

        /**
         * Betweenness' parts after the first, each on a thread of its own: its graph, then its share of the sources.
         * Started once PageRank and the communities are done, so that they do not share the cores with it.
         */
        private void startOtherParts(Run run) {
            unlessStopped();
            List<CompletableFuture<PartTimes>> parts = new ArrayList<>();
            for (int i = 1; i < run.parts; i++) {
                int part = i;
                parts.add(background.supplyAsync(() -> {
                    long graph = algorithms.projectSources(run.graph, part, run.parts);
                    long began = System.nanoTime();
                    algorithms.betweenness(run.graph, run.p, nodes, part, run.parts);
                    return new PartTimes(graph, (System.nanoTime() - began) / 1_000_000);
                }));
            }
            run.otherParts.complete(parts);
        }

        /** Fails the step about to begin once betweenness has failed, so that the run drops its graphs unused. */
        private void unlessStopped() {
            if (stopped) {
                throw new IllegalStateException("stopped: betweenness failed");
            }
        }

        private long lap(Phase done, long started, Phase next) {
            unlessStopped();
            long now = System.nanoTime();
            timings.put(done.key(), (now - started) / 1_000_000);
            phase = next;
            return now;
        }
    }

    /**
     * The run's snapshot in PostgreSQL, its community ids carried over from the previous successful run: the part
     * prepared beside betweenness, and the rest once betweenness' scores are read from its graph.
     */
    private SnapshotStore.Result snapshot(Connection c, Run run, Computed computed,
                                          Consumer<SnapshotStore.GraphWrite> graph) throws SQLException {
        long t = begin(run, Phase.SNAPSHOT);
        SnapshotStore.Inputs read = join(computed.snapshotInputs());
        SnapshotStore.Prepared prepared;
        try {
            prepared = computed.prepared().join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof SQLException cause) {
                throw cause;
            }
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        LOG.infof("Run %s: the snapshot's ties and the previous run's communities read in %d ms, waited %d ms",
                run.id, read.readMs(), (System.nanoTime() - t) / 1_000_000);
        List<AlgorithmGraph.NodeResult> nodes = scored(run, prepared.nodes());
        Runnable hook = beforeFinish;
        if (hook != null) {
            hook.run();
        }
        SnapshotStore.Result snapshot = snapshots.finish(c, run.id, read, prepared, nodes, run.p, graph);
        end(run, t);
        return snapshot;
    }

    /** The contacts as streamed beside betweenness, each with its betweenness from betweenness' own graph. */
    private List<AlgorithmGraph.NodeResult> scored(Run run, List<AlgorithmGraph.NodeResult> computed) {
        long t = System.nanoTime();
        Map<Long, Double> betweenness = algorithms.streamBetweenness(run.graph, run.parts);
        List<AlgorithmGraph.NodeResult> nodes = new ArrayList<>(computed.size());
        for (AlgorithmGraph.NodeResult n : computed) {
            Double score = betweenness.get(n.node());
            if (score == null) {
                throw new IllegalStateException("contact " + n.id() + " is not in betweenness' graph");
            }
            nodes.add(n.withBetweenness(score));
        }
        run.timings.put("streamBetweenness", (System.nanoTime() - t) / 1_000_000);
        return nodes;
    }

    /** The snapshot's inputs as PostgreSQL holds them now, and the latest successful run's communities. */
    private SnapshotStore.Inputs snapshotInputs() {
        return snapshots.read(runs.latestSucceeded().orElse(null));
    }

    /**
     * GDS writes the scores to the graph's nodes (PageRank, degree and strength from the run's graph, then betweenness
     * from its own, one after the other: each holds its nodes' locks in its own order), or, when a contact of the
     * projections is gone, they are written by contact id; then the snapshot's community ids go to the nodes whose ids
     * changed. Returns the nanoseconds it took.
     */
    private long writeBack(Run run, SnapshotStore.GraphWrite write) {
        long t = System.nanoTime();
        long scores = t;
        long betweenness = t;
        boolean byGds = write.everyoneKept();
        if (byGds) {
            try {
                algorithms.writeScores(run.graph, run.p);
                scores = System.nanoTime();
                if (run.parts == 1) {
                    algorithms.writeBetweenness(run.graph, run.p);
                } else {
                    // The sum of the parts is in no graph of GDS's: written by contact id, unchanged nodes left alone.
                    algorithms.writeBetweenness(write.kept(), config.writeBatchSize());
                }
                betweenness = System.nanoTime();
            } catch (org.neo4j.driver.exceptions.Neo4jException e) {
                // A node of the projection gone since (a contact deleted while the run computed): GDS's write fails on
                // it, having written some; every kept contact is written again by its id (the same values).
                LOG.warnf("Run %s: GDS could not write the scores (%s); writing them by contact id", run.id,
                        e.getMessage());
                byGds = false;
            }
        }
        if (!byGds) {
            // Also when a contact erased since the projection is among them (its node gone or going); those erased
            // after the snapshot's look at the register wait for its commit.
            algorithms.writeScores(write.kept(), config.writeBatchSize());
            scores = System.nanoTime();
            betweenness = scores;
        }
        List<Map<String, Object>> rows = write.ids();
        algorithms.writeCommunities(rows, config.writeBatchSize());
        long communities = System.nanoTime();
        LOG.infof("Run %s: scores written to the graph in %d ms, betweenness in %d ms, community ids to %d nodes whose "
                + "ids changed in %d ms", run.id, (scores - t) / 1_000_000, (betweenness - scores) / 1_000_000,
                rows.size(), (communities - betweenness) / 1_000_000);
        return communities - t;
    }

    /**
     * Waits for the graph's write-back ({@link #writeBack}); a failure there fails the run in its write-back phase.
     * "writeBack" is its time, beside the snapshot's last part.
     */
    private static long awaitWriteBack(Run run, CompletableFuture<Long> written) {
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
                computed.betweenness(), projection.estimate(), snapshot.kept(), snapshot.secondary(),
                exact.wanted(run.p, size.nodes()) ? ExactBetweenness.RUNNING : null);
        Map<String, Long> timings = run.timings;
        // The run's own time, start to end: write-back and snapshot overlap, so their sum would count that twice.
        timings.put("total", (System.nanoTime() - started) / 1_000_000);
        runs.finish(c, run.id, AnalyticsRunStore.SUCCEEDED, "DONE", timings, run.quality, null);
        events.recordOn(c, health.circles.events.Change.of(
                health.circles.events.EventTypes.ANALYTICS_RUN_COMPLETED, run.id, null));
        c.commit();
        LOG.infof("Analytics run %s succeeded: %d contacts, %d ties, modularity %.4f, %s", run.id, size.nodes(),
                size.ties(), found.modularity(), timings);
    }

    /** Drops the run's projections that may remain: its own, and betweenness' once its projection has ended. */
    private void dropProjection(Run run) {
        if (run.projected) {
            try {
                algorithms.drop(run.graph);
            } catch (RuntimeException e) {
                LOG.warnf(e, "Could not drop projection %s", run.graph);
            }
        }
        if (run.sources != null) {
            run.sources.exceptionally(e -> 0L).join();
            for (CompletableFuture<PartTimes> part : run.otherParts.getNow(List.of())) {
                part.exceptionally(e -> null).join();
            }
            for (int part = run.handedOver ? 1 : 0; part < run.parts; part++) {
                String sources = AlgorithmGraph.sourcesOf(run.graph, part);
                try {
                    algorithms.drop(sources);
                } catch (RuntimeException e) {
                    LOG.warnf(e, "Could not drop projection %s", sources);
                }
            }
        }
    }

    /** The words for an exact betweenness' memory in a refusal, or nothing when none runs. */
    private static String besideExact(long bytes) {
        return bytes == 0 ? "" : ", an earlier run's exact betweenness " + bytes / (1024 * 1024) + " MiB";
    }

    /** The value of a step that ran beside this thread, its failure thrown as it was. */
    private static <T> T join(CompletableFuture<T> step) {
        try {
            return step.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
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
    private void end(Run run, long started) {
        run.timings.put(run.phase.key(), (System.nanoTime() - started) / 1_000_000);
        if (run.phase == failAfter) {
            throw new IllegalStateException("simulated failure after phase " + run.phase);
        }
    }

    /** Test hook: what happens between the snapshot's two parts, or null. */
    private volatile Runnable beforeFinish;

    /**
     * Test hook, public for the erasure tests: runs {@code hook} between a snapshot's part beside betweenness and its
     * end (null: nothing).
     */
    public void beforeFinish(Runnable hook) {
        beforeFinish = hook;
    }

    /**
     * Whether the last run handed to this replica has ended: its projections dropped, its lock released. A failed run
     * is recorded FAILED before that, on its way out.
     */
    boolean idle() {
        return current.isDone();
    }

    /** Test hook: the phase at whose end runs fail, or null for none. */
    private volatile Phase failAfter;

    /** Test hook: runs fail at the end of {@code phase} (null: they don't), as a store failing there would fail them. */
    void failAfter(Phase phase) {
        failAfter = phase;
    }
}
