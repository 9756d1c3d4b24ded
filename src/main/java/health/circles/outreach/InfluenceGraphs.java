package health.circles.outreach;

import health.circles.sync.GraphVersion;
import health.circles.sync.GraphRelay;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;

/**
 * Keeps the {@link InfluenceGraph} read from Neo4j ({@link InfluenceTieGraph}) in memory, keyed by the graph's
 * version: the relay's applied outbox position (every change to contacts and ties), the latest rebuild, and the day
 * (a tie whose {@code until} passes leaves the active graph at midnight). A reconcile repairs Neo4j without moving
 * any of these, so a graph older than {@code circles.outreach.seeds.graph-max-age} is read again regardless.
 */
@ApplicationScoped
public class InfluenceGraphs {

    private final InfluenceTieGraph ties;
    private final GraphRelay relay;
    private final SeedConfig config;
    private final Clock clock = Clock.systemUTC();
    private volatile InfluenceGraph cached;

    InfluenceGraphs(InfluenceTieGraph ties, GraphRelay relay, SeedConfig config) {
        this.ties = ties;
        this.relay = relay;
        this.config = config;
    }

    /** The graph at its current version: the cached one when nothing changed, else read again (one reader at a time). */
    public InfluenceGraph current() {
        GraphVersion version = version();
        InfluenceGraph graph = cached;
        if (fresh(graph, version)) {
            return graph;
        }
        synchronized (this) {
            graph = cached;
            if (fresh(graph, version)) {
                return graph;
            }
            cached = null; // let the old arrays go before the new ones are built
            graph = ties.load(version);
            cached = graph;
            return graph;
        }
    }

    /** Whether a request now would be served from memory. */
    boolean isCached() {
        InfluenceGraph graph = cached;
        return graph != null && fresh(graph, version());
    }

    private boolean fresh(InfluenceGraph graph, GraphVersion version) {
        return graph != null && graph.version.equals(version)
                && Duration.between(graph.loadedAt, clock.instant()).compareTo(config.graphMaxAge()) < 0;
    }

    GraphVersion version() {
        return relay.version();
    }
}
