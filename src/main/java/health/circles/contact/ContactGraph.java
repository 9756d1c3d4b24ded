package health.circles.contact;

import health.circles.sync.ElementGraph;
import health.circles.sync.GraphProjection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.neo4j.driver.TransactionContext;

/**
 * The graph store of contacts: (:Contact {id, kind, displayName, v}) nodes, carrying no more personal data than graph
 * queries and maps need. {@code v} is the contact's version in PostgreSQL; older changes are ignored, and a deleted
 * contact's tombstone keeps an older change from bringing it back.
 */
@ApplicationScoped
public class ContactGraph implements GraphProjection {

    private final ContactNodes nodes;

    ContactGraph(ContactNodes nodes) {
        this.nodes = nodes;
    }

    public static final String UPSERTED = "contact.upserted";
    public static final String DELETED = "contact.deleted";

    // A deleted contact leaves a (:DeletedContact {id, v}) tombstone, so that a replayed older upsert cannot bring the
    // node back. Graph queries match :Contact only and never see tombstones.
    // Every row answers with its contact's node id, remembered as a hint for the ties that join it (ContactNodes).
    private static final String UPSERT = """
            UNWIND $rows AS row
            OPTIONAL MATCH (gone:DeletedContact {id: row.id})
            WITH row, gone
            WHERE gone IS NULL OR gone.v < row.version
            MERGE (c:Contact {id: row.id})
            FOREACH (_ IN CASE WHEN c.v IS NULL OR c.v < row.version THEN [1] ELSE [] END |
                SET c.kind = row.kind, c.displayName = row.displayName, c.v = row.version)
            RETURN row.id AS id, id(c) AS node
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

    /**
     * The contact nodes as rebuild and reconcile (package sync, through {@link ContactGraphSource}) read and repair
     * them, compared on kind, display name and version. Tombstones are left alone.
     */
    static final ElementGraph ELEMENTS = ElementGraph.nodes("Contact", "e.kind AS kind, e.displayName AS name");

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
        if (!UPSERTED.equals(type)) {
            tx.run(DELETE, Map.of("rows", payloads)).consume();
            payloads.forEach(row -> nodes.forget((String) row.get("id")));
            return;
        }
        tx.run(UPSERT, Map.of("rows", payloads)).forEachRemaining(r -> nodes.remember(r.get(0).asString(), r.get(1).asLong()));
    }
}
