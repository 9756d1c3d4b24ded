package health.circles.contact;

import health.circles.sync.GraphProjection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.neo4j.driver.Result;
import org.neo4j.driver.Session;
import org.neo4j.driver.TransactionContext;

/**
 * The graph store of contacts: (:Contact {id, kind, displayName, v}) nodes, carrying no more personal data than graph
 * queries and maps need. {@code v} is the contact's version in PostgreSQL; older changes are ignored, and a deleted
 * contact's tombstone keeps an older change from bringing it back.
 */
@ApplicationScoped
public class ContactGraph implements GraphProjection {

    public static final String UPSERTED = "contact.upserted";
    static final String DELETED = "contact.deleted";

    // A deleted contact leaves a (:DeletedContact {id, v}) tombstone, so that a replayed older upsert cannot bring the
    // node back. Graph queries match :Contact only and never see tombstones.
    private static final String UPSERT = """
            UNWIND $rows AS row
            OPTIONAL MATCH (gone:DeletedContact {id: row.id})
            WITH row, gone
            WHERE gone IS NULL OR gone.v < row.version
            MERGE (c:Contact {id: row.id})
            WITH c, row
            WHERE c.v IS NULL OR c.v < row.version
            SET c.kind = row.kind, c.displayName = row.displayName, c.v = row.version
            """;

    private static final String DELETE = """
            UNWIND $rows AS row
            MERGE (gone:DeletedContact {id: row.id})
            SET gone.v = CASE WHEN gone.v IS NULL OR gone.v < row.version THEN row.version ELSE gone.v END
            WITH row
            MATCH (c:Contact {id: row.id})
            WHERE c.v IS NULL OR c.v < row.version
            DETACH DELETE c
            """;

    // What a rebuild and a reconcile of the graph (package sync, through ContactGraphSource) run on contact nodes: the
    // graph side of their comparison with ContactStore's rows, and their repairs. Tombstones are left alone.

    /** Every contact node with an id, in id order, as reconcile compares them. */
    private static final String IN_ID_ORDER = """
            MATCH (c:Contact) WHERE c.id IS NOT NULL
            RETURN c.id AS id, c.kind AS kind, c.displayName AS name, c.v AS v ORDER BY c.id""";

    /** Removes the contact nodes with the ids in {@code $ids}, with their ties. */
    private static final String DELETE_BY_IDS = "UNWIND $ids AS id MATCH (c:Contact {id: id}) DETACH DELETE c";

    /** Makes the contact nodes with the ids in {@code $ids} older than any version, so that an upsert rewrites them. */
    private static final String UNVERSION_BY_IDS = "UNWIND $ids AS id MATCH (c:Contact {id: id}) SET c.v = -1";

    /** Removes the contact nodes without an id (no row can match them); returns how many as {@code n}. */
    private static final String DELETE_WITHOUT_ID = """
            MATCH (c:Contact) WHERE c.id IS NULL DETACH DELETE c RETURN count(*) AS n""";

    /** Removes up to {@code $n} contact nodes, whatever they are, with their ties; returns how many as {@code n}. */
    private static final String DELETE_SOME = """
            MATCH (c:Contact) WITH c LIMIT $n DETACH DELETE c RETURN count(*) AS n""";

    /** The contact nodes with an id, in id order: records of {@code id}, {@code kind}, {@code name} and {@code v}. */
    Result inIdOrder(Session graph) {
        return graph.run(IN_ID_ORDER);
    }

    void deleteByIds(TransactionContext tx, List<String> ids) {
        tx.run(DELETE_BY_IDS, Map.of("ids", ids)).consume();
    }

    void unversionByIds(TransactionContext tx, List<String> ids) {
        tx.run(UNVERSION_BY_IDS, Map.of("ids", ids)).consume();
    }

    long deleteWithoutId(TransactionContext tx) {
        return tx.run(DELETE_WITHOUT_ID).single().get("n").asLong();
    }

    long deleteSome(TransactionContext tx, int limit) {
        return tx.run(DELETE_SOME, Map.of("n", limit)).single().get("n").asLong();
    }

    public static Map<String, Object> upserted(Contact c) {
        return Map.of("id", c.id.toString(), "kind", c.kind.name(), "displayName", c.displayName, "version", c.version);
    }

    static Map<String, Object> deleted(Contact c) {
        // One past the last version, so that a replayed upsert of the deleted contact cannot win.
        return Map.of("id", c.id.toString(), "version", c.version + 1);
    }

    @Override
    public Set<String> types() {
        return Set.of(UPSERTED, DELETED);
    }

    @Override
    public void apply(TransactionContext tx, String type, List<Map<String, Object>> payloads) {
        tx.run(UPSERTED.equals(type) ? UPSERT : DELETE, Map.of("rows", payloads)).consume();
    }
}
