package health.circles.group;

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

/** Groups as a source of the graph for rebuild and reconcile: the rows of {@link GroupStore}, the :Group nodes. */
@ApplicationScoped
public class GroupGraphSource implements GraphSource {

    private final GroupStore groups;
    private final GroupGraph graph;

    GroupGraphSource(GroupStore groups, GroupGraph graph) {
        this.groups = groups;
        this.graph = graph;
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
    public long count() {
        return groups.countAll();
    }

    @Override
    public void rows(boolean inIdOrder, int fetchSize, Consumer<Map<String, Object>> each) {
        groups.eachAsGraphed(inIdOrder, fetchSize, g -> each.accept(GroupGraph.upserted(g)));
    }

    @Override
    public Result elementsInIdOrder(Session session) {
        return graph.groupsInIdOrder(session);
    }

    @Override
    public Drift drift(Map<String, Object> row, Record node) {
        boolean stale = !Objects.equals(string(node.get("kind")), row.get("kind"))
                || !Objects.equals(string(node.get("name")), row.get("name"))
                || node.get("v").isNull() || node.get("v").asLong() != (Long) row.get("version");
        return stale ? Drift.STALE : Drift.NONE;
    }

    @Override
    public void delete(TransactionContext tx, List<String> ids) {
        graph.deleteGroups(tx, ids);
    }

    @Override
    public void unversion(TransactionContext tx, List<String> ids) {
        graph.unversionGroups(tx, ids);
    }

    @Override
    public long deleteStrays(TransactionContext tx) {
        return graph.deleteGroupsWithoutId(tx);
    }

    @Override
    public long deleteSome(TransactionContext tx, int limit) {
        return graph.deleteSomeGroups(tx, limit);
    }

    static String string(Value v) {
        return v == null || v.isNull() ? null : v.asString();
    }
}
