package health.circles.outreach;

import health.circles.network.ActiveTie;

import health.circles.failure.RuleRefused;
import health.circles.network.GraphReads;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;

/**
 * The graph question behind "tie to a contact within k hops": the contacts a breadth-first walk over active ties
 * reaches from a contact in at most k steps, asked of Neo4j one ring at a time and bounded in size. Ties are walked
 * both ways, as for circles: who treats whom does not decide who can pass a word on.
 */
@ApplicationScoped
public class SegmentGraph {

    /**
     * The contacts one active tie beyond the frontier. Those already seen are dropped here rather than in Cypher: a
     * list membership test per row would make a wide ring cost rows × seen.
     */
    private static final String RING = """
            UNWIND $frontier AS f
            MATCH (:Contact {id: f})-[t:TIE]-(b:Contact)
            WHERE %s
            RETURN DISTINCT b.id AS id
            LIMIT $cap
            """.formatted(ActiveTie.ACTIVE_CYPHER);

    private final Driver driver;
    private final GraphReads reads;
    private final SegmentConfig config;

    SegmentGraph(Driver driver, GraphReads reads, SegmentConfig config) {
        this.driver = driver;
        this.reads = reads;
        this.config = config;
    }

    /** The contacts within {@code hops} active ties of {@code centre}, itself excluded; 422 beyond the configured bound. */
    public Set<UUID> within(UUID centre, int hops) {
        return distances(Set.of(centre), hops, hops + " hops of " + centre + "; use fewer hops or other criteria")
                .keySet();
    }

    /**
     * The distance (1 to {@code hops}) of every contact within {@code hops} active ties of some source, the sources
     * themselves left out, by one walk from all of them at once; 422 when more than the configured bound lie that
     * close ({@code around} ends the refusal's sentence "More than N contacts lie within …").
     */
    public Map<UUID, Integer> distances(Set<UUID> sources, int hops, String around) {
        Map<UUID, Integer> found = new HashMap<>();
        if (sources.isEmpty()) {
            return found;
        }
        reads.await(null); // read-your-writes: ties committed before the question count
        int max = config.maxNeighbourhood();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        try (var session = driver.session()) {
            return session.executeRead(tx -> {
                Set<String> seen = new HashSet<>();
                List<String> frontier = new ArrayList<>();
                sources.stream().map(UUID::toString).sorted().forEach(id -> {
                    seen.add(id);
                    frontier.add(id);
                });
                List<String> current = frontier;
                for (int ring = 1; ring <= hops && !current.isEmpty(); ring++) {
                    // At most |seen| of the rows are known already, so this limit still shows whether the bound is passed.
                    List<Record> rows = tx.run(RING, Map.of("frontier", current, "today", today,
                            "cap", max - found.size() + 1 + seen.size())).list();
                    List<String> next = new ArrayList<>(rows.size());
                    for (Record r : rows) {
                        String id = r.get("id").asString();
                        if (seen.add(id)) {
                            next.add(id);
                            found.put(UUID.fromString(id), ring);
                        }
                    }
                    if (found.size() > max) {
                        throw new RuleRefused("neighbourhood-too-large", "Neighbourhood too large",
                                "More than " + max + " contacts lie within " + around);
                    }
                    current = next;
                }
                return found;
            });
        }
    }
}
