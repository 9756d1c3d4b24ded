package health.circles.outreach;

import health.circles.contact.ContactDirectory;
import health.circles.contact.ContactGraph;
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
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

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
 */
@ApplicationScoped
public class InfluenceGraphs {

    /** The outbox changes that move a tie in or out of the graph; only the ties projection writes TIE edges. */
    private static final Set<String> TIE_CHANGES = Set.of(TieGraph.UPSERTED, TieGraph.DELETED);

    /** The outbox changes that bring a contact into the graph or take it out. */
    private static final Set<String> CONTACT_CHANGES = Set.of(ContactGraph.UPSERTED, ContactGraph.DELETED);

    /**
     * How long before a graph's whole read an erasure may have been recorded and still not be in it: its removal from
     * the graph may have been applied, and its outbox rows purged, only after the read. Erasures are few.
     */
    private static final Duration ERASURE_MARGIN = Duration.ofDays(1);

    private final InfluenceTieGraph ties;
    private final GraphRelay relay;
    private final Outbox outbox;
    private final ContactDirectory contacts;
    private final SeedConfig config;
    private final Clock clock = Clock.systemUTC();
    private volatile InfluenceGraph cached;

    InfluenceGraphs(InfluenceTieGraph ties, GraphRelay relay, Outbox outbox, ContactDirectory contacts,
                    SeedConfig config) {
        this.contacts = contacts;
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
     * {@code graph} brought up to {@code version} by reading again the contacts whose ties changed and those that came
     * or went, and leaving out those erased since; empty when it must be read whole: another day or rebuild, too old,
     * too many changes, or a change that does not name its contact (removals recorded before they did).
     */
    private Optional<InfluenceGraph> updated(InfluenceGraph graph, GraphVersion version) {
        GraphVersion held = graph.version;
        if (!held.day().equals(version.day()) || !Objects.equals(held.lastRebuild(), version.lastRebuild())
                || !Objects.equals(held.repairedAt(), version.repairedAt())
                || version.appliedBatches() < held.appliedBatches() || !young(graph)) {
            return Optional.empty();
        }
        Set<UUID> changed = new HashSet<>();
        if (!named(graph, version, TIE_CHANGES, "from", config.graphChangesMaxTies(), changed)
                || !named(graph, version, CONTACT_CHANGES, "id", config.graphChangesMaxContacts(), changed)) {
            return Optional.empty();
        }
        Set<UUID> erased = new HashSet<>(contacts.erasedSince(graph.loadedAt.minus(ERASURE_MARGIN)));
        return ties.refresh(graph, version, changed, erased, config.graphChangesMaxContacts());
    }

    /**
     * Adds to {@code changed} the contact each outbox change of {@code types} since {@code graph} names in
     * {@code field}; false when there are more than {@code limit} such changes, or one names none.
     */
    private boolean named(InfluenceGraph graph, GraphVersion version, Set<String> types, String field, long limit,
                          Set<UUID> changed) {
        Optional<List<String>> named = outbox.fieldOfChanges(graph.version.appliedBatches(),
                version.appliedBatches(), types, field, limit);
        if (named.isEmpty()) {
            return false;
        }
        for (String name : named.get()) {
            UUID id = Ids.orNull(name);
            if (id == null) {
                return false;
            }
            changed.add(id);
        }
        return true;
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
