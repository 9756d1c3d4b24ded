package health.circles.outreach;

import health.circles.network.ActiveTie;

import health.circles.failure.Unavailable;
import health.circles.sync.GraphVersion;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.exceptions.Neo4jException;

/**
 * Reads the contacts and the active ties from Neo4j into an {@link InfluenceGraph}: contacts numbered in id order,
 * one or two influence arcs per tie by its type's flow. 503 when the graph cannot be read.
 */
@ApplicationScoped
public class InfluenceTieGraph {

    private static final Logger LOG = Logger.getLogger(InfluenceTieGraph.class);

    /**
     * Every contact's id, with its node's number inside the store. The ties name their ends by that number: reading
     * the two ends' ids (36-character strings) of a million ties was most of the read. The number is only used within
     * one read transaction, where it cannot be reused ({@code id()} is deprecated for keeping outside one).
     */
    private static final String CONTACTS = "MATCH (c:Contact) RETURN id(c) AS node, c.id AS id";

    /** Active ties as the analytics projection selects them: no until, or one after today. */
    private static final String TIES = """
            MATCH (a:Contact)-[t:TIE]->(b:Contact)
            WHERE %s
            RETURN id(a) AS a, id(b) AS b, t.type AS type, coalesce(toFloat(t.strength), 0.0) AS strength"""
            .formatted(ActiveTie.ACTIVE_TODAY_CYPHER);

    private final Driver driver;
    private final Clock clock = Clock.systemUTC();

    InfluenceTieGraph(Driver driver) {
        this.driver = driver;
    }

    /** The graph as it is now, stamped with {@code version}. */
    InfluenceGraph load(GraphVersion version) {
        long started = System.nanoTime();
        try (Session session = driver.session()) {
            return session.executeRead(tx -> {
                List<Contact> contacts = new ArrayList<>();
                tx.run(CONTACTS).forEachRemaining(r -> {
                    UUID id = uuid(r.get("id").isNull() ? null : r.get("id").asString());
                    if (id != null) {
                        contacts.add(new Contact(r.get("node").asLong(), id));
                    }
                });
                contacts.sort(java.util.Comparator.comparing(Contact::id));
                UUID[] sorted = new UUID[contacts.size()];
                NodeIndex index = new NodeIndex(contacts.size());
                for (int i = 0; i < sorted.length; i++) {
                    sorted[i] = contacts.get(i).id();
                    index.put(contacts.get(i).node(), i);
                }
                contacts.clear();
                index.seal();
                Arcs arcs = new Arcs(sorted.length);
                tx.run(TIES).forEachRemaining(r -> arcs.add(r, index));
                return graph(version, started, sorted, arcs);
            });
        } catch (Neo4jException e) {
            LOG.warnf("Influence graph not readable: %s", e.getMessage());
            throw new Unavailable("graph-unavailable", "Graph unavailable",
                    "The relationship graph cannot be read just now; seeds need it. Retry shortly", null);
        }
    }

    private InfluenceGraph graph(GraphVersion version, long started, UUID[] sorted, Arcs arcs) {
        long millis = (System.nanoTime() - started) / 1_000_000;
        InfluenceGraph graph = new InfluenceGraph(sorted, arcs.from, arcs.to, arcs.strength, arcs.size, arcs.degree,
                arcs.ties, version, clock.instant(), millis);
        LOG.infof("Influence graph read at position %d: %d contacts, %d ties, %d arcs in %d ms",
                version.appliedPosition(), graph.n, graph.ties, graph.arcs(), millis);
        return graph;
    }

    /** A contact's node number in the store and its id. */
    private record Contact(long node, UUID id) {
    }

    /** Node numbers to contact numbers: sorted node numbers searched by halves, no boxed key per contact. */
    private static final class NodeIndex {
        private long[] nodes;
        private int[] numbers;
        private int size;

        NodeIndex(int capacity) {
            nodes = new long[capacity];
            numbers = new int[capacity];
        }

        void put(long node, int number) {
            nodes[size] = node;
            numbers[size] = number;
            size++;
        }

        /** Orders the node numbers, carrying each contact's number along. */
        void seal() {
            Integer[] order = new Integer[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            long[] byNode = nodes;
            Arrays.sort(order, (x, y) -> Long.compare(byNode[x], byNode[y]));
            long[] sortedNodes = new long[size];
            int[] sortedNumbers = new int[size];
            for (int i = 0; i < size; i++) {
                sortedNodes[i] = nodes[order[i]];
                sortedNumbers[i] = numbers[order[i]];
            }
            nodes = sortedNodes;
            numbers = sortedNumbers;
        }

        /** The contact number of {@code node}, or -1 when it is not a contact read. */
        int get(long node) {
            int at = Arrays.binarySearch(nodes, 0, size, node);
            return at < 0 ? -1 : numbers[at];
        }
    }

    private static UUID uuid(String value) {
        if (value == null || value.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Growable arc lists: one or two influence arcs per tie, by its type's flow. */
    private static final class Arcs {
        int[] from = new int[1024];
        int[] to = new int[1024];
        float[] strength = new float[1024];
        int size;
        long ties;
        final int[] degree;

        Arcs(int nodes) {
            degree = new int[nodes];
        }

        void add(Record r, NodeIndex index) {
            int a = index.get(r.get("a").asLong());
            int b = index.get(r.get("b").asLong());
            if (a < 0 || b < 0 || a == b) {
                return;
            }
            float s = (float) r.get("strength").asDouble();
            if (!(s >= 0) || Float.isInfinite(s)) {
                s = 0;
            }
            ties++;
            degree[a]++;
            degree[b]++;
            switch (InfluenceModel.flow(r.get("type").asString(null))) {
                case FORWARD -> arc(a, b, s);
                case BACKWARD -> arc(b, a, s);
                case BOTH -> {
                    arc(a, b, s);
                    arc(b, a, s);
                }
            }
        }

        private void arc(int a, int b, float s) {
            if (size == from.length) {
                int grown = Math.max(16, (int) Math.min(Integer.MAX_VALUE - 8L, size * 3L / 2));
                from = Arrays.copyOf(from, grown);
                to = Arrays.copyOf(to, grown);
                strength = Arrays.copyOf(strength, grown);
            }
            from[size] = a;
            to[size] = b;
            strength[size] = s;
            size++;
        }
    }

}
