package health.circles.group;

import health.circles.sync.ElementGraph;
import health.circles.sync.GraphSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.neo4j.driver.Record;

/** Groups as a source of the graph for rebuild and reconcile: the rows of {@link GroupStore}, the :Group nodes. */
@ApplicationScoped
public class GroupGraphSource implements GraphSource {

    private final GroupStore groups;

    GroupGraphSource(GroupStore groups) {
        this.groups = groups;
    }

    @Override
    public String name() {
        return "groups";
    }

    /** After contacts and ties; before the memberships that join contacts to groups. */
    @Override
    public int order() {
        return 2;
    }

    @Override
    public String upsertType() {
        return GroupGraph.UPSERTED;
    }

    @Override
    public Set<UUID> heldAmong(UUID[] ids) {
        return groups.heldAmong(ids);
    }

    @Override
    public ElementGraph elements() {
        return GroupGraph.GROUPS;
    }

    @Override
    public long count() {
        return groups.countAll();
    }

    @Override
    public void rows(boolean inIdOrder, int fetchSize, Consumer<Map<String, Object>> each) {
        groups.eachAsGraphed(inIdOrder, fetchSize, g -> each.accept(GroupGraph.upserted(g)));
    }

    @Override
    public Drift drift(Map<String, Object> row, Record node) {
        boolean stale = !Objects.equals(GraphSource.text(node.get("kind")), row.get("kind"))
                || !Objects.equals(GraphSource.text(node.get("name")), row.get("name"))
                || GraphSource.otherVersion(row, node);
        return stale ? Drift.STALE : Drift.NONE;
    }
}
