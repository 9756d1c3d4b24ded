package health.circles.sync;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.neo4j.driver.TransactionContext;

/**
 * Applies outbox changes of some types to the graph. Implementations must be idempotent and ignore changes older
 * than what the graph already holds, because the relay may deliver a change again after a failure.
 */
public interface GraphProjection {

    Set<String> types();

    /** Applies consecutive changes of one type, as payloads in outbox order, within the relay's graph transaction. */
    void apply(TransactionContext tx, String type, List<Map<String, Object>> payloads);

    /**
     * Whether changes of this type to distinct elements (payload {@code id}s) may be applied in graph transactions
     * running side by side: each change writes its own element alone and reads only what earlier relay batches
     * wrote, so their order among themselves does not matter. False unless a projection says so.
     */
    default boolean sideBySide(String type) {
        return false;
    }
}
