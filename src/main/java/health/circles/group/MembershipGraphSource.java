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

/**
 * Group memberships as a source of the graph for rebuild and reconcile: the rows of {@link MembershipStore} that name
 * a contact (erased places are not in the graph), the MEMBER_OF_GROUP relationships. Loaded after contacts and groups.
 */
@ApplicationScoped
public class MembershipGraphSource implements GraphSource {

    private final MembershipStore memberships;
    private final GroupGraph graph;

    MembershipGraphSource(MembershipStore memberships, GroupGraph graph) {
        this.memberships = memberships;
        this.graph = graph;
    }

    @Override
    public String name() {
        return "groupMembers";
    }

    @Override
    public int order() {
        return 3;
    }

    @Override
    public String upsertType() {
        return GroupGraph.MEMBER_UPSERTED;
    }

    @Override
    public long count() {
        return memberships.countInGraph();
    }

    @Override
    public void rows(boolean inIdOrder, int fetchSize, Consumer<Map<String, Object>> each) {
        memberships.eachInGraph(inIdOrder, fetchSize, m -> each.accept(GroupGraph.upserted(m)));
    }

    @Override
    public Result elementsInIdOrder(Session session) {
        return graph.membersInIdOrder(session);
    }

    /** Moved when it joins another contact or group than the row; stale when role, dates or version differ. */
    @Override
    public Drift drift(Map<String, Object> row, Record rel) {
        if (!Objects.equals(GroupGraphSource.string(rel.get("contact")), row.get("contact"))
                || !Objects.equals(GroupGraphSource.string(rel.get("group")), row.get("group"))) {
            return Drift.MOVED;
        }
        boolean stale = !Objects.equals(GroupGraphSource.string(rel.get("role")), row.get("role"))
                || !Objects.equals(date(rel.get("since")), row.get("since"))
                || !Objects.equals(date(rel.get("until")), row.get("until"))
                || rel.get("v").isNull() || rel.get("v").asLong() != (Long) row.get("version");
        return stale ? Drift.STALE : Drift.NONE;
    }

    @Override
    public void delete(TransactionContext tx, List<String> ids) {
        graph.deleteMembers(tx, ids);
    }

    @Override
    public void unversion(TransactionContext tx, List<String> ids) {
        graph.unversionMembers(tx, ids);
    }

    @Override
    public long deleteStrays(TransactionContext tx) {
        return graph.deleteMembersWithoutId(tx);
    }

    @Override
    public long deleteSome(TransactionContext tx, int limit) {
        return graph.deleteSomeMembers(tx, limit);
    }

    private static String date(Value v) {
        return v == null || v.isNull() ? null : v.asLocalDate().toString();
    }
}
