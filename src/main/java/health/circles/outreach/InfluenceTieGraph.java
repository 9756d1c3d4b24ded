package health.circles.outreach;

import health.circles.network.ActiveTie;

import health.circles.failure.Unavailable;
import health.circles.sync.GraphVersion;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /** Every contact's id. */
    private static final String CONTACTS = "MATCH (c:Contact) RETURN c.id AS id";

    /** Active ties as the analytics projection selects them: no until, or one after today. */
    private static final String TIES = """
            MATCH (a:Contact)-[t:TIE]->(b:Contact)
            WHERE %s
            RETURN a.id AS a, b.id AS b, t.type AS type, coalesce(toFloat(t.strength), 0.0) AS strength"""
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
            List<UUID> ids = new ArrayList<>();
            session.run(CONTACTS).forEachRemaining(r -> {
                UUID id = uuid(r.get("id").isNull() ? null : r.get("id").asString());
                if (id != null) {
                    ids.add(id);
                }
            });
            UUID[] sorted = ids.toArray(new UUID[0]);
            Arrays.sort(sorted);
            Map<String, Integer> index = new HashMap<>(sorted.length * 2);
            for (int i = 0; i < sorted.length; i++) {
                index.put(sorted[i].toString(), i);
            }
            Arcs arcs = new Arcs(sorted.length);
            session.run(TIES).forEachRemaining(r -> arcs.add(r, index));
            index.clear();
            long millis = (System.nanoTime() - started) / 1_000_000;
            InfluenceGraph graph = new InfluenceGraph(sorted, arcs.from, arcs.to, arcs.strength, arcs.size,
                    arcs.degree, arcs.ties, version, clock.instant(), millis);
            LOG.infof("Influence graph read at position %d: %d contacts, %d ties, %d arcs in %d ms",
                    version.appliedPosition(), graph.n, graph.ties, graph.arcs(),
                    (System.nanoTime() - started) / 1_000_000);
            return graph;
        } catch (Neo4jException e) {
            LOG.warnf("Influence graph not readable: %s", e.getMessage());
            throw new Unavailable("graph-unavailable", "Graph unavailable",
                    "The relationship graph cannot be read just now; seeds need it. Retry shortly", null);
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

        void add(Record r, Map<String, Integer> index) {
            Integer a = index.get(r.get("a").asString(""));
            Integer b = index.get(r.get("b").asString(""));
            if (a == null || b == null || a.equals(b)) {
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
