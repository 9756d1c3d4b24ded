package health.circles.analytics;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

/** Reads the pieces of the graph that maps draw, from Neo4j (active ties only, read transactions). */
@ApplicationScoped
public class GraphMaps {

    private final Driver driver;

    GraphMaps(Driver driver) {
        this.driver = driver;
    }

    /** Contacts by id, with the community and PageRank the last run wrote to them. */
    List<MapGraph.Node> nodes(List<String> ids) {
        try (Session session = driver.session()) {
            return session.executeRead(tx -> tx.run("""
                    UNWIND $ids AS id
                    MATCH (c:Contact {id: id})
                    RETURN c.id AS id, c.displayName AS label, c.kind AS kind, c.community AS community,
                           c.pagerank AS influence""", Map.of("ids", ids)).list(r -> new MapGraph.Node(
                    r.get("id").asString(), r.get("label").asString(null), r.get("kind").asString(null),
                    r.get("community").isNull() ? null : r.get("community").asLong(),
                    r.get("influence").isNull() ? null : r.get("influence").asDouble())));
        }
    }

    /** Active ties with both ends among {@code ids}, at most {@code limit}. */
    List<MapGraph.Edge> edgesAmong(List<String> ids, int limit) {
        try (Session session = driver.session()) {
            return session.executeRead(tx -> tx.run("""
                    UNWIND $ids AS id
                    MATCH (a:Contact {id: id})-[t:TIE]->(b:Contact)
                    WHERE (t.until IS NULL OR t.until > date()) AND b.id IN $ids
                    RETURN t.id AS id, a.id AS source, b.id AS target, t.type AS type, t.strength AS strength,
                           coalesce(t.symmetric, false) AS symmetric
                    ORDER BY id LIMIT $limit""", Map.of("ids", ids, "limit", limit)).list(r -> new MapGraph.Edge(
                    r.get("id").asString(), r.get("source").asString(), r.get("target").asString(),
                    r.get("type").asString(null), r.get("strength").asDouble(0), !r.get("symmetric").asBoolean())));
        }
    }

    /** Whether the contact is in the graph. */
    boolean exists(String id) {
        try (Session session = driver.session()) {
            return session.executeRead(tx -> tx.run("MATCH (c:Contact {id: $id}) RETURN count(c) AS n",
                    Map.of("id", id)).single().get("n").asLong() > 0);
        }
    }

    /**
     * Contacts within {@code depth} active ties of {@code start}, ring by ring, strongest ties first, at most
     * {@code limit} of them; the second value says whether some were left out.
     */
    Neighbourhood neighbourhood(String start, int depth, int limit) {
        Set<String> seen = new LinkedHashSet<>(List.of(start));
        List<String> frontier = List.of(start);
        boolean truncated = false;
        try (Session session = driver.session()) {
            for (int ring = 1; ring <= depth && !frontier.isEmpty() && !truncated; ring++) {
                int room = limit - seen.size();
                List<String> seenList = new ArrayList<>(seen);
                List<String> current = frontier;
                List<String> next = session.executeRead(tx -> tx.run("""
                        UNWIND $frontier AS id
                        MATCH (a:Contact {id: id})-[t:TIE]-(b:Contact)
                        WHERE (t.until IS NULL OR t.until > date()) AND NOT b.id IN $seen
                        WITH b.id AS id, max(t.strength) AS strength
                        RETURN id ORDER BY strength DESC, id LIMIT $room""",
                        Map.of("frontier", current, "seen", seenList, "room", room + 1))
                        .list(r -> r.get("id").asString()));
                if (next.size() > room) {
                    truncated = true;
                    next = next.subList(0, room);
                }
                seen.addAll(next);
                frontier = next;
            }
        }
        return new Neighbourhood(new ArrayList<>(seen), truncated);
    }

    /** The contacts of a neighbourhood, the start first. */
    record Neighbourhood(List<String> ids, boolean truncated) {
    }
}
