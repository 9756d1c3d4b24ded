package health.circles.network;

import health.circles.contact.ContactNodes;
import health.circles.sync.ElementGraph;
import health.circles.sync.GraphProjection;
import health.circles.sync.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.neo4j.driver.TransactionContext;

/**
 * The graph store of ties: (:Contact)-[:TIE {id, type, strength, since, until, untilDay, symmetric, v}]->(:Contact)
 * ({@link ActiveTie#UNTIL_DAY}: until as a number, for projections). Symmetric ties are stored once, in the
 * direction they were created; queries and projections read them undirected.
 */
@ApplicationScoped
public class TieGraph implements GraphProjection {

    private final ContactNodes nodes;

    TieGraph(ContactNodes nodes) {
        this.nodes = nodes;
    }

    public static final String UPSERTED = "tie.upserted";
    public static final String DELETED = "tie.deleted";

    /** Sets the written tie {@code variable}'s {@link ActiveTie#UNTIL_DAY} from its row's until. */
    private static String untilDay(String variable) {
        return "%s.%s = %s".formatted(variable, ActiveTie.UNTIL_DAY,
                ActiveTie.EPOCH_DAY_CYPHER.formatted("date(row.until)"));
    }

    // An upsert looks each tie up by id through the relationship index, rather than MERGE between the two end nodes,
    // and updates it when found, or creates it between its ends when not: one statement, so that a batch's rows cross
    // Bolt and are planned once, and each tie is sought once. Every lookup names its index in a SEEK hint: a plan
    // made while the graph held no ties (a fresh store, the first import batch) scans every TIE per row, stays cached
    // as the graph grows, and turned batches of 20k ties into minutes; and Neo4j replans a cached statement when its
    // statistics move, which lag behind a bulk import. A plain USING INDEX hint is not enough: the planner may honour
    // it with a scan of the whole index and a filter. That is what stalled imports: replanned mid-import, the update
    // scanned the TIE(id) index once per row (125 million index entries for a batch of 5,000 ties against 25,000
    // stored), outlasted the relay's 30 s timeout at every attempt and made the batch a dead letter (bench/RESULTS.md,
    // nineteenth session).
    //
    // A tie whose end is not in the graph is an error, not a silent no-op: the statement answers how many ties it
    // could not create, so that the relay retries the row and, if the end never arrives, makes it a dead letter.
    // The second FOREACH creates only where both ends matched; the whole transaction is rolled back when any did not.
    // A stored tie is updated only from a newer version than it holds.
    static final String UPSERT = upsert("""
            OPTIONAL MATCH (a:Contact {id: row.from})
            USING INDEX SEEK a:Contact(id)
            OPTIONAL MATCH (b:Contact {id: row.to})
            USING INDEX SEEK b:Contact(id)""", "[..5]");

    // The same, with each end found by the node id its contact's write returned (ContactNodes) and checked to be that
    // contact: a seek by id instead of one in the index of string ids, about 20 µs a tie of 70 (bench/RESULTS.md,
    // issue 17, fiftieth session). No label on the seek, or the planner takes the contacts' index again. A row whose
    // end is not where its hint says is not created here: its id comes back among "ids" (all of them), and the row
    // goes through UPSERT in the same transaction.
    static final String UPSERT_BY_NODE = upsert("""
            OPTIONAL MATCH (hintedFrom) WHERE id(hintedFrom) = row.fromNode
            OPTIONAL MATCH (hintedTo) WHERE id(hintedTo) = row.toNode
            WITH row, CASE WHEN hintedFrom:Contact AND hintedFrom.id = row.from THEN hintedFrom END AS a,
                 CASE WHEN hintedTo:Contact AND hintedTo.id = row.to THEN hintedTo END AS b""", "");

    private static String upsert(String ends, String idsShown) {
        return """
            UNWIND $rows AS row
            OPTIONAL MATCH ()-[t:TIE {id: row.id}]->()
            USING INDEX SEEK t:TIE(id)
            FOREACH (_ IN CASE WHEN t IS NOT NULL AND coalesce(t.v, -1) < row.version THEN [1] ELSE [] END |
                SET t.type = row.type, t.strength = row.strength, t.since = date(row.since),
                    t.until = date(row.until), %1$s, t.symmetric = row.symmetric, t.v = row.version)
            WITH row, t WHERE t IS NULL
            %3$s
            FOREACH (_ IN CASE WHEN a IS NULL OR b IS NULL THEN [] ELSE [1] END |
                CREATE (a)-[n:TIE {id: row.id}]->(b)
                SET n.type = row.type, n.strength = row.strength, n.since = date(row.since),
                    n.until = date(row.until), %2$s, n.symmetric = row.symmetric, n.v = row.version)
            WITH row, a IS NULL OR b IS NULL AS endless
            WHERE endless
            RETURN count(row) AS endless, collect(row.id)%4$s AS ids
            """.formatted(untilDay("t"), untilDay("n"), ends, idsShown);
    }

