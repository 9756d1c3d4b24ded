package health.circles.sync;

import health.circles.contact.Contact;
import health.circles.contact.ContactKind;
import health.circles.contact.ContactNodes;
import health.circles.network.Tie;
import health.circles.network.TieStore;
import health.circles.network.TieGraph;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Result;
import org.neo4j.driver.Session;
import org.neo4j.driver.Value;

/**
 * Finds and repairs drift between PostgreSQL and the graph: contacts and ties missing from the graph, extra there, or
 * stale (another version, or other properties). Both sides are streamed sorted by id and merged, so memory stays at
 * one chunk of repairs; repairs go through the same projections as the relay, in UNWIND batches. The relay is held
 * off meanwhile (after it drained what was pending), so the comparison sees settled stores.
 */
@ApplicationScoped
public class Reconciler {

    static final int CHUNK = 5000;
    static final int SAMPLES = 10;

    private final AgroalDataSource dataSource;
    private final Driver driver;
    private final GraphProjections projections;
    private final GraphRelay relay;
    private final GraphLock lock;
    private final SyncMonitor monitor;

    Reconciler(AgroalDataSource dataSource, Driver driver, GraphProjections projections, GraphRelay relay,
               GraphLock lock, SyncMonitor monitor) {
        this.dataSource = dataSource;
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
        long started = System.nanoTime();
        relay.awaitApplied(monitor.status().lastPosition(), Duration.ofSeconds(30));
        return lock.holding(() -> {
            Map<String, Tally> tallies = new LinkedHashMap<>();
            for (String name : List.of("contactsMissing", "contactsExtra", "contactsStale", "tiesMissing", "tiesExtra",
                    "tiesStale")) {
                tallies.put(name, new Tally());
            }
            long contacts = contacts(tallies);
            long ties = ties(tallies);
            Map<String, Category> report = new LinkedHashMap<>();
            tallies.forEach((name, t) -> report.put(name, new Category(t.count, t.samples)));
            return new Report(contacts, ties, report, (System.nanoTime() - started) / 1_000_000);
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
    }

    /** Repairs queued while streaming, applied a chunk at a time. */
    private final class Repairs {
        final String upsertType;
        final String deleteCypher;
        final String unversionCypher;
        final List<Map<String, Object>> upserts = new ArrayList<>();
        final List<String> unversion = new ArrayList<>();
        final List<String> deletes = new ArrayList<>();

        Repairs(String upsertType, String deleteCypher, String unversionCypher) {
            this.upsertType = upsertType;
            this.deleteCypher = deleteCypher;
            this.unversionCypher = unversionCypher;
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
                        tx.run(deleteCypher, Map.of("ids", deletes)).consume();
                    }
                    if (!unversion.isEmpty()) {
                        // A stale element keeps its version number; forget it so that the projection rewrites it.
                        tx.run(unversionCypher, Map.of("ids", unversion)).consume();
                    }
                    if (!upserts.isEmpty()) {
                        projections.apply(tx, upsertType, upserts);
                    }
                });
            }
            upserts.clear();
            unversion.clear();
            deletes.clear();
        }
    }

    private long contacts(Map<String, Tally> tallies) throws SQLException {
        Repairs repairs = new Repairs(ContactNodes.UPSERTED,
                "UNWIND $ids AS id MATCH (c:Contact {id: id}) DETACH DELETE c",
                "UNWIND $ids AS id MATCH (c:Contact {id: id}) SET c.v = -1");
        long checked = 0;
        try (Connection c = dataSource.getConnection(); Session graph = driver.session()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT id, kind, display_name, version FROM contact ORDER BY id")) {
                s.setFetchSize(CHUNK);
                Result result = graph.run("""
                        MATCH (c:Contact) WHERE c.id IS NOT NULL
                        RETURN c.id AS id, c.kind AS kind, c.displayName AS name, c.v AS v ORDER BY c.id""");
                Iterator<Record> nodes = result;
                Record node = nodes.hasNext() ? nodes.next() : null;
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        checked++;
                        Contact ct = new Contact();
                        ct.id = r.getObject(1, UUID.class);
                        ct.kind = ContactKind.valueOf(r.getString(2));
                        ct.displayName = r.getString(3);
                        ct.version = r.getLong(4);
                        String id = ct.id.toString();
                        while (node != null && node.get("id").asString().compareTo(id) < 0) {
                            tallies.get("contactsExtra").add(node.get("id").asString());
                            repairs.deletes.add(node.get("id").asString());
                            node = nodes.hasNext() ? nodes.next() : null;
                        }
                        if (node == null || !node.get("id").asString().equals(id)) {
                            tallies.get("contactsMissing").add(id);
                            repairs.upserts.add(ContactNodes.upserted(ct));
                        } else {
                            if (!Objects.equals(string(node.get("kind")), ct.kind.name())
                                    || !Objects.equals(string(node.get("name")), ct.displayName)
                                    || node.get("v").isNull() || node.get("v").asLong() != ct.version) {
                                tallies.get("contactsStale").add(id);
                                repairs.unversion.add(id);
                                repairs.upserts.add(ContactNodes.upserted(ct));
                            }
                            node = nodes.hasNext() ? nodes.next() : null;
                        }
                        repairs.maybeFlush();
                    }
                }
                while (node != null) {
                    tallies.get("contactsExtra").add(node.get("id").asString());
                    repairs.deletes.add(node.get("id").asString());
                    repairs.maybeFlush();
                    node = nodes.hasNext() ? nodes.next() : null;
                }
            }
            c.commit();
        }
        repairs.flush();
        try (Session graph = driver.session()) {
            // Nodes without an id cannot be matched to PostgreSQL at all: they are strays.
            long strays = graph.executeWrite(tx -> tx.run("""
                    MATCH (c:Contact) WHERE c.id IS NULL DETACH DELETE c RETURN count(*) AS n""").single().get("n").asLong());
            for (long i = 0; i < strays; i++) {
                tallies.get("contactsExtra").add("(no id)");
            }
        }
        return checked;
    }

    private long ties(Map<String, Tally> tallies) throws SQLException {
        Repairs repairs = new Repairs(TieGraph.UPSERTED,
                TieGraph.DELETE_BY_IDS, TieGraph.UNVERSION_BY_IDS);
        long checked = 0;
        try (Connection c = dataSource.getConnection(); Session graph = driver.session()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(TieStore.IN_GRAPH + " ORDER BY t.id")) {
                s.setFetchSize(CHUNK);
                Iterator<Record> rels = graph.run(TieGraph.IN_ID_ORDER);
                Record rel = rels.hasNext() ? rels.next() : null;
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        checked++;
                        Tie t = TieStore.edgeOf(r);
                        String id = t.id.toString();
                        while (rel != null && rel.get("id").asString().compareTo(id) < 0) {
                            extraTie(rel, tallies, repairs);
                            rel = rels.hasNext() ? rels.next() : null;
                        }
                        if (rel == null || !rel.get("id").asString().equals(id)) {
                            tallies.get("tiesMissing").add(id);
                            repairs.upserts.add(TieGraph.upserted(t));
                        } else {
                            boolean moved = !Objects.equals(string(rel.get("from")), t.fromId.toString())
                                    || !Objects.equals(string(rel.get("to")), t.toId.toString());
                            boolean stale = moved || !Objects.equals(string(rel.get("type")), t.type.name())
                                    || rel.get("strength").isNull() || Math.abs(rel.get("strength").asDouble() - t.strength) > 1e-9
                                    || !Objects.equals(date(rel.get("since")), t.since)
                                    || !Objects.equals(date(rel.get("until")), t.until)
                                    || rel.get("v").isNull() || rel.get("v").asLong() != t.version;
                            if (stale) {
                                tallies.get("tiesStale").add(id);
                                if (moved) {
                                    repairs.deletes.add(id);
                                } else {
                                    repairs.unversion.add(id);
                                }
                                repairs.upserts.add(TieGraph.upserted(t));
                            }
                            rel = rels.hasNext() ? rels.next() : null;
                            // A second relationship with the same id is a stray copy.
                            while (rel != null && rel.get("id").asString().equals(id)) {
                                tallies.get("tiesExtra").add(id);
                                rel = rels.hasNext() ? rels.next() : null;
                                if (!moved) {
                                    repairs.deletes.add(id);
                                    repairs.upserts.add(TieGraph.upserted(t));
                                }
                            }
                        }
                        repairs.maybeFlush();
                    }
                }
                while (rel != null) {
                    extraTie(rel, tallies, repairs);
                    repairs.maybeFlush();
                    rel = rels.hasNext() ? rels.next() : null;
                }
            }
            c.commit();
        }
        repairs.flush();
        try (Session graph = driver.session()) {
            long strays = graph.executeWrite(tx -> tx.run(TieGraph.DELETE_WITHOUT_ID).single().get("n").asLong());
            for (long i = 0; i < strays; i++) {
                tallies.get("tiesExtra").add("(no id)");
            }
        }
        return checked;
    }

    private static void extraTie(Record rel, Map<String, Tally> tallies, Repairs repairs) {
        String id = rel.get("id").asString();
        if (!id.isEmpty()) { // relationships without an id are removed at the end
            tallies.get("tiesExtra").add(id);
            repairs.deletes.add(id);
        }
    }

    private static String string(Value v) {
        return v == null || v.isNull() ? null : v.asString();
    }

    private static LocalDate date(Value v) {
        return v == null || v.isNull() ? null : v.asLocalDate();
    }
}
