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
}
