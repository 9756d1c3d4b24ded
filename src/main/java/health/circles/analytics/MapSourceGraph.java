package health.circles.analytics;

import health.circles.network.ActiveTie;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

/** Reads the pieces of the graph that maps draw, from Neo4j (active ties only, read transactions). */
@ApplicationScoped
public class MapSourceGraph {

    private final Driver driver;

    MapSourceGraph(Driver driver) {
        this.driver = driver;
    }

    /**
     * Contacts by id, with the communities (coarsest first) and PageRank the last run wrote to them; {@code rings}
     * (may be null) gives each contact's distance from the centre of a neighbourhood.
     */
    List<MapGraph.Node> nodes(List<String> ids, Map<String, Integer> rings) {
        try (Session session = driver.session()) {
            return session.executeRead(tx -> tx.run("""
                    UNWIND $ids AS id
                    MATCH (c:Contact {id: id})
                    RETURN c.id AS id, c.displayName AS label, c.kind AS kind, c.community AS community,
                           c.communityLevels AS levels, c.pagerank AS influence""", Map.of("ids", ids))
                    .list(r -> new MapGraph.Node(
                    r.get("id").asString(), r.get("label").asString(null), r.get("kind").asString(null),
                    r.get("community").isNull() ? null : r.get("community").asLong(),
                    r.get("levels").isNull() ? null : r.get("levels").asList(v -> v.asLong()),
                    r.get("influence").isNull() ? null : r.get("influence").asDouble(),
                    rings == null ? null : rings.get(r.get("id").asString()))));
        }
    }

    /** Active ties that pass the filter with both ends among {@code ids}, at most {@code limit}. */
    List<MapGraph.Edge> edgesAmong(List<String> ids, TieFilter filter, int limit) {
        Map<String, Object> params = new HashMap<>();
        params.put("ids", ids);
        params.put("limit", limit);
        params.put("types", filter.types());
        params.put("minStrength", filter.minStrength());
        try (Session session = driver.session()) {
            return session.executeRead(tx -> tx.run("""
                    UNWIND $ids AS id
                    MATCH (a:Contact {id: id})-[t:TIE]->(b:Contact)
                    WHERE %s AND b.id IN $ids
                      AND ($types IS NULL OR t.type IN $types) AND coalesce(t.strength, 0) >= $minStrength
                    RETURN t.id AS id, a.id AS source, b.id AS target, t.type AS type, t.strength AS strength,
                           coalesce(t.symmetric, false) AS symmetric
                    ORDER BY id LIMIT $limit""".formatted(ActiveTie.ACTIVE_TODAY_CYPHER), params).list(r -> new MapGraph.Edge(
                    r.get("id").asString(), r.get("source").asString(), r.get("target").asString(),
                    r.get("type").asString(null), r.get("strength").asDouble(0), !r.get("symmetric").asBoolean())));
        }
    }

    /** Active ties (passing the filter) from a member to contacts of other communities of the level, summed. */
    record Crossing(String member, long community, long ties, double strength) {
    }

    /**
     * Per member among {@code ids} and other community at {@code level} (the community ids the last run wrote to the
     * graph), the active ties between them that pass the filter and their summed strength.
     */
    List<Crossing> crossings(List<String> ids, int level, long community, TieFilter filter) {
        Map<String, Object> params = new HashMap<>();
        params.put("ids", ids);
        params.put("level", level);
        params.put("community", community);
        params.put("types", filter.types());
        params.put("minStrength", filter.minStrength());
        try (Session session = driver.session()) {
            return session.executeRead(tx -> tx.run("""
                    UNWIND $ids AS id
                    MATCH (a:Contact {id: id})-[t:TIE]-(b:Contact)
                    WHERE %s AND b.communityLevels IS NOT NULL AND size(b.communityLevels) > $level
                      AND b.communityLevels[$level] <> $community
                      AND ($types IS NULL OR t.type IN $types) AND coalesce(t.strength, 0) >= $minStrength
                    RETURN a.id AS member, b.communityLevels[$level] AS other, count(t) AS ties,
                           sum(coalesce(t.strength, 0)) AS strength
                    ORDER BY member, other""".formatted(ActiveTie.ACTIVE_TODAY_CYPHER), params)
                    .list(r -> new Crossing(r.get("member").asString(), r.get("other").asLong(),
                            r.get("ties").asLong(), r.get("strength").asDouble())));
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
     * Contacts within {@code depth} active ties (those passing the filter) of {@code start}, ring by ring, strongest
     * ties first, at most {@code limit} of them, with the ring each was reached in; says whether some were left out.
     */
    Neighbourhood neighbourhood(String start, int depth, TieFilter filter, int limit) {
        Set<String> seen = new LinkedHashSet<>(List.of(start));
        Map<String, Integer> rings = new HashMap<>(Map.of(start, 0));
        List<String> frontier = List.of(start);
        boolean truncated = false;
        try (Session session = driver.session()) {
            for (int ring = 1; ring <= depth && !frontier.isEmpty() && !truncated; ring++) {
                int room = limit - seen.size();
                Map<String, Object> params = new HashMap<>();
                params.put("frontier", frontier);
                params.put("seen", new ArrayList<>(seen));
                params.put("room", room + 1);
                params.put("types", filter.types());
                params.put("minStrength", filter.minStrength());
                List<String> next = session.executeRead(tx -> tx.run("""
                        UNWIND $frontier AS id
                        MATCH (a:Contact {id: id})-[t:TIE]-(b:Contact)
                        WHERE %s AND NOT b.id IN $seen
                          AND ($types IS NULL OR t.type IN $types) AND coalesce(t.strength, 0) >= $minStrength
                        WITH b.id AS id, max(t.strength) AS strength
                        RETURN id ORDER BY strength DESC, id LIMIT $room""".formatted(ActiveTie.ACTIVE_TODAY_CYPHER), params)
                        .list(r -> r.get("id").asString()));
                if (next.size() > room) {
                    truncated = true;
                    next = next.subList(0, room);
                }
                seen.addAll(next);
                for (String id : next) {
                    rings.put(id, ring);
                }
                frontier = next;
            }
        }
        return new Neighbourhood(new ArrayList<>(seen), rings, truncated);
    }

    /** The contacts of a neighbourhood, the start first, and the ring of each (the start's is 0). */
    record Neighbourhood(List<String> ids, Map<String, Integer> rings, boolean truncated) {
    }
}
