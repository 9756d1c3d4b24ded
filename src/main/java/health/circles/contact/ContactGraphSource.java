package health.circles.contact;

import health.circles.sync.GraphSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.neo4j.driver.Record;
import org.neo4j.driver.Result;
import org.neo4j.driver.Session;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.Value;

/**
 * Contacts as a source of the graph for rebuild and reconcile: the rows of {@link ContactStore}, the nodes of
 * {@link ContactGraph}. Loaded first, since ties join contacts.
 */
@ApplicationScoped
public class ContactGraphSource implements GraphSource {

    private final ContactStore contacts;
    private final ContactGraph nodes;

    ContactGraphSource(ContactStore contacts, ContactGraph nodes) {
        this.contacts = contacts;
        this.nodes = nodes;
    }

    @Override
    public String name() {
        return "contacts";
    }

    @Override
    public int order() {
        return 0;
    }

    @Override
    public String upsertType() {
        return ContactGraph.UPSERTED;
    }

    @Override
    public long count() {
        return contacts.countAll();
    }

    @Override
    public void rows(boolean inIdOrder, int fetchSize, Consumer<Map<String, Object>> each) {
        contacts.eachAsGraphed(inIdOrder, fetchSize, c -> each.accept(ContactGraph.upserted(c)));
    }

    @Override
    public Result elementsInIdOrder(Session graph) {
        return nodes.inIdOrder(graph);
    }

    /** Stale when its kind, display name or version is not the row's. */
    @Override
    public Drift drift(Map<String, Object> row, Record node) {
        boolean stale = !Objects.equals(string(node.get("kind")), row.get("kind"))
                || !Objects.equals(string(node.get("name")), row.get("displayName"))
                || node.get("v").isNull() || node.get("v").asLong() != (Long) row.get("version");
        return stale ? Drift.STALE : Drift.NONE;
    }

    @Override
    public void delete(TransactionContext tx, List<String> ids) {
        nodes.deleteByIds(tx, ids);
    }

    @Override
    public void unversion(TransactionContext tx, List<String> ids) {
        nodes.unversionByIds(tx, ids);
    }

    @Override
    public long deleteStrays(TransactionContext tx) {
        return nodes.deleteWithoutId(tx);
    }

    @Override
    public long deleteSome(TransactionContext tx, int limit) {
        return nodes.deleteSome(tx, limit);
    }

    private static String string(Value v) {
        return v == null || v.isNull() ? null : v.asString();
    }
}
