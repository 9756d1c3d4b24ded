package health.circles.sync;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.neo4j.driver.Record;
import org.neo4j.driver.Result;
import org.neo4j.driver.Session;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.Value;

/**
 * What the owner of a graph projection tells rebuild and reconcile about it: its rows in PostgreSQL, its elements in
 * the graph, how to compare the two and how to repair. The package that owns the table and the graph label implements
 * it (contacts: nodes; ties: relationships) so that package sync holds none of their SQL or Cypher and depends on
 * neither. Rows are the payloads the projection of {@link #upsertType()} applies; each carries its id as text under
 * {@code "id"}, as do the graph's elements.
 */
public interface GraphSource {

    /** How a graph element differs from its row. */
    enum Drift {
        /** In step. */
        NONE,
        /** Other properties or version: forget its version so that the upsert rewrites it. */
        STALE,
        /** Its place changed (a relationship's ends): remove it so that the upsert creates it anew. */
        MOVED
    }

    /** The name in a reconcile report, whose categories are it followed by Missing, Extra and Stale. */
    String name();

    /** Where it comes in a load: lower first (nodes before the relationships that join them); a wipe goes backwards. */
    int order();

    /** The outbox type whose projection writes a row into the graph. */
    String upsertType();

    /** How many rows the graph should hold. */
    long count();

    /** Streams every row the graph should hold, {@code fetchSize} at a time; in id order when asked. */
    void rows(boolean inIdOrder, int fetchSize, Consumer<Map<String, Object>> each);

    /**
     * Which of these ids name rows the graph should hold now. The relay asks before it applies a batch row again after
     * a failure: while the batch waited, one of its changes may have been undone through a row of another aggregate
     * (a tie of an import deleted or rejected through the API), which reached the graph first and must stay done.
     */
    Set<UUID> heldAmong(UUID[] ids);

    /** The graph's elements of this source: what reconcile reads and what rebuild and reconcile repair. */
    ElementGraph elements();

    /** How {@code element}, which has the id of {@code row}, differs from it. */
    Drift drift(Map<String, Object> row, Record element);

    /** The graph's elements that have an id, in id order, as records with the id as text under {@code "id"}. */
    default Result elementsInIdOrder(Session graph) {
        return elements().inIdOrder(graph);
    }

    /** Removes the elements with these ids. */
    default void delete(TransactionContext tx, List<String> ids) {
        elements().delete(tx, ids);
    }

    /** Makes the elements with these ids older than any version, so that an upsert rewrites them. */
    default void unversion(TransactionContext tx, List<String> ids) {
        elements().unversion(tx, ids);
    }

    /** Removes the elements without an id (no row can match them); returns how many. */
    default long deleteStrays(TransactionContext tx) {
        return elements().deleteWithoutId(tx);
    }

    /** Removes up to {@code limit} elements, whatever they are; returns how many. A wipe repeats it until none. */
    default long deleteSome(TransactionContext tx, int limit) {
        return elements().deleteSome(tx, limit);
    }

    /** A text property of a graph element as a row holds it: null when absent. */
    static String text(Value v) {
        return v == null || v.isNull() ? null : v.asString();
    }

    /** A date property of a graph element as a payload writes it (ISO text), or null. */
    static String date(Value v) {
        return v == null || v.isNull() ? null : v.asLocalDate().toString();
    }

    /** Whether the element's version {@code v} is not the row's {@code version}. */
    static boolean otherVersion(Map<String, Object> row, Record element) {
        return element.get("v").isNull() || element.get("v").asLong() != (Long) row.get("version");
    }
}
