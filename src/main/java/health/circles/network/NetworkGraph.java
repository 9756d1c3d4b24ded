package health.circles.network;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.Value;

/**
 * The graph store's questions about the network, answered in Neo4j read transactions. Only active ties count
 * ({@link ActiveTie#ACTIVE_CYPHER}: no {@code until}, or one after today); every tie is walked both ways, a directed
 * one too, because reachability and introductions do not depend on who treats whom. A path's strength is the product
 * of its ties' strengths, on the same 0..1 scale (1 for a path of ties at full strength, falling with each hop and
 * each weak tie).
 */
@ApplicationScoped
public class NetworkGraph {

    /**
     * One ring: the contacts one hop beyond the frontier that no nearer ring holds, each with the strongest path
     * through the frontier (the frontier carries each member's own best strength), the contact it came through, and
     * the types of the ties that join it to the frontier. The frontier and the contacts already seen are named by
     * element id, which Neo4j reads from the node's record: a contact's {@code id} property sits in a chain of
     * properties (the analytics write-back adds to it), and reading it for every candidate of a ring, only to drop
     * most of them, was a large part of a call. Equal strengths are ordered by the way's id and the tie's type, so the
     * way and the order of the types are the same on every call (and as {@link TieAdjacency} finds them in memory).
     */
    private static final String RING = """
            UNWIND $frontier AS f
            MATCH (a:Contact) WHERE elementId(a) = f.node
            MATCH (a)-[t:TIE]-(b:Contact)
            WHERE %s
              AND t.strength >= $minStrength
              AND ($types IS NULL OR t.type IN $types)
              AND NOT elementId(b) IN $seen
            WITH b, t, f, f.s * t.strength AS s
            ORDER BY s DESC, f.id, t.type
            WITH b, collect(s)[0] AS s, collect(f.id)[0] AS via, collect(DISTINCT t.type) AS types
            ORDER BY s DESC, b.id
            LIMIT $cap
            RETURN elementId(b) AS node, b.id AS id, b.kind AS kind, b.displayName AS displayName, s, via, types
            """.formatted(ActiveTie.ACTIVE_CYPHER);

    /** The centre's element id, or none when the graph does not hold the contact (yet). */
    private static final String CENTRE = "MATCH (c:Contact {id: $id}) RETURN elementId(c) AS node";

    /**
     * Candidate introduction paths, shortest first ({@code SHORTEST k} searches from both ends), then ranked by
     * strength. The hop bound and k are literals because Cypher takes no parameters in path quantifiers; they come
     * from validated integers, never from request text. Formatted with the active-tie condition, k and the hop bound.
     */
    private static final String PATHS = """
            MATCH (a:Contact {id: $from}), (b:Contact {id: $to})
            MATCH p = SHORTEST %2$d (a)-[t:TIE WHERE %1$s]-{1,%3$d}(b)
            WITH p, reduce(s = 1.0, r IN relationships(p) | s * r.strength) AS strength
            WHERE size(nodes(p)) = size(reduce(seen = [], n IN nodes(p) | CASE WHEN n IN seen THEN seen ELSE seen + n END))
            RETURN [n IN nodes(p) | {id: n.id, kind: n.kind, displayName: n.displayName}] AS contacts,
                   [r IN relationships(p) | {id: r.id, type: r.type, strength: r.strength, from: startNode(r).id,
                                             symmetric: r.symmetric}] AS ties,
                   strength
            ORDER BY strength DESC, size(ties) ASC
            LIMIT $limit
            """;

    /** Every contact, for the copy in memory ({@link CirclesMemory}). */
    private static final String ALL_CONTACTS = "MATCH (c:Contact) RETURN c.id AS id, c.kind AS kind, c.displayName AS name";

    /** Every tie, ended ones too: a walk of the copy decides by its question's day. */
    private static final String ALL_TIES = """
            MATCH (a:Contact)-[t:TIE]->(b:Contact)
            RETURN a.id AS a, b.id AS b, t.type AS type, t.strength AS strength, t.until AS until""";

    /** The contacts named, as {@link #ALL_CONTACTS} reads them: those gone are not found. */
    private static final String CONTACTS_OF = """
            UNWIND $ids AS id
            MATCH (c:Contact {id: id})
            RETURN c.id AS id, c.kind AS kind, c.displayName AS name""";