    static final String DELETE = """
            UNWIND $rows AS row
            MATCH ()-[t:TIE {id: row.id}]->()
            USING INDEX SEEK t:TIE(id)
            WHERE t.v IS NULL OR t.v < row.version
            DELETE t
            """;

    /**
     * The ties as rebuild and reconcile (package sync, through {@link TieGraphSource}) read and repair them, compared
     * on their ends, type, strength, dates and version.
     */
    static final ElementGraph ELEMENTS = ElementGraph.relationships("TIE", """
            a.id AS from, b.id AS to, e.type AS type, e.strength AS strength, e.since AS since, e.until AS until""");

    /** The outbox payload of a tie as it now is. */
    public static Map<String, Object> upserted(Tie t) {
        Map<String, Object> row = new HashMap<>();
        row.put("id", t.id.toString());
        row.put("from", t.fromId.toString());
        row.put("to", t.toId.toString());
        row.put("type", t.type);
        row.put("symmetric", t.symmetric);
        row.put("strength", t.strength);
        row.put("since", t.since == null ? null : t.since.toString());
        row.put("until", t.until == null ? null : t.until.toString());
        row.put("version", t.version);
        return row;
    }

    /**
     * The outbox payload of a tie's removal. The ends are not needed to delete it; they tell a copy of the graph
     * elsewhere (the seeds' influence graph) whose ties changed, and let an erasure find the row by either end.
     */
    public static Map<String, Object> deleted(Tie t) {
        return Map.of("id", t.id.toString(), "from", t.fromId.toString(), "to", t.toId.toString(),
                "version", t.version + 1);
    }

    /**
     * Appends the graph change a written tie calls for: its upsert when it is a fact of the network, its removal
     * while it is only claimed or once it is refused (a no-op in the graph when the edge was never there). Call after
     * the flush that assigned the tie's version; returns the outbox position.
     */
    public static long append(Outbox outbox, Tie t) {
        return t.assertion.inGraph()
                ? outbox.append(UPSERTED, t.id, t.version, upserted(t))
                : outbox.append(DELETED, t.id, t.version + 1, deleted(t));
    }

    @Override
    public Set<String> types() {
        return Set.of(UPSERTED, DELETED);
    }

    /**
     * Upserts of distinct ties commute: each writes its own relationship and only reads its two end contacts, which
     * earlier batches wrote (a missing end fails the row, side by side or not). Creating relationships, Neo4j locks
     * their end nodes; a deadlock between two such transactions is transient, and the driver runs the loser again.
     * Removals stay in order: a removal and the upsert it follows must not swap.
     */
    @Override
    public boolean sideBySide(String type) {
        return UPSERTED.equals(type);
    }

    @Override
    public void apply(TransactionContext tx, String type, List<Map<String, Object>> payloads) {
        if (!UPSERTED.equals(type)) {
            tx.run(DELETE, Map.of("rows", payloads)).consume();
            return;
        }
        // A batch may carry several changes of one tie; only its newest counts (CREATE must not see it twice).
        Map<Object, Map<String, Object>> newest = new LinkedHashMap<>();
        for (Map<String, Object> row : payloads) {
            newest.merge(row.get("id"), row, (a, b) ->
                    ((Number) b.get("version")).longValue() >= ((Number) a.get("version")).longValue() ? b : a);
        }
        // Rows whose two ends have hints go by node id first; the rest, and those whose hints were wrong, by index.
        List<Map<String, Object>> byIndex = new ArrayList<>();
        List<Map<String, Object>> byNode = new ArrayList<>();
        for (Map<String, Object> row : newest.values()) {
            long from = nodes.find((String) row.get("from"));
            long to = nodes.find((String) row.get("to"));
            if (from == ContactNodes.UNKNOWN || to == ContactNodes.UNKNOWN) {
                byIndex.add(row);
            } else {
                Map<String, Object> hinted = new HashMap<>(row);
                hinted.put("fromNode", from);
                hinted.put("toNode", to);
                byNode.add(hinted);
            }
        }
        if (!byNode.isEmpty()) {
            var unresolved = tx.run(UPSERT_BY_NODE, Map.of("rows", byNode)).single();
            if (unresolved.get("endless").asLong() > 0) {
                Set<Object> ids = new HashSet<>(unresolved.get("ids").asList());
                newest.values().stream().filter(row -> ids.contains(row.get("id"))).forEach(byIndex::add);
            }
        }
        if (byIndex.isEmpty()) {
            return;
        }
        var missing = tx.run(UPSERT, Map.of("rows", byIndex)).single();
        if (missing.get("endless").asLong() > 0) {
            throw new MissingEndException(missing.get("endless").asLong(), missing.get("ids").asList());
        }
    }

    /** A tie that the graph cannot hold yet because a contact it joins is not there. */
    public static final class MissingEndException extends IllegalStateException {

        MissingEndException(long count, List<Object> ids) {
            super(count + " tie(s) join a contact missing from the graph, e.g. " + ids
                    + "; reconcile restores the contact, then retry the dead letter");
        }
    }
}
