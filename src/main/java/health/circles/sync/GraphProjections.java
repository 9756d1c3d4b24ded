package health.circles.sync;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.TransactionContext;

/** The registry of graph projections by outbox type, shared by the relay, reconcile and rebuild. */
@ApplicationScoped
public class GraphProjections {

    private final Map<String, GraphProjection> byType = new HashMap<>();

    GraphProjections(Instance<GraphProjection> projections) {
        for (GraphProjection p : projections) {
            p.types().forEach(type -> {
                GraphProjection before = byType.put(type, p);
                if (before != null && before != p) {
                    throw new IllegalStateException("Two graph projections claim outbox type " + type);
                }
            });
        }
    }

    /** Whether some projection applies this type. */
    public boolean handles(String type) {
        return byType.containsKey(type);
    }

    /** Applies consecutive payloads of one type; false when no projection knows the type. */
    public boolean apply(TransactionContext tx, String type, List<Map<String, Object>> payloads) {
        GraphProjection projection = byType.get(type);
        if (projection == null) {
            return false;
        }
        projection.apply(tx, type, payloads);
        return true;
    }
}
