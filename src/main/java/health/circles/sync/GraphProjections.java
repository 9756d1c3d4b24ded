package health.circles.sync;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.neo4j.driver.TransactionContext;

/**
 * The registry of graph projections by outbox type, shared by the relay, reconcile and rebuild, and of the sources
 * that rebuild and reconcile load and compare, in load order.
 */
@ApplicationScoped
public class GraphProjections {

    private final Map<String, GraphProjection> byType = new HashMap<>();
    private final List<GraphSource> sources;

    GraphProjections(Instance<GraphProjection> projections, Instance<GraphSource> sources) {
        for (GraphProjection p : projections) {
            p.types().forEach(type -> {
                GraphProjection before = byType.put(type, p);
                if (before != null && before != p) {
                    throw new IllegalStateException("Two graph projections claim outbox type " + type);
                }
            });
        }
        this.sources = sources.stream().sorted(Comparator.comparingInt(GraphSource::order)).toList();
        for (GraphSource source : this.sources) {
            if (!handles(source.upsertType())) {
                throw new IllegalStateException("No graph projection applies " + source.upsertType());
            }
        }
    }

    /** The sources of the graph in load order: nodes before the relationships that join them. */
    public List<GraphSource> sources() {
        return sources;
    }

    /** The source whose rows the projection of {@code type} writes, if any. */
    public Optional<GraphSource> sourceOf(String type) {
        return sources.stream().filter(s -> s.upsertType().equals(type)).findFirst();
    }

    /** Whether some projection applies this type. */
    public boolean handles(String type) {
        return byType.containsKey(type);
    }

    /** Whether changes of this type to distinct elements may go in graph transactions side by side. */
    public boolean sideBySide(String type) {
        GraphProjection projection = byType.get(type);
        return projection != null && projection.sideBySide(type);
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
