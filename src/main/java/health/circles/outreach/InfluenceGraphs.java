package health.circles.outreach;

import health.circles.network.GraphChanges;
import health.circles.sync.GraphRelay;
import health.circles.sync.GraphVersion;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Keeps the {@link InfluenceGraph} read from Neo4j ({@link InfluenceTieGraph}) in memory, keyed by the graph's
 * {@link GraphVersion}: the batches the relay applied (every change to contacts and ties), the latest rebuild and
 * repair, and the day (a tie whose {@code until} passes leaves the active graph at midnight).
 *
 * <p>When only batches were applied, the graph is brought up to date rather than read whole: the outbox rows of those
 * batches name the contact each tie change leaves ({@code from}, on upserts and removals alike) and each contact that
 * came or went, and only those are read again; the contacts erased since leave with every tie that ends at them
 * (erasure purges their outbox rows). The store's count of contacts must then match the graph's, or it is read whole.
 * So is it on another day, after a rebuild or a repair, and when its whole read is older than
 * {@code circles.outreach.seeds.graph-max-age}, a safety net for a change made to Neo4j outside the service.
 *
 * <p>Once seeds have been asked for, the graph is kept current in the background every
 * {@code circles.outreach.seeds.graph-keep-warm}, so that a request rarely pays for an update or a read.
 */
@ApplicationScoped
public class InfluenceGraphs {

    private static final Logger LOG = Logger.getLogger(InfluenceGraphs.class);

    private final InfluenceTieGraph ties;
    private final GraphRelay relay;
    private final GraphChanges changes;
    private final SeedConfig config;
    private final Clock clock = Clock.systemUTC();
    private volatile InfluenceGraph cached;
    /** Set once a graph is asked for (or from the start when it is read then): from then on it is kept warm. */
    private volatile boolean wanted;

    InfluenceGraphs(InfluenceTieGraph ties, GraphRelay relay, GraphChanges changes, SeedConfig config) {
        this.changes = changes;
        this.ties = ties;
        this.relay = relay;
        this.config = config;
    }

    /**
     * The graph at its current version: the cached one when nothing changed, else the cached one brought up to date,
     * else read whole (one reader at a time).
     */
    public InfluenceGraph current() {
        wanted = true;
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

    /**
     * Brings the graph up to date, or reads it, in the background, once it has been asked for or when it is read at
     * start: a request then finds it current. Off with {@code circles.outreach.seeds.graph-keep-warm=off}.
     */
    @Scheduled(every = "${circles.outreach.seeds.graph-keep-warm:1m}", delayed = "15s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void keepWarm() {
        if (!wanted && !config.graphReadAtStart()) {
            return;
        }
        try {
            current();
        } catch (RuntimeException e) {
            // The next request reads or updates it, and says why it cannot.
            LOG.debugf("Influence graph not kept warm: %s", e.getMessage());
        }
    }

    /** Whether a request now would be served from memory. */
    boolean isCached() {
        InfluenceGraph graph = cached;
        return graph != null && fresh(graph, version());
    }

    /**
     * {@code graph} brought up to {@code version} by reading again the contacts whose ties changed and those that came
     * or went, and leaving out those erased since; empty when it must be read whole: another day, rebuild or repair,
     * too old, too many changes, or a change that does not name its contact (removals recorded before they did).
     */
    private Optional<InfluenceGraph> updated(InfluenceGraph graph, GraphVersion version) {
        if (!graph.version.day().equals(version.day()) || !GraphChanges.followable(graph.version, version)
                || !young(graph)) {
            return Optional.empty();
        }
        Optional<Set<UUID>> changed = changes.contactsChanged(graph.version, version, GraphChanges.Ends.FROM,
                config.graphChangesMaxTies(), config.graphChangesMaxContacts());
        if (changed.isEmpty()) {
            return Optional.empty();
        }
        return ties.refresh(graph, version, changed.get(), changes.erasedSince(graph.loadedAt),
                config.graphChangesMaxContacts());
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