    /** Every tie at the contacts named, either way round, ended ones too, by its other end. */
    private static final String TIES_AT = """
            UNWIND $ids AS id
            MATCH (a:Contact {id: id})-[t:TIE]-(b:Contact)
            RETURN a.id AS a, b.id AS b, t.type AS type, t.strength AS strength, t.until AS until""";

    /** How many contact nodes the store holds: from its counts, without reading them. */
    private static final String CONTACT_COUNT = "MATCH (c:Contact) RETURN count(c) AS contacts";

    public static final int MAX_HOPS = 6;

    private final Driver driver;
    private final NetworkConfig config;
    private final Map<Integer, String> pathQueries = new HashMap<>();

    NetworkGraph(Driver driver, NetworkConfig config) {
        this.driver = driver;
        this.config = config;
        for (int hops = 1; hops <= MAX_HOPS; hops++) {
            pathQueries.put(hops, PATHS.formatted(ActiveTie.ACTIVE_CYPHER, config.paths().candidates(), hops));
        }
    }

    /** A member of a contact's circles. */
    public record Member(UUID id, String kind, String displayName, int ring, double strength, UUID via,
                         List<String> tieTypes) {
    }

    /** The members found, in ring order and by strength within a ring, and why the search stopped short, if it did. */
    public record Found(List<Member> members, boolean truncated, String note) {
    }

    /**
     * The circles of {@code centre} up to {@code depth} rings: tie types and minimum strength limit which ties are
     * walked; kinds only which members are listed. Stops at {@code limit} listed members, and expands no further
     * than a ring of the configured maximum size.
     */
    public Found circles(String centre, int depth, List<String> kinds, List<String> types, double minStrength,
                         int limit, LocalDate today) {
        return circles(centre, depth, kinds, types, minStrength, limit, today, config.circles().maxRingSize());
    }

    /** {@link #circles(String, int, List, List, double, int, LocalDate)} with a ring size of {@code maxRing}. */
    Found circles(String centre, int depth, List<String> kinds, List<String> types, double minStrength, int limit,
                  LocalDate today, int maxRing) {
        try (var session = driver.session()) {
            return session.executeRead(tx -> {
                List<Member> members = new ArrayList<>();
                List<Record> centreNode = tx.run(CENTRE, Map.of("id", centre)).list();
                if (centreNode.isEmpty()) {
                    return new Found(members, false, null);
                }
                String centreElement = centreNode.get(0).get("node").asString();
                List<String> seen = new ArrayList<>(List.of(centreElement));
                List<Map<String, Object>> frontier = List.of(Map.of("node", centreElement, "id", centre, "s", 1.0));
                for (int ring = 1; ring <= depth && !frontier.isEmpty(); ring++) {
                    // The last ring is not expanded: without a kind filter it need not be fetched beyond the limit.
                    int cap = ring == depth && kinds == null ? Math.min(maxRing + 1, limit - members.size() + 1) : maxRing + 1;
                    List<Record> found = ring(tx, frontier, seen, types, minStrength, cap, today);
                    boolean ringCut = found.size() > maxRing;
                    List<Map<String, Object>> next = new ArrayList<>();
                    for (Record r : found.subList(0, Math.min(found.size(), maxRing))) {
                        String id = r.get("id").asString();
                        String node = r.get("node").asString();
                        double s = r.get("s").asDouble();
                        seen.add(node);
                        next.add(Map.of("node", node, "id", id, "s", s));
                        String kind = r.get("kind").asString(null);
                        if (kinds == null || kinds.contains(kind)) {
                            if (members.size() == limit) {
                                return new Found(members, true, limitNote(limit, depth, config.circles().maxLimit()));
                            }
                            members.add(new Member(UUID.fromString(id), kind, r.get("displayName").asString(null), ring,
                                    s, UUID.fromString(r.get("via").asString()), r.get("types").asList(Value::asString)));
                        }
                    }
                    if (ringCut) {
                        return new Found(members, true, ringNote(ring, maxRing));
                    }
                    frontier = next;
                }
                return new Found(members, false, null);
            });
        }
    }

    /**
     * Every contact and tie of the graph store, into {@code builder}: contacts first, so that every tie finds its ends.
     * Two auto-commit reads, not one transaction: a tie whose end came in between is left out, and the copy is stamped
     * with a version read before either, so what it misses is after its stamp.
     */
    void readAll(TieAdjacency.Builder builder) {
        try (var session = driver.session()) {
            session.run(ALL_CONTACTS).forEachRemaining(r -> builder.contact(text(r.get("id")), text(r.get("kind")),
                    text(r.get("name"))));
            session.run(ALL_TIES).forEachRemaining(r -> {
                Object until = r.get("until").asObject();
                Object strength = r.get("strength").asObject();
                builder.tie(text(r.get("a")), text(r.get("b")), text(r.get("type")),
                        strength instanceof Number number ? number.doubleValue() : null,
                        until instanceof LocalDate date ? date : null, until != null && !(until instanceof LocalDate));
            });
        }
    }

