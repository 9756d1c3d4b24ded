package health.circles.network;

import health.circles.contact.ContactErased;
import health.circles.sync.BackgroundWork;
import health.circles.sync.GraphVersion;
import health.circles.sync.GraphRelay;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Circles from a copy of the graph in memory ({@link TieAdjacency}), while that copy is current; otherwise the caller
 * walks the graph store, as before.
 *
 * <p>A walk of two rings in Neo4j reads the records of a few hundred contacts and their ties on every call (about 20 ms
 * of CPU at 100k contacts and 1M ties); in memory the same walk is a few array reads. What keeps the answer the same:
 * <ul>
 *   <li>the copy is stamped with the {@link GraphVersion} read <em>before</em> the graph was, so it holds at least
 *       every change up to its stamp;</li>
 *   <li>a question is answered from it only when the graph's version now, read after the caller's read-your-writes
 *       wait, is no later than that stamp: a copy never hides a write the graph store would show (an erasure
 *       included: it leaves the graph through the outbox and moves the version);</li>
 *   <li>the day is not in the stamp: an end date is compared with the question's day on every walk.</li>
 * </ul>
 * A stale copy is dropped and read again in the background, one read at a time and at most once per
 * {@code circles.network.circles.memory.min-reload-interval}; meanwhile questions go to the graph store. No read
 * happens until circles are asked for, so a replica that serves none holds no copy.
 */
@ApplicationScoped
public class CirclesMemory {

    private static final Logger LOG = Logger.getLogger(CirclesMemory.class);

    private final NetworkGraph graph;
    private final GraphRelay relay;
    private final BackgroundWork background;
    private final NetworkConfig.Circles config;
    private final Clock clock = Clock.systemUTC();
    private final AtomicBoolean reading = new AtomicBoolean();
    private final AtomicLong answered = new AtomicLong();
    private volatile TieAdjacency held;
    private volatile long lastReadStarted = System.nanoTime() - Duration.ofDays(1).toNanos();

    CirclesMemory(NetworkGraph graph, GraphRelay relay, BackgroundWork background, NetworkConfig config) {
        this.graph = graph;
        this.relay = relay;
        this.background = background;
        this.config = config.circles();
    }

    /**
     * The circles from memory when the copy there is current; empty when it is not (the caller asks the graph store),
     * and then a new copy is read in the background unless one was started within the minimum interval.
     */
    Optional<NetworkGraph.Found> circles(String centre, int depth, List<String> kinds, List<String> types,
                                         double minStrength, int limit, LocalDate today) {
        if (!config.memory().enabled()) {
            return Optional.empty();
        }
        TieAdjacency copy = current(relay.version());
        if (copy == null) {
            readLater();
            return Optional.empty();
        }
        answered.incrementAndGet();
        return Optional.of(copy.circles(centre, depth, kinds, types, minStrength, limit, today, config.maxRingSize(),
                config.maxLimit()));
    }

    /**
     * The copy held when it holds every change of {@code version} and is not too old; else null. A copy behind the
     * graph is let go (versions only move forward: it will not be current again); one stamped after the version this
     * question read is kept for the next.
     */
    private TieAdjacency current(GraphVersion version) {
        TieAdjacency copy = held;
        if (copy == null) {
            return null;
        }
        boolean young = Duration.between(copy.loadedAt, clock.instant()).compareTo(config.memory().maxAge()) < 0;
        if (young && copy.version.covers(version)) {
            return copy;
        }
        if ((!young || copy.version.behind(version)) && held == copy) {
            held = null;
        }
        return null;
    }

    private void readLater() {
        if (System.nanoTime() - lastReadStarted < config.memory().minReloadInterval().toNanos()
                || !reading.compareAndSet(false, true)) {
            return;
        }
        lastReadStarted = System.nanoTime();
        background.execute(() -> {
            try {
                held = read();
            } catch (RuntimeException e) {
                LOG.warnf("Graph not read into memory for circles (they are walked in the graph store): %s",
                        e.getMessage());
            } finally {
                reading.set(false);
            }
        });
    }

    /** Reads the whole graph, stamped with the version read first. */
    TieAdjacency read() {
        long started = System.nanoTime();
        GraphVersion version = relay.version();
        TieAdjacency.Builder builder = new TieAdjacency.Builder();
        graph.readAll(builder);
        TieAdjacency copy = builder.build(version, clock.instant());
        LOG.infof("Graph read into memory for circles at position %d: %d contacts, %d ties in %d ms",
                version.appliedPosition(), copy.contacts(), copy.ties, (System.nanoTime() - started) / 1_000_000);
        return copy;
    }

    /**
     * An erasure through this replica lets the copy go at once: it holds names, and would otherwise keep the erased
     * person's until the next question found it behind. (Another replica's copy is let go at its next question.)
     */
    void onErased(@Observes(during = TransactionPhase.AFTER_SUCCESS) ContactErased erased) {
        held = null;
    }

    /** Whether a copy is held, current or not. */
    boolean holdsCopy() {
        return held != null;
    }

    /** Circles answered from memory since start. */
    long answered() {
        return answered.get();
    }

    /** Whether circles asked now at the graph's current version would be answered from memory. */
    boolean isCurrent() {
        return current(relay.version()) != null;
    }
}
