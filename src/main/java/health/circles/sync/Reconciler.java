package health.circles.sync;

import health.circles.failure.Conflict;
import health.circles.sync.GraphSource.Drift;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;

/**
 * Finds and repairs drift between PostgreSQL and the graph, source by source ({@link GraphSource}: contacts, then
 * ties): elements missing from the graph, extra there, or stale (another version, or other properties). Both sides
 * are streamed sorted by id and merged, so memory stays at one chunk of repairs; repairs go through the same
 * projections as the relay, in UNWIND batches. The relay is held off meanwhile (after it drained what was pending), so
 * the comparison sees settled stores.
 */
@ApplicationScoped
public class Reconciler {

    static final int CHUNK = 5000;
    static final int SAMPLES = 10;

    /** The sources whose checked counts the report has always named. */
    private static final String CONTACTS = "contacts";
    private static final String TIES = "ties";

    private final Driver driver;
    private final GraphProjections projections;
    private final GraphRelay relay;
    private final GraphLock lock;
    private final SyncMonitor monitor;
    private final GraphVersionStore versions;

    private final RebuildStore rebuilds;

    Reconciler(Driver driver, GraphProjections projections, GraphRelay relay, GraphLock lock, SyncMonitor monitor,
               GraphVersionStore versions, RebuildStore rebuilds) {
        this.rebuilds = rebuilds;
        this.versions = versions;
        this.driver = driver;
        this.projections = projections;
        this.relay = relay;
        this.lock = lock;
        this.monitor = monitor;
    }

    /** What a reconcile found and repaired, per category, with a few sample ids each. */
    public record Report(long contactsChecked, long tiesChecked, Map<String, Category> repaired, long millis) {

        public long total() {
            return repaired.values().stream().mapToLong(Category::count).sum();
        }
    }

    /** One kind of drift: how many were repaired, and some of their ids. */
    public record Category(long count, List<String> sampleIds) {
    }

    public Report reconcile() {
        // A rebuild holds the graph for its whole run (minutes): waiting for it would hold the request and a
        // connection as long, and the rebuild leaves the graph in step anyway.
        if (rebuilds.latest().filter(r -> "RUNNING".equals(r.state())).isPresent()) {
            throw new Conflict("rebuild-running", "A rebuild of the graph is running; it leaves the graph in step with "
                    + "PostgreSQL. Follow it on GET /api/v1/admin/sync/rebuild/{id}, and reconcile afterwards if need be");
        }
        long started = System.nanoTime();
        relay.awaitApplied(monitor.status().lastPosition(), Duration.ofSeconds(30));
        return lock.holding(() -> {
            Map<String, Long> checked = new LinkedHashMap<>();
            Map<String, Category> repaired = new LinkedHashMap<>();
            for (GraphSource source : projections.sources()) {
                Comparison comparison = new Comparison(source);
                checked.put(source.name(), comparison.run());
                comparison.reportInto(repaired);
            }
            Report report = new Report(checked.getOrDefault(CONTACTS, 0L), checked.getOrDefault(TIES, 0L), repaired,
                    (System.nanoTime() - started) / 1_000_000);
            if (report.total() > 0) {
                versions.markRepaired(); // the graph changed without the outbox: copies in memory are behind
            }
            return report;
        });
    }

    private static final class Tally {
        long count;
        final List<String> samples = new ArrayList<>();

        void add(String id) {
            count++;
            if (samples.size() < SAMPLES) {
                samples.add(id);
            }
        }

        Category category() {
            return new Category(count, samples);
        }
    }

    /** One source's rows merged with its graph elements by id, and the repairs that calls for. */
    private final class Comparison {
        final GraphSource source;
        final Repairs repairs;
        final Tally missing = new Tally();
        final Tally extra = new Tally();
        final Tally stale = new Tally();
        Iterator<Record> elements;
        Record element;
        long checked;

        Comparison(GraphSource source) {
            this.source = source;
            this.repairs = new Repairs(source);
        }

        /** Compares and repairs every row and element; returns how many rows were checked. */
        long run() {
            try (Session graph = driver.session()) {
                elements = source.elementsInIdOrder(graph);
                advance();
                source.rows(true, CHUNK, this::compare);
                while (element != null) {
                    extra(element);
                    repairs.maybeFlush();
                    advance();
                }
            }
            repairs.flush();
            removeStrays();
            return checked;
        }

        void reportInto(Map<String, Category> report) {
            report.put(source.name() + "Missing", missing.category());
            report.put(source.name() + "Extra", extra.category());
            report.put(source.name() + "Stale", stale.category());
        }

        /** One row: the elements before it are extra; then it is missing, or matched to its element. */
        private void compare(Map<String, Object> row) {
            checked++;
            String id = (String) row.get("id");
            while (element != null && id(element).compareTo(id) < 0) {
                extra(element);
                advance();
            }
            if (element == null || !id(element).equals(id)) {
                missing.add(id);
                repairs.upserts.add(row);
            } else {
                matched(row, id);
            }
            repairs.maybeFlush();
        }

        private void matched(Map<String, Object> row, String id) {
            Drift drift = source.drift(row, element);
            if (drift != Drift.NONE) {
                stale.add(id);
                (drift == Drift.MOVED ? repairs.deletes : repairs.unversion).add(id);
                repairs.upserts.add(row);
            }
            advance();
            // A second element with the same id is a stray copy.
            while (element != null && id(element).equals(id)) {
                extra.add(id);
                advance();
                if (drift != Drift.MOVED) {
                    repairs.deletes.add(id);
                    repairs.upserts.add(row);
                }
            }
        }

        private void extra(Record e) {
            extra.add(id(e));
            repairs.deletes.add(id(e));
        }

        /** Elements without an id cannot be matched to PostgreSQL at all: they are strays. */
        private void removeStrays() {
            try (Session graph = driver.session()) {
                long strays = graph.executeWrite(source::deleteStrays);
                for (long i = 0; i < strays; i++) {
                    extra.add("(no id)");
                }
            }
        }

        private void advance() {
            element = elements.hasNext() ? elements.next() : null;
        }

        private static String id(Record e) {
            return e.get("id").asString();
        }
    }

    /** Repairs queued while streaming, applied a chunk at a time. */
    private final class Repairs {
        final GraphSource source;
        final List<Map<String, Object>> upserts = new ArrayList<>();
        final List<String> unversion = new ArrayList<>();
        final List<String> deletes = new ArrayList<>();

        Repairs(GraphSource source) {
            this.source = source;
        }

        void maybeFlush() {
            if (upserts.size() + deletes.size() >= CHUNK) {
                flush();
            }
        }

        void flush() {
            if (upserts.isEmpty() && deletes.isEmpty()) {
                return;
            }
            try (Session session = driver.session()) {
                session.executeWriteWithoutResult(tx -> {
                    if (!deletes.isEmpty()) {
                        source.delete(tx, deletes);
                    }
                    if (!unversion.isEmpty()) {
                        // A stale element keeps its version number; forget it so that the projection rewrites it.
                        source.unversion(tx, unversion);
                    }
                    if (!upserts.isEmpty()) {
                        projections.apply(tx, source.upsertType(), upserts);
                    }
                });
            }
            upserts.clear();
            unversion.clear();
            deletes.clear();
        }
    }
}
