package health.circles.contact;

import health.circles.sync.ElementGraph;
import health.circles.sync.GraphSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.neo4j.driver.Record;

/**
 * Contacts as a source of the graph for rebuild and reconcile: the rows of {@link ContactStore}, the nodes of
 * {@link ContactGraph}. Loaded first, since ties join contacts.
 */
@ApplicationScoped
public class ContactGraphSource implements GraphSource {

    private final ContactStore contacts;

    ContactGraphSource(ContactStore contacts) {
        this.contacts = contacts;
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
    public Set<UUID> heldAmong(UUID[] ids) {
        return contacts.heldAmong(ids);
    }

    @Override
    public ElementGraph elements() {
        return ContactGraph.ELEMENTS;
    }

    @Override
    public long count() {
        return contacts.countAll();
    }

    @Override
    public void rows(boolean inIdOrder, int fetchSize, Consumer<Map<String, Object>> each) {
        contacts.eachAsGraphed(inIdOrder, fetchSize, c -> each.accept(ContactGraph.upserted(c)));
    }

    /** Stale when its kind, display name or version is not the row's. */
    @Override
    public Drift drift(Map<String, Object> row, Record node) {
        boolean stale = !Objects.equals(GraphSource.text(node.get("kind")), row.get("kind"))
                || !Objects.equals(GraphSource.text(node.get("name")), row.get("displayName"))
                || GraphSource.otherVersion(row, node);
        return stale ? Drift.STALE : Drift.NONE;
    }
}
