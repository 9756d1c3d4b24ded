package health.circles.sync;

import health.circles.contact.Contact;
import health.circles.contact.ContactKind;
import health.circles.contact.ContactNodes;
import health.circles.graph.GraphSchema;
import health.circles.network.Tie;
import health.circles.network.TieStore;
import health.circles.network.TieGraph;
import health.circles.failure.Conflict;
import health.circles.failure.NotFound;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

/**
 * Reloads the graph from PostgreSQL as a background job: empties it, then loads every contact and tie in UNWIND
 * batches through the projections, with progress in PostgreSQL. The relay is held off for the duration; writes go on
 * and queue in the outbox, which the relay applies afterwards (changes the rebuild already loaded are skipped by
 * version). Scores and community ids written by analytics are not in PostgreSQL's tables: run analytics again after.
 */
@ApplicationScoped
public class GraphRebuild {

    private static final Logger LOG = Logger.getLogger(GraphRebuild.class);
    static final int BATCH = 10_000;

    private final AgroalDataSource dataSource;
    private final RebuildStore rebuilds;
    private final Driver driver;
    private final GraphProjections projections;
    private final GraphLock lock;
    private final GraphSchema schema;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "graph-rebuild");
        t.setDaemon(true);
        return t;
    });

    GraphRebuild(AgroalDataSource dataSource, RebuildStore rebuilds, Driver driver, GraphProjections projections,
                 GraphLock lock, GraphSchema schema) {
        this.dataSource = dataSource;
        this.rebuilds = rebuilds;
        this.driver = driver;
        this.projections = projections;
        this.lock = lock;
        this.schema = schema;
    }

    /** A rebuild as the API shows it. */
    public record View(UUID id, String state, long total, long done, double percent, String error, Instant startedAt,
                       Instant finishedAt) {
    }

    /** Starts a rebuild; one at a time. */
    public synchronized View start() {
        UUID id = UUID.randomUUID();
        if (!rebuilds.start(id)) {
            throw new Conflict("rebuild-running", "A graph rebuild is already running");
        }
        worker.execute(() -> run(id));
        return get(id);
    }

    public View get(UUID id) {
        RebuildStore.Row r = rebuilds.get(id).orElseThrow(() -> new NotFound("Rebuild", id));
        double percent = r.state().equals("SUCCEEDED") ? 100
                : r.total() == 0 ? 0 : Math.round(1000.0 * r.done() / r.total()) / 10.0;
        return new View(id, r.state(), r.total(), r.done(), percent, r.error(), r.startedAt(), r.finishedAt());
    }

    private void run(UUID id) {
        long started = System.nanoTime();
        try {
            lock.holding(() -> {
                schema.ensure();
                rebuilds.sized(id);
                wipe();
                load(id);
                return null;
            });
            rebuilds.succeeded(id);
            LOG.infof("Graph rebuilt from PostgreSQL in %d ms", (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Graph rebuild %s failed", id);
            try {
                rebuilds.failed(id, String.valueOf(e.getMessage()));
            } catch (IllegalStateException ignored) {
                // PostgreSQL is gone too; the row stays RUNNING until an operator looks.
            }
        }
    }

    private void wipe() {
        try (Session session = driver.session()) {
            long removed;
            do {
                removed = session.executeWrite(tx -> tx.run(TieGraph.DELETE_SOME, Map.of("n", 50_000))
                        .single().get("n").asLong());
            } while (removed > 0);
            do {
                removed = session.executeWrite(tx -> tx.run("""
                        MATCH (c:Contact) WITH c LIMIT $n DETACH DELETE c RETURN count(*) AS n""", Map.of("n", 50_000))
                        .single().get("n").asLong());
            } while (removed > 0);
        }
    }

    private void load(UUID id) throws SQLException {
        try (Connection c = dataSource.getConnection(); Session graph = driver.session()) {
            c.setAutoCommit(false);
            List<Map<String, Object>> batch = new ArrayList<>(BATCH);
            try (PreparedStatement s = c.prepareStatement("SELECT id, kind, display_name, version FROM contact")) {
                s.setFetchSize(BATCH);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        Contact ct = new Contact();
                        ct.id = r.getObject(1, UUID.class);
                        ct.kind = ContactKind.valueOf(r.getString(2));
                        ct.displayName = r.getString(3);
                        ct.version = r.getLong(4);
                        batch.add(ContactNodes.upserted(ct));
                        if (batch.size() == BATCH) {
                            write(graph, id, ContactNodes.UPSERTED, batch);
                        }
                    }
                }
            }
            write(graph, id, ContactNodes.UPSERTED, batch);
            try (PreparedStatement s = c.prepareStatement(TieStore.IN_GRAPH)) {
                s.setFetchSize(BATCH);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        Tie t = TieStore.edgeOf(r);
                        batch.add(TieGraph.upserted(t));
                        if (batch.size() == BATCH) {
                            write(graph, id, TieGraph.UPSERTED, batch);
                        }
                    }
                }
            }
            write(graph, id, TieGraph.UPSERTED, batch);
            c.commit();
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
