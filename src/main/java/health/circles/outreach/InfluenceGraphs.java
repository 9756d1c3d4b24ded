package health.circles.outreach;

import health.circles.network.TieGraph;
import health.circles.sync.GraphRelay;
import health.circles.sync.GraphVersion;
import health.circles.sync.Outbox;
import health.circles.web.Ids;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Keeps the {@link InfluenceGraph} read from Neo4j ({@link InfluenceTieGraph}) in memory, keyed by the graph's
 * version: the relay's applied outbox position (every change to contacts and ties), the latest rebuild, and the day
 * (a tie whose {@code until} passes leaves the active graph at midnight).
 *
 * <p>When only the position moved, the graph is brought up to date rather than read whole: the outbox names the
 * contact each tie change leaves ({@code from}, on upserts and removals alike), and only those contacts' ties are read
 * again, with every contact's id so that contacts come and go (an erasure purges its outbox rows, but its contact is
 * gone from the graph all the same, and so are the ties that end at it). A day or a rebuild reads it whole, and so
 * does a graph whose whole read is older than {@code circles.outreach.seeds.graph-max-age}: a reconcile repairs Neo4j
 * without moving the position, and a retried dead letter lands behind it.
 */
@ApplicationScoped
public class InfluenceGraphs {

    /** The outbox changes that move a tie in or out of the graph; only the ties projection writes TIE edges. */
    private static final Set<String> TIE_CHANGES = Set.of(TieGraph.UPSERTED, TieGraph.DELETED);

    private final InfluenceTieGraph ties;
    private final GraphRelay relay;
    private final Outbox outbox;
    private final SeedConfig config;
    private final Clock clock = Clock.systemUTC();
    private volatile InfluenceGraph cached;

    InfluenceGraphs(InfluenceTieGraph ties, GraphRelay relay, Outbox outbox, SeedConfig config) {
        this.ties = ties;
        this.relay = relay;
        this.outbox = outbox;
        this.config = config;
    }

    /**
     * The graph at its current version: the cached one when nothing changed, else the cached one brought up to date,
     * else read whole (one reader at a time).
     */
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
            Optional<InfluenceGraph> updated = graph == null ? Optional.empty() : updated(graph, version);
            if (updated.isPresent()) {
                cached = updated.get();
                return cached;
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

    /**
     * {@code graph} brought up to {@code version} by reading again the contacts whose ties changed; empty when it
     * must be read whole: another day or rebuild, too old, too many changes, or a change that does not name the
     * contact it leaves (removals recorded before they did).
     */
    private Optional<InfluenceGraph> updated(InfluenceGraph graph, GraphVersion version) {
        GraphVersion held = graph.version;
        if (!held.day().equals(version.day()) || !java.util.Objects.equals(held.lastRebuild(), version.lastRebuild())
                || version.appliedPosition() < held.appliedPosition() || !young(graph)) {
            return Optional.empty();
        }
        Optional<List<String>> named = outbox.fieldOfChanges(held.appliedPosition(), version.appliedPosition(),
                TIE_CHANGES, "from", config.graphChangesMaxTies());
        if (named.isEmpty()) {
            return Optional.empty();
        }
        Set<UUID> changed = new HashSet<>();
        for (String from : named.get()) {
            UUID id = Ids.orNull(from);
            if (id == null) {
                return Optional.empty();
            }
            changed.add(id);
        }
        return ties.refresh(graph, version, changed, config.graphChangesMaxContacts());
    }

    private boolean fresh(InfluenceGraph graph, GraphVersion version) {
        return graph != null && graph.version.equals(version) && young(graph);
    }

    private boolean young(InfluenceGraph graph) {
        return Duration.between(graph.loadedAt, clock.instant()).compareTo(config.graphMaxAge()) < 0;
    }

    GraphVersion version() {
        return relay.version();
    }
}
