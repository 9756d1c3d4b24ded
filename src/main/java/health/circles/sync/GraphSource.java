package health.circles.sync;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.neo4j.driver.Record;
import org.neo4j.driver.Result;
import org.neo4j.driver.Session;
import org.neo4j.driver.TransactionContext;

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

    /** The graph's elements that have an id, in id order, as records with the id as text under {@code "id"}. */
    Result elementsInIdOrder(Session graph);

    /** How {@code element}, which has the id of {@code row}, differs from it. */
    Drift drift(Map<String, Object> row, Record element);

    /** Removes the elements with these ids. */
    void delete(TransactionContext tx, List<String> ids);

    /** Makes the elements with these ids older than any version, so that an upsert rewrites them. */
    void unversion(TransactionContext tx, List<String> ids);

    /** Removes the elements without an id (no row can match them); returns how many. */
    long deleteStrays(TransactionContext tx);

    /** Removes up to {@code limit} elements, whatever they are; returns how many. A wipe repeats it until none. */
    long deleteSome(TransactionContext tx, int limit);
}
