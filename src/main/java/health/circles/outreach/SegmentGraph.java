package health.circles.outreach;

import health.circles.network.GraphReads;
import health.circles.web.ApiProblem;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
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

    /** One ring: the contacts one active tie beyond the frontier that no nearer ring holds. */
    private static final String RING = """
            UNWIND $frontier AS f
            MATCH (:Contact {id: f})-[t:TIE]-(b:Contact)
            WHERE (t.until IS NULL OR t.until > $today) AND NOT b.id IN $seen
            RETURN DISTINCT b.id AS id
            LIMIT $cap
            """;

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
        reads.await(null); // read-your-writes: ties committed before the question count
        int max = config.maxNeighbourhood();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        try (var session = driver.session()) {
            return session.executeRead(tx -> {
                Set<String> seen = new LinkedHashSet<>(List.of(centre.toString()));
                List<String> frontier = List.of(centre.toString());
                Set<UUID> found = new HashSet<>();
                for (int ring = 1; ring <= hops && !frontier.isEmpty(); ring++) {
                    List<Record> rows = tx.run(RING, java.util.Map.of("frontier", frontier, "seen", List.copyOf(seen),
                            "today", today, "cap", max - found.size() + 1)).list();
                    if (found.size() + rows.size() > max) {
                        throw new ApiProblem(422, "neighbourhood-too-large", "Neighbourhood too large",
                                "More than " + max + " contacts lie within " + hops + " hops of " + centre
                                        + "; use fewer hops or other criteria");
                    }
                    List<String> next = new ArrayList<>(rows.size());
                    for (Record r : rows) {
                        String id = r.get("id").asString();
                        seen.add(id);
                        next.add(id);
                        found.add(UUID.fromString(id));
                    }
                    frontier = next;
                }
                return found;
            });
        }
    }
}
