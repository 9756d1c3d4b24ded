package health.circles.outreach;

import health.circles.failure.RuleRefused;
import health.circles.network.ActiveTie;
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
 * The graph question behind an experiment's spillover: how many active ties separate each contact near an arm's seeds
 * from the nearest of them, up to a few hops, by a breadth-first walk from all the seeds at once (ties walked both
 * ways, as for segments and circles), bounded in size.
 */
@ApplicationScoped
public class ExperimentGraph {

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

    ExperimentGraph(Driver driver, GraphReads reads, SegmentConfig config) {
        this.driver = driver;
        this.reads = reads;
        this.config = config;
    }

    /**
     * The distance (1 to {@code hops}) of every contact within {@code hops} active ties of some source, the sources
     * themselves left out; 422 when more than the segments' neighbourhood bound lie that close.
     */
    public Map<UUID, Integer> distances(Set<UUID> sources, int hops) {
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
                                "More than " + max + " contacts lie within " + hops + " ties of an arm's seeds");
                    }
                    current = next;
                }
                return found;
            });
        }
    }
}
