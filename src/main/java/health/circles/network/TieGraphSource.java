package health.circles.network;

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
 * Ties as a source of the graph for rebuild and reconcile: the ties {@link TieStore} holds as facts of the network
 * ({@link ActiveTie#IN_NETWORK_SQL}, ended ones included), the relationships of {@link TieGraph}. Loaded after the
 * contacts they join.
 */
@ApplicationScoped
public class TieGraphSource implements GraphSource {

    private final TieStore ties;
    private final TieGraph graph;

    TieGraphSource(TieStore ties, TieGraph graph) {
        this.ties = ties;
        this.graph = graph;
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
    public long count() {
        return ties.countInGraph();
    }

    @Override
    public void rows(boolean inIdOrder, int fetchSize, Consumer<Map<String, Object>> each) {
        ties.eachInGraph(inIdOrder, fetchSize, t -> each.accept(TieGraph.upserted(t)));
    }

    @Override
    public Result elementsInIdOrder(Session session) {
        return graph.inIdOrder(session);
    }

    /**
     * Moved when it joins other contacts than the row (it must be created anew between them); stale when its type,
     * strength, dates or version are not the row's.
     */
    @Override
    public Drift drift(Map<String, Object> row, Record rel) {
        if (!Objects.equals(string(rel.get("from")), row.get("from"))
                || !Objects.equals(string(rel.get("to")), row.get("to"))) {
            return Drift.MOVED;
        }
        boolean stale = !Objects.equals(string(rel.get("type")), row.get("type"))
                || rel.get("strength").isNull()
                || Math.abs(rel.get("strength").asDouble() - (Double) row.get("strength")) > 1e-9
                || !Objects.equals(date(rel.get("since")), row.get("since"))
                || !Objects.equals(date(rel.get("until")), row.get("until"))
                || rel.get("v").isNull() || rel.get("v").asLong() != (Long) row.get("version");
        return stale ? Drift.STALE : Drift.NONE;
    }

    @Override
    public void delete(TransactionContext tx, List<String> ids) {
        graph.deleteByIds(tx, ids);
    }

    @Override
    public void unversion(TransactionContext tx, List<String> ids) {
        graph.unversionByIds(tx, ids);
    }

    @Override
    public long deleteStrays(TransactionContext tx) {
        return graph.deleteWithoutId(tx);
    }

    @Override
    public long deleteSome(TransactionContext tx, int limit) {
        return graph.deleteSome(tx, limit);
    }

    private static String string(Value v) {
        return v == null || v.isNull() ? null : v.asString();
    }

    /** A date of the graph as the payload writes it (ISO text), or null. */
    private static String date(Value v) {
        return v == null || v.isNull() ? null : v.asLocalDate().toString();
    }
}
