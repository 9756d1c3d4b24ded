package health.circles.network;

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
 * Ties as a source of the graph for rebuild and reconcile: the ties {@link TieStore} holds as facts of the network
 * ({@link ActiveTie#IN_NETWORK_SQL}, ended ones included), the relationships of {@link TieGraph}. Loaded after the
 * contacts they join.
 */
@ApplicationScoped
public class TieGraphSource implements GraphSource {

    private final TieStore ties;

    TieGraphSource(TieStore ties) {
        this.ties = ties;
    }

    @Override
    public String name() {
        return "ties";
    }

    @Override
    public int order() {
        return 1;
    }

    @Override
    public String upsertType() {
        return TieGraph.UPSERTED;
    }

    @Override
    public Set<UUID> heldAmong(UUID[] ids) {
        return ties.heldAmong(ids);
    }

    @Override
    public ElementGraph elements() {
        return TieGraph.ELEMENTS;
    }

    @Override
    public long count() {
        return ties.countInGraph();
    }

    @Override
    public void rows(boolean inIdOrder, int fetchSize, Consumer<Map<String, Object>> each) {
        ties.eachInGraph(inIdOrder, fetchSize, t -> each.accept(TieGraph.upserted(t)));
    }

    /**
     * Moved when it joins other contacts than the row (it must be created anew between them); stale when its type,
     * strength, dates or version are not the row's.
     */
    @Override
    public Drift drift(Map<String, Object> row, Record rel) {
        if (!Objects.equals(GraphSource.text(rel.get("from")), row.get("from"))
                || !Objects.equals(GraphSource.text(rel.get("to")), row.get("to"))) {
            return Drift.MOVED;
        }
        boolean stale = !Objects.equals(GraphSource.text(rel.get("type")), row.get("type"))
                || rel.get("strength").isNull()
                || Math.abs(rel.get("strength").asDouble() - (Double) row.get("strength")) > 1e-9
                || !Objects.equals(GraphSource.date(rel.get("since")), row.get("since"))
                || !Objects.equals(GraphSource.date(rel.get("until")), row.get("until"))
                || GraphSource.otherVersion(row, rel);
        return stale ? Drift.STALE : Drift.NONE;
    }
}
