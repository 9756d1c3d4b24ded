package health.circles.network;

import health.circles.sync.GraphRelay;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Read-your-writes for graph questions. Every graph write answers with its outbox position in the Graph-Position
 * header; a graph question waits (bounded) until the relay applied the writes up to the position the client names in
 * {@code consistentWith}, or by default every write committed before the question arrived.
 */
@ApplicationScoped
public class GraphReads {

    public static final String POSITION_HEADER = "Graph-Position";

    private final GraphRelay relay;
    private final NetworkConfig config;

    GraphReads(GraphRelay relay, NetworkConfig config) {
        this.relay = relay;
        this.config = config;
    }

    /** Waits for the graph to reflect writes up to {@code consistentWith} (null: all committed ones); false on timeout. */
    public boolean await(Long consistentWith) {
        if (consistentWith == null) {
            return relay.awaitCommitted(config.readYourWritesWait());
        }
        return consistentWith <= 0 || relay.awaitApplied(consistentWith, config.readYourWritesWait());
    }
}
