package health.circles.sync;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.neo4j.driver.Result;
import org.neo4j.driver.Session;
import org.neo4j.driver.TransactionContext;

/**
 * The graph elements of one label or relationship type that carry the id of their PostgreSQL row ({@code id}) and
 * its version ({@code v}): what rebuild and reconcile read and repair, the same five queries for every projection.
 * The Cypher is built once from the label or type, a constant of the owning graph store (checked here, never input),
 * and the properties a comparison reads back; values always go as parameters.
 */
public final class ElementGraph {

    private static final Pattern NAME = Pattern.compile("[A-Z][A-Za-z_]*");

    private final String inIdOrder;
    private final String deleteByIds;
    private final String unversionByIds;
    private final String deleteWithoutId;
    private final String deleteSome;

    private ElementGraph(String match, String matchById, String delete, String returns) {
        this.inIdOrder = "MATCH " + match + " WHERE e.id IS NOT NULL RETURN e.id AS id, " + returns
                + ", e.v AS v ORDER BY id";
        this.deleteByIds = "UNWIND $ids AS id MATCH " + matchById + " " + delete + " e";
        this.unversionByIds = "UNWIND $ids AS id MATCH " + matchById + " SET e.v = -1";
        this.deleteWithoutId = "MATCH " + match + " WHERE e.id IS NULL " + delete + " e RETURN count(*) AS n";
        this.deleteSome = "MATCH " + match + " WITH e LIMIT $n " + delete + " e RETURN count(*) AS n";
    }

    /**
     * Nodes of {@code label}, deleted with their relationships; {@code returns} reads what a comparison needs from
     * the node {@code e} ({@code "e.kind AS kind"}).
     */
    public static ElementGraph nodes(String label, String returns) {
        String l = checked(label);
        return new ElementGraph("(e:" + l + ")", "(e:" + l + " {id: id})", "DETACH DELETE", returns);
    }

    /**
     * Relationships of {@code type}; {@code returns} reads what a comparison needs from the relationship {@code e}
     * and its ends {@code a} (start) and {@code b} (end) ({@code "a.id AS from"}).
     */
    public static ElementGraph relationships(String type, String returns) {
        String t = checked(type);
        return new ElementGraph("(a)-[e:" + t + "]->(b)", "()-[e:" + t + " {id: id}]->()", "DELETE", returns);
    }

    /** The elements with an id, in id order: records of {@code id}, the {@code returns} columns and {@code v}. */
    public Result inIdOrder(Session graph) {
        return graph.run(inIdOrder);
    }

    /** Removes the elements with these ids. */
    public void delete(TransactionContext tx, List<String> ids) {
        tx.run(deleteByIds, Map.of("ids", ids)).consume();
    }

    /** Makes the elements with these ids older than any version, so that an upsert rewrites them. */
    public void unversion(TransactionContext tx, List<String> ids) {
        tx.run(unversionByIds, Map.of("ids", ids)).consume();
    }

    /** Removes the elements without an id (no row can match them); returns how many. */
    public long deleteWithoutId(TransactionContext tx) {
        return tx.run(deleteWithoutId).single().get("n").asLong();
    }

    /** Removes up to {@code limit} elements, whatever they are; returns how many. */
    public long deleteSome(TransactionContext tx, int limit) {
        return tx.run(deleteSome, Map.of("n", limit)).single().get("n").asLong();
    }

    private static String checked(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Not a graph label or type: " + name);
        }
        return name;
    }
}
