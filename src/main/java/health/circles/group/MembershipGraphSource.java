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

/**
 * Group memberships as a source of the graph for rebuild and reconcile: the rows of {@link MembershipStore} that name
 * a contact (erased places are not in the graph), the MEMBER_OF_GROUP relationships. Loaded after contacts and groups.
 */
@ApplicationScoped
public class MembershipGraphSource implements GraphSource {

    private final MembershipStore memberships;

    MembershipGraphSource(MembershipStore memberships) {
        this.memberships = memberships;
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
    public Set<UUID> heldAmong(UUID[] ids) {
        return memberships.heldAmong(ids);
    }

    @Override
    public ElementGraph elements() {
        return GroupGraph.MEMBERS;
    }

    @Override
    public long count() {
        return memberships.countInGraph();
    }

    @Override
    public void rows(boolean inIdOrder, int fetchSize, Consumer<Map<String, Object>> each) {
        memberships.eachInGraph(inIdOrder, fetchSize, m -> each.accept(GroupGraph.upserted(m)));
    }

    /** Moved when it joins another contact or group than the row; stale when role, dates or version differ. */
    @Override
    public Drift drift(Map<String, Object> row, Record rel) {
        if (!Objects.equals(GraphSource.text(rel.get("contact")), row.get("contact"))
                || !Objects.equals(GraphSource.text(rel.get("group")), row.get("group"))) {
            return Drift.MOVED;
        }
        boolean stale = !Objects.equals(GraphSource.text(rel.get("role")), row.get("role"))
                || !Objects.equals(GraphSource.date(rel.get("since")), row.get("since"))
                || !Objects.equals(GraphSource.date(rel.get("until")), row.get("until"))
                || GraphSource.otherVersion(row, rel);
        return stale ? Drift.STALE : Drift.NONE;
    }
}