    /** The contacts named as they now are, with every tie at them, and how many contact nodes the store holds. */
    record Reread(Map<String, TieAdjacency.Reread> contacts, long count) {
    }

    /** Reads the contacts named and their ties again, in one transaction, for a copy brought up to date. */
    Reread readContacts(List<String> ids) {
        try (var session = driver.session()) {
            return session.executeRead(tx -> {
                Map<String, List<TieAdjacency.TieRead>> ties = new HashMap<>();
                tx.run(TIES_AT, Map.of("ids", ids)).forEachRemaining(r -> {
                    Object until = r.get("until").asObject();
                    Object strength = r.get("strength").asObject();
                    ties.computeIfAbsent(text(r.get("a")), k -> new ArrayList<>()).add(new TieAdjacency.TieRead(
                            text(r.get("b")), text(r.get("type")),
                            strength instanceof Number number ? number.doubleValue() : null,
                            until instanceof LocalDate date ? date : null,
                            until != null && !(until instanceof LocalDate)));
                });
                Map<String, TieAdjacency.Reread> contacts = new HashMap<>();
                tx.run(CONTACTS_OF, Map.of("ids", ids)).forEachRemaining(r -> {
                    String id = text(r.get("id"));
                    contacts.put(id, new TieAdjacency.Reread(text(r.get("kind")), text(r.get("name")),
                            ties.getOrDefault(id, List.of())));
                });
                return new Reread(contacts, tx.run(CONTACT_COUNT).single().get("contacts").asLong());
            });
        }
    }

    /** A string property; anything else (never written by the relay) as none. */
    private static String text(Value v) {
        return v.asObject() instanceof String text ? text : null;
    }

    /** Why a search stopped at {@code limit} listed members. */
    static String limitNote(int limit, int depth, int maxLimit) {
        return "More than " + limit + " contacts within " + depth + " rings; the " + limit + " nearest and strongest "
                + "are listed (raise limit, up to " + maxLimit + ", or narrow with kind, tieType or minStrength)";
    }

    /** Why a search went no deeper than {@code ring}. */
    static String ringNote(int ring, int maxRing) {
        return "Ring " + ring + " holds more than " + maxRing + " contacts; its strongest " + maxRing
                + " were kept and the search went no deeper";
    }

    private List<Record> ring(TransactionContext tx, List<Map<String, Object>> frontier, List<String> seen,
                              List<String> types, double minStrength, int cap, LocalDate today) {
        Map<String, Object> params = new HashMap<>();
        params.put("frontier", frontier);
        params.put("seen", seen);
        params.put("types", types);
        params.put("minStrength", minStrength);
        params.put("cap", cap);
        params.put("today", today);
        return tx.run(RING, params).list();
    }

    /** One hop of a path: the tie and the contacts it joins, in the path's direction. */
    public record Hop(Map<String, Object> from, Map<String, Object> to, Map<String, Object> tie, boolean forward) {
    }

    /** A path between two contacts, with its strength. */
    public record FoundPath(List<Hop> hops, double strength) {
    }

    /** The strongest paths of at most {@code maxHops} active ties between two contacts. */
    public List<FoundPath> paths(String from, String to, int maxHops, int limit, LocalDate today) {
        Map<String, Object> params = Map.of("from", from, "to", to, "today", today, "limit", limit);
        try (var session = driver.session()) {
            return session.executeRead(tx -> tx.run(pathQueries.get(maxHops), params).list(r -> {
                List<Map<String, Object>> contacts = r.get("contacts").asList(Value::asMap);
                List<Map<String, Object>> ties = r.get("ties").asList(Value::asMap);
                List<Hop> hops = new ArrayList<>();
                for (int i = 0; i < ties.size(); i++) {
                    Map<String, Object> tie = ties.get(i);
                    hops.add(new Hop(contacts.get(i), contacts.get(i + 1), tie,
                            contacts.get(i).get("id").equals(tie.get("from"))));
                }
                return new FoundPath(hops, r.get("strength").asDouble());
            }));
        }
    }
}
