package health.circles.outreach;

import health.circles.network.ActiveTie;

import health.circles.failure.Unavailable;
import health.circles.sync.GraphVersion;
import health.circles.web.Ids;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.Value;
import org.neo4j.driver.exceptions.Neo4jException;

/**
 * Reads the contacts and the active ties from Neo4j into an {@link InfluenceGraph}: contacts numbered in id order,
 * one or two influence arcs per tie by its type's flow. Whole ({@link #load}), or as a graph read before changed
 * ({@link #refresh}): the ties of the contacts named. 503 when the graph cannot be read.
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

    /** How many contact nodes the store holds: from its counts, without reading them. */
    private static final String CONTACT_COUNT = "MATCH (a:Contact) RETURN count(a) AS contacts";

    /** The active ties out of the contacts named, their far ends by id: what changed contacts hold now. */
    private static final String TIES_OF = """
            UNWIND $ids AS id
            MATCH (a:Contact {id: id})
            CALL (a) {
              MATCH (a)-[t:TIE]->(b:Contact)
              WHERE %s
              RETURN collect(b.id) AS ends, collect(t.type) AS types,
                     collect(coalesce(toFloat(t.strength), 0.0)) AS strengths
            }
            RETURN a.id AS id, ends, types, strengths"""
            .formatted(ActiveTie.ACTIVE_TODAY_CYPHER);

    private final Driver driver;
    private final Clock clock = Clock.systemUTC();

    InfluenceTieGraph(Driver driver) {
        this.driver = driver;
    }

    /** The graph as it is now, stamped with {@code version}. */
    InfluenceGraph load(GraphVersion version) {
        long started = System.nanoTime();
        Read read = inRead(tx -> {
            Read rows = new Read();
            tx.run(GRAPH).forEachRemaining(rows::add);
            // Plans the statement a refresh reads with (a contact that is not there): the first refresh after a whole
            // read would otherwise plan it while the seeds request waits (0.25 s at 100k / 1M).
            tx.run(TIES_OF, Map.of("ids", List.of(UUID.randomUUID().toString()))).consume();
            return rows;
        });
        StoredTies stored = read.stored();
        long millis = (System.nanoTime() - started) / 1_000_000;
        InfluenceGraph graph = stored.graph(version, clock.instant(), millis, InfluenceGraph.Read.FULL, 0);
        LOG.infof("Influence graph read at position %d: %d contacts, %d ties, %d arcs in %d ms",
                version.appliedPosition(), graph.n, graph.ties, graph.arcs(), millis);
        return graph;
    }

    /**
     * {@code before} as the graph is now, stamped with {@code version}: the contacts in {@code changed} read again
     * (their ties out, or that they are gone), those in {@code erased} left out with every tie that ends at them, and
     * every other contact keeping its ties. {@code changed} must name every contact whose ties out changed since
     * {@code before} was read, and every contact that came or went but by erasure. Empty when more than
     * {@code limit} contacts would be read, or when the store then holds another number of contacts than the graph
     * (a change not named): the graph must be read whole.
     */
    Optional<InfluenceGraph> refresh(InfluenceGraph before, GraphVersion version, Set<UUID> changed,
                                     Set<UUID> erased, int limit) {
        long started = System.nanoTime();
        StoredTies held = before.stored;
        List<String> names = changed.stream().filter(id -> !erased.contains(id)).map(UUID::toString).toList();
        if (names.size() > limit) {
            return Optional.empty();
        }
        Reread read = inRead(tx -> {
            Map<UUID, StoredTies.Out> ties = new HashMap<>();
            tx.run(TIES_OF, Map.of("ids", names)).forEachRemaining(r ->
                    ties.put(UUID.fromString(r.get("id").asString()), out(r)));
            return new Reread(ties, tx.run(CONTACT_COUNT).single().get("contacts").asLong());
        });
        Set<UUID> gone = new HashSet<>(erased);
        for (String name : names) {
            UUID id = UUID.fromString(name);
            if (!read.ties().containsKey(id)) {
                gone.add(id);
            }
        }
        UUID[] contacts = held.contacts(read.ties().keySet(), gone);
        if (contacts.length + held.strangers != read.contacts()) {
            LOG.infof("Influence graph read whole: the store holds %d contacts where changes since position %d "
                            + "account for %d", read.contacts(), before.version.appliedPosition(),
                    contacts.length + held.strangers);
            return Optional.empty();
        }
        long tiesRead = System.nanoTime();
        if (read.ties().isEmpty() && gone.stream().noneMatch(id -> held.number(id) >= 0)) {
            // Nothing it holds changed (a group's write moves the version too): the same arrays, stamped anew.
            return Optional.of(new InfluenceGraph(before, version, (tiesRead - started) / 1_000_000));
        }
        StoredTies stored = held.with(contacts, read.ties());
        InfluenceGraph graph = stored.graph(version, before.loadedAt, (System.nanoTime() - started) / 1_000_000,
                InfluenceGraph.Read.CHANGES, read.ties().size());
        LOG.infof("Influence graph brought from position %d to %d: %d contacts read again (%d ms), %d left out; "
                        + "%d contacts, %d ties (%d ms)", before.version.appliedPosition(), version.appliedPosition(),
                names.size(), (tiesRead - started) / 1_000_000, gone.size(), graph.n, graph.ties,
                (System.nanoTime() - tiesRead) / 1_000_000);
        return Optional.of(graph);
    }

    /** The changed contacts' ties as read (a contact gone has no entry), and how many contacts the store holds. */
    private record Reread(Map<UUID, StoredTies.Out> ties, long contacts) {
    }

    /** A contact's ties as {@link #TIES_OF} returns them. */
    private static StoredTies.Out out(Record r) {
        List<Value> ends = r.get("ends").asList(v -> v);
        List<String> types = r.get("types").asList(v -> v.isNull() ? null : v.asString());
        List<Double> strengths = r.get("strengths").asList(Value::asDouble);
        UUID[] far = new UUID[ends.size()];
        byte[] flows = new byte[ends.size()];
        float[] s = new float[ends.size()];
        for (int i = 0; i < far.length; i++) {
            far[i] = Ids.orNull(ends.get(i).isNull() ? null : ends.get(i).asString());
            flows[i] = (byte) InfluenceModel.flow(types.get(i)).ordinal();
            s[i] = strength(strengths.get(i));
        }
        return new StoredTies.Out(far, flows, s);
    }

    /** A stored strength as the model takes it: 0 where it is missing, negative or not finite. */
    private static float strength(double stored) {
        float s = (float) stored;
        return !(s >= 0) || Float.isInfinite(s) ? 0 : s;
    }

    private <T> T inRead(org.neo4j.driver.TransactionCallback<T> work) {
        try (Session session = driver.session()) {
            return session.executeRead(work);
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
        private int strangers;

        void add(Record r) {
            UUID id = Ids.orNull(r.get("id").isNull() ? null : r.get("id").asString());
            if (id == null) {
                strangers++; // not a contact this service wrote: no ties from it either
                return;
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
                tieFrom[ties] = row;
                tieTo[ties] = ends.get(i);
                tieFlow[ties] = (byte) InfluenceModel.flow(types.get(i)).ordinal();
                tieStrength[ties] = strength(strengths.get(i));
                ties++;
            }
        }

        /**
         * Numbers the contacts in id order and keeps each tie by the number of the contact it leaves (rows are read
         * a contact at a time, so a contact's ties are together); ties to a node that is not a contact read, and ties
         * from a contact to itself, are left out.
         */
        StoredTies stored() {
            int n = ids.size();
            Integer[] byId = new Integer[n];
            for (int i = 0; i < n; i++) {
                byId[i] = i;
            }
            Arrays.sort(byId, (x, y) -> ids.get(x).compareTo(ids.get(y)));
            long[] msb = new long[n];
            long[] lsb = new long[n];
            int[] numberOfRow = new int[n];
            for (int number = 0; number < n; number++) {
                UUID id = ids.get(byId[number]);
                msb[number] = id.getMostSignificantBits();
                lsb[number] = id.getLeastSignificantBits();
                numberOfRow[byId[number]] = number;
            }
            NodeIndex index = new NodeIndex(nodes, numberOfRow, n);
            int[] start = new int[n + 1];
            int[] far = new int[ties];
            for (int i = 0; i < ties; i++) {
                int a = numberOfRow[tieFrom[i]];
                int b = index.get(tieTo[i]);
                far[i] = b >= 0 && a != b ? b : -1;
                if (far[i] >= 0) {
                    start[a + 1]++;
                }
            }
            for (int i = 0; i < n; i++) {
                start[i + 1] += start[i];
            }
            int kept = start[n];
            int[] fill = Arrays.copyOf(start, n);
            int[] to = new int[kept];
            byte[] flow = new byte[kept];
            float[] strength = new float[kept];
            for (int i = 0; i < ties; i++) {
                if (far[i] >= 0) {
                    int at = fill[numberOfRow[tieFrom[i]]]++;
                    to[at] = far[i];
                    flow[at] = tieFlow[i];
                    strength[at] = tieStrength[i];
                }
            }
            return new StoredTies(msb, lsb, start, to, flow, strength, strangers);
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
}
