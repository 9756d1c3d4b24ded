package health.circles.outreach;

import health.circles.network.ActiveTie;

import health.circles.failure.Unavailable;
import health.circles.sync.GraphVersion;
import health.circles.web.Ids;
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
import org.neo4j.driver.Value;
import org.neo4j.driver.exceptions.Neo4jException;

/**
 * Reads the contacts and the active ties from Neo4j into an {@link InfluenceGraph}: contacts numbered in id order,
 * one or two influence arcs per tie by its type's flow. 503 when the graph cannot be read.
 */
@ApplicationScoped
public class InfluenceTieGraph {

    private static final Logger LOG = Logger.getLogger(InfluenceTieGraph.class);

    /**
     * Every contact with its active ties out, as the analytics projection selects them (no until, or one after today):
     * one row a contact, its ties' far ends named by their nodes' numbers in the store. A row a tie, with both ends'
     * ids, took twice as long at 100k contacts and 1M ties (the transport of a million rows, and two 36-character ids
     * each). The numbers are only used within this one read transaction, where they cannot be reused
     * ({@code id()} is deprecated for keeping them longer).
     */
    private static final String GRAPH = """
            MATCH (a:Contact)
            CALL (a) {
              MATCH (a)-[t:TIE]->(b:Contact)
              WHERE %s
              RETURN collect(id(b)) AS ends, collect(t.type) AS types,
                     collect(coalesce(toFloat(t.strength), 0.0)) AS strengths
            }
            RETURN id(a) AS node, a.id AS id, ends, types, strengths"""
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
            Read read = session.executeRead(tx -> {
                Read rows = new Read();
                tx.run(GRAPH).forEachRemaining(rows::add);
                return rows;
            });
            return read.graph(version, started, clock);
        } catch (Neo4jException e) {
            LOG.warnf("Influence graph not readable: %s", e.getMessage());
            throw new Unavailable("graph-unavailable", "Graph unavailable",
                    "The relationship graph cannot be read just now; seeds need it. Retry shortly", null);
        }
    }

    /** The rows as read: contacts by node number, and every tie by its row's contact and its far end's node number. */
    private static final class Read {
        private final List<UUID> ids = new ArrayList<>();
        private long[] nodes = new long[1024];
        private int[] tieFrom = new int[1024];
        private long[] tieTo = new long[1024];
        private byte[] tieFlow = new byte[1024];
        private float[] tieStrength = new float[1024];
        private int ties;

        void add(Record r) {
            UUID id = Ids.orNull(r.get("id").isNull() ? null : r.get("id").asString());
            if (id == null) {
                return; // not a contact this service wrote: no ties from it either
            }
            int row = ids.size();
            ids.add(id);
            if (row == nodes.length) {
                nodes = Arrays.copyOf(nodes, grown(row));
            }
            nodes[row] = r.get("node").asLong();
            List<Long> ends = r.get("ends").asList(Value::asLong);
            List<String> types = r.get("types").asList(v -> v.isNull() ? null : v.asString());
            List<Double> strengths = r.get("strengths").asList(Value::asDouble);
            for (int i = 0; i < ends.size(); i++) {
                if (ties == tieFrom.length) {
                    int grown = grown(ties);
                    tieFrom = Arrays.copyOf(tieFrom, grown);
                    tieTo = Arrays.copyOf(tieTo, grown);
                    tieFlow = Arrays.copyOf(tieFlow, grown);
                    tieStrength = Arrays.copyOf(tieStrength, grown);
                }
                float s = strengths.get(i).floatValue();
                tieFrom[ties] = row;
                tieTo[ties] = ends.get(i);
                tieFlow[ties] = (byte) InfluenceModel.flow(types.get(i)).ordinal();
                tieStrength[ties] = !(s >= 0) || Float.isInfinite(s) ? 0 : s;
                ties++;
            }
        }

        /** Numbers the contacts in id order and turns each tie into one or two influence arcs by its type's flow. */
        InfluenceGraph graph(GraphVersion version, long started, Clock clock) {
            int n = ids.size();
            Integer[] byId = new Integer[n];
            for (int i = 0; i < n; i++) {
                byId[i] = i;
            }
            Arrays.sort(byId, (x, y) -> ids.get(x).compareTo(ids.get(y)));
            UUID[] sorted = new UUID[n];
            int[] numberOfRow = new int[n];
            for (int number = 0; number < n; number++) {
                sorted[number] = ids.get(byId[number]);
                numberOfRow[byId[number]] = number;
            }
            NodeIndex index = new NodeIndex(nodes, numberOfRow, n);
            Arcs arcs = new Arcs(n);
            InfluenceModel.Flow[] flows = InfluenceModel.Flow.values();
            for (int i = 0; i < ties; i++) {
                int a = numberOfRow[tieFrom[i]];
                int b = index.get(tieTo[i]);
                if (b >= 0 && a != b) {
                    arcs.add(a, b, flows[tieFlow[i]], tieStrength[i]);
                }
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            InfluenceGraph graph = new InfluenceGraph(sorted, arcs.from, arcs.to, arcs.strength, arcs.size,
                    arcs.degree, arcs.ties, version, clock.instant(), millis);
            LOG.infof("Influence graph read at position %d: %d contacts, %d ties, %d arcs in %d ms",
                    version.appliedPosition(), graph.n, graph.ties, graph.arcs(), millis);
            return graph;
        }
    }

    /** Node numbers to contact numbers: sorted node numbers searched by halves, no boxed key per contact. */
    private static final class NodeIndex {
        private final long[] nodes;
        private final int[] numbers;

        /** {@code nodes[row]} is row's node number, {@code numbers[row]} its contact number; the first n rows. */
        NodeIndex(long[] nodes, int[] numbers, int n) {
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (x, y) -> Long.compare(nodes[x], nodes[y]));
            this.nodes = new long[n];
            this.numbers = new int[n];
            for (int i = 0; i < n; i++) {
                this.nodes[i] = nodes[order[i]];
                this.numbers[i] = numbers[order[i]];
            }
        }

        /** The contact number of {@code node}, or -1 when it is not a contact read. */
        int get(long node) {
            int at = Arrays.binarySearch(nodes, node);
            return at < 0 ? -1 : numbers[at];
        }
    }

    /** The next length of an array of {@code size} growing by half, within what an array may hold. */
    private static int grown(int size) {
        return Math.max(16, (int) Math.min(Integer.MAX_VALUE - 8L, size * 3L / 2));
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

        void add(int a, int b, InfluenceModel.Flow flow, float s) {
            ties++;
            degree[a]++;
            degree[b]++;
            switch (flow) {
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
                int grown = grown(size);
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
