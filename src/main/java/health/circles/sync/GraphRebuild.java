package health.circles.sync;

import health.circles.failure.Conflict;
import health.circles.failure.NotFound;
import health.circles.graph.GraphSchema;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Reloads the graph from PostgreSQL as a background job: empties it, then loads every row of each
 * {@link GraphSource} (contacts, then ties) in UNWIND batches through the projections, with progress in PostgreSQL. The relay is held off for the duration; writes go on
 * and queue in the outbox, which the relay applies afterwards (changes the rebuild already loaded are skipped by
 * version). Scores and community ids written by analytics are not in PostgreSQL's tables: run analytics again after.
 * A rebuild that succeeds records the graph store it filled ({@link GraphIdentityStore}); the relay starts one itself
 * when it finds another store ({@link GraphStoreCheck}).
 */
@ApplicationScoped
public class GraphRebuild {

    private static final Logger LOG = Logger.getLogger(GraphRebuild.class);
    static final int BATCH = 10_000;
    private static final int WIPE_SLICE = 50_000;

    private final RebuildStore rebuilds;
    private final Driver driver;
    private final GraphProjections projections;
    private final GraphLock lock;
    private final GraphSchema schema;
    private final BackgroundWork background;
    private final GraphIdentityStore identity;

    GraphRebuild(RebuildStore rebuilds, Driver driver, GraphProjections projections, GraphLock lock,
                 GraphSchema schema, BackgroundWork background, GraphIdentityStore identity) {
        this.identity = identity;
        this.background = background;
        this.rebuilds = rebuilds;
        this.driver = driver;
        this.projections = projections;
        this.lock = lock;
        this.schema = schema;
    }

    /** A rebuild as the API shows it. */
    @Schema(name = "GraphRebuild")
    public record View(UUID id, String state, long total, long done, double percent, String error, Instant startedAt,
                       Instant finishedAt) {
    }

    /** Starts a rebuild; one at a time. */
    public synchronized View start() {
        UUID id = UUID.randomUUID();
        if (!rebuilds.start(id)) {
            throw new Conflict("rebuild-running", "A graph rebuild is already running");
        }
        background.execute(() -> run(id));
        return get(id);
    }

    /** How a rebuild asked for on the caller's thread went. */
    enum Outcome {
        SUCCEEDED,
        FAILED,
        /** Not started: another rebuild is running (it leaves the graph in step when it succeeds). */
        BUSY
    }

    /**
     * Rebuilds on the calling thread: the relay's, when the graph store is not the one PostgreSQL's applied changes
     * went to ({@link GraphStoreCheck}). The rebuild is a row like any other, followed on the same endpoint.
     */
    Outcome rebuildHere() {
        UUID id = UUID.randomUUID();
        if (!rebuilds.start(id)) {
            return Outcome.BUSY;
        }
        LOG.infof("Graph rebuild %s started by the relay", id);
        return run(id) ? Outcome.SUCCEEDED : Outcome.FAILED;
    }

    public View get(UUID id) {
        RebuildStore.Row r = rebuilds.get(id).orElseThrow(() -> new NotFound("Rebuild", id));
        double percent = r.state().equals("SUCCEEDED") ? 100
                : r.total() == 0 ? 0 : Math.round(1000.0 * r.done() / r.total()) / 10.0;
        return new View(id, r.state(), r.total(), r.done(), percent, r.error(), r.startedAt(), r.finishedAt());
    }

    /** Runs the rebuild {@code id}; returns whether it succeeded. */
    private boolean run(UUID id) {
        long started = System.nanoTime();
        try {
            lock.holding(() -> {
                rebuilds.beat(id); // after waiting for the relay's lock
                schema.ensure();
                rebuilds.sized(id, projections.sources().stream().mapToLong(GraphSource::count).sum());
                wipe(id);
                load(id);
                identity.record(identity.current()); // this store now holds what PostgreSQL counts as applied
                return null;
            });
            rebuilds.succeeded(id);
            LOG.infof("Graph rebuilt from PostgreSQL in %d ms", (System.nanoTime() - started) / 1_000_000);
            return true;
        } catch (RuntimeException e) {
            LOG.errorf(e, "Graph rebuild %s failed", id);
            try {
                rebuilds.failed(id, String.valueOf(e.getMessage()));
            } catch (IllegalStateException ignored) {
                // PostgreSQL is gone too; the row stays RUNNING, and the next start ends it once it has not beaten
                // for RebuildStore.ABANDONED_AFTER.
            }
            return false;
        }
    }

    /** Empties the graph, relationships before the nodes they join, a slice per transaction. */
    private void wipe(UUID id) {
        try (Session session = driver.session()) {
            List<GraphSource> sources = projections.sources();
            for (int i = sources.size() - 1; i >= 0; i--) {
                GraphSource source = sources.get(i);
                long removed;
                do {
                    removed = session.executeWrite(tx -> source.deleteSome(tx, WIPE_SLICE));
                    rebuilds.beat(id);
                } while (removed > 0);
            }
        }
    }

    private void load(UUID id) {
        try (Session graph = driver.session()) {
            List<Map<String, Object>> batch = new ArrayList<>(BATCH);
            for (GraphSource source : projections.sources()) {
                source.rows(false, BATCH, row -> {
                    batch.add(row);
                    if (batch.size() == BATCH) {
                        write(graph, id, source.upsertType(), batch);
                    }
                });
                write(graph, id, source.upsertType(), batch);
            }
        }
    }

    private void write(Session graph, UUID id, String type, List<Map<String, Object>> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<Map<String, Object>> rows = List.copyOf(batch);
        graph.executeWriteWithoutResult(tx -> projections.apply(tx, type, rows));
        batch.clear();
        rebuilds.progressed(id, rows.size());
    }

}
