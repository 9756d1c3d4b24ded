package health.circles.network;

import health.circles.contact.ContactErased;
import health.circles.sync.BackgroundWork;
import health.circles.sync.GraphVersion;
import health.circles.sync.GraphRelay;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * A stale copy is dropped and, in the background, one at a time, brought up to date from the changes since (the
 * contacts they name read again, {@link GraphChanges}), or read whole where it cannot be, at most once per
 * {@code circles.network.circles.memory.min-reload-interval}; meanwhile questions go to the graph store. No read
 * happens until circles are asked for, so a replica that serves none holds no copy.
 */
@ApplicationScoped
public class CirclesMemory {

    private static final Logger LOG = Logger.getLogger(CirclesMemory.class);

    private final NetworkGraph graph;
    private final GraphRelay relay;
    private final GraphChanges changes;
    private final Timer wholeReads;
    private final Timer updates;
    private final BackgroundWork background;
    private final NetworkConfig.Circles config;
    private final Clock clock = Clock.systemUTC();
    private final AtomicBoolean reading = new AtomicBoolean();
    private final AtomicLong answered = new AtomicLong();
    private volatile TieAdjacency held;
    /** The latest copy read or brought up to date, current or not: what the next one is brought from. */
    private volatile TieAdjacency base;
    /** Set once circles are asked for (or from the start when the copy is read then): from then on it is kept warm. */
    private volatile boolean wanted;
    /** The update under way ({@link #readLater}), if any. */
    private volatile CompletableFuture<TieAdjacency> updating;
    private volatile long lastReadStarted = System.nanoTime() - Duration.ofDays(1).toNanos();

    CirclesMemory(NetworkGraph graph, GraphRelay relay, GraphChanges changes, BackgroundWork background,
                  NetworkConfig config, MeterRegistry registry) {
        this.wholeReads = Timer.builder("circles.network.circles.memory.reads").tag("read", "whole")
                .description("Copies of the graph read whole into memory for circles").register(registry);
        this.updates = Timer.builder("circles.network.circles.memory.reads").tag("read", "changes")
                .description("Copies of the graph for circles brought up to date from the changes since")
                .register(registry);
        this.changes = changes;
        this.graph = graph;
        this.relay = relay;
        this.background = background;
        this.config = config.circles();
    }

    /**
     * The circles from memory when the copy there is current; empty when it is not (the caller asks the graph store).
     * A stale copy starts its update in the background, or a whole read unless one was started within the minimum
     * interval. While an update is under way, the question waits for it, up to
     * {@code circles.network.circles.memory.update-wait}: an update reads only the contacts that changed, and a walk
     * of the graph store costs every question beside it a share of the CPU.
     */
    Optional<NetworkGraph.Found> circles(String centre, int depth, List<String> kinds, List<String> types,
                                         double minStrength, int limit, LocalDate today) {
        if (!config.memory().enabled()) {
            return Optional.empty();
        }
        wanted = true;
        GraphVersion version = relay.version();
        TieAdjacency copy = current(version);
        long deadline = System.nanoTime() + config.memory().updateWait().toNanos();
        CompletableFuture<TieAdjacency> waited = null;
        while (copy == null) {
            CompletableFuture<TieAdjacency> update = readLater();
            long wait = deadline - System.nanoTime();
            if (update == null || update == waited || wait <= 0) {
                return Optional.empty();
            }
            waited = update;
            try {
                update.get(wait, TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
            // The update may have started before this question's version was read: if so, the next one is waited for.
            copy = current(version);
        }
        answered.incrementAndGet();
        return Optional.of(copy.circles(centre, depth, kinds, types, minStrength, limit, today, config.maxRingSize(),
                config.maxLimit()));
    }

    /**
     * Starts bringing the copy up to date, or reading it, in the background when it is behind, once circles have been
     * asked for or when it is read at start. Off with {@code circles.network.circles.memory.keep-warm=off}.
     */
    @Scheduled(every = "${circles.network.circles.memory.keep-warm:1m}", delayed = "15s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void keepWarm() {
        if (!config.memory().enabled() || (!wanted && !config.memory().readAtStart())) {
            return;
        }
        try {
            if (current(relay.version()) == null) {
                readLater();
            }
        } catch (RuntimeException e) {
            LOG.debugf("Graph in memory for circles not kept warm: %s", e.getMessage());
        }
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

    /**
     * Starts bringing the copy up to date in the background, or reading it whole, unless either is under way. Returns
     * the update under way, which completes once the copy it brings is held (with it, or with null when the copy could
     * not be brought up to date); null when there is none (a whole read, or nothing to do yet).
     */
    private CompletableFuture<TieAdjacency> readLater() {
        if (!reading.compareAndSet(false, true)) {
            return updating;
        }
        TieAdjacency from = base;
        if (from == null && !wholeReadDue()) {
            reading.set(false);
            return null;
        }
        CompletableFuture<TieAdjacency> update = from == null ? null : new CompletableFuture<>();
        updating = update;
        try {
            background.execute(() -> bringUpToDate(from, update));
        } catch (RuntimeException e) {
            // Refused (the service is stopping): the question is walked in the graph store.
            updating = null;
            reading.set(false);
            LOG.debugf("Graph not brought up to date for circles: %s", e.getMessage());
            return null;
        }
        return update;
    }

    /** The background work of {@link #readLater}: {@code update} completes as soon as the update is held or fails. */
    private void bringUpToDate(TieAdjacency from, CompletableFuture<TieAdjacency> update) {
        TieAdjacency copy = null;
        try {
            if (from != null) {
                try {
                    copy = update(from).orElse(null);
                    if (copy != null) {
                        base = copy;
                        held = copy;
                    } else {
                        // Of no use now, and it may hold the name of someone erased through another replica.
                        base = null;
                    }
                } finally {
                    update.complete(copy);
                }
            }
            if (copy == null && (from == null || wholeReadDue())) {
                copy = read();
                base = copy;
                held = copy;
            }
        } catch (RuntimeException e) {
            LOG.warnf("Graph not read into memory for circles (they are walked in the graph store): %s",
                    e.getMessage());
        } finally {
            updating = null;
            reading.set(false);
        }
    }

    /** Whether a read of the whole graph may start now (at most one per minimum interval); if so, it counts as one. */
    private boolean wholeReadDue() {
        if (System.nanoTime() - lastReadStarted < config.memory().minReloadInterval().toNanos()) {
            return false;
        }
        lastReadStarted = System.nanoTime();
        return true;
    }

    /** Reads the whole graph, stamped with the version read first. */
    TieAdjacency read() {
        long started = System.nanoTime();
        GraphVersion version = relay.version();
        TieAdjacency.Builder builder = new TieAdjacency.Builder();
        graph.readAll(builder);
        TieAdjacency copy = builder.build(version, clock.instant());
        planUpdates();
        long nanos = System.nanoTime() - started;
        wholeReads.record(nanos, TimeUnit.NANOSECONDS);
        LOG.infof("Graph read into memory for circles at position %d: %d contacts, %d ties in %d ms",
                version.appliedPosition(), copy.contacts(), copy.ties, nanos / 1_000_000);
        return copy;
    }

    /**
     * Has the graph store plan the statements an update reads with, by reading a contact that is not there: the first
     * update after a whole read would otherwise plan them while questions wait (0.3 s at 100k / 1M).
     */
    private void planUpdates() {
        try {
            graph.readContacts(List.of(UUID.randomUUID().toString()));
        } catch (RuntimeException e) {
            LOG.debugf("Statements of the circles' updates not planned ahead: %s", e.getMessage());
        }
    }

    /**
     * {@code from} brought up to the graph's version now, stamped with it: the contacts the changes since name read
     * again, those erased since left out. Empty when it must be read whole: too old, another rebuild or repair, too
     * many changes, one that names no contact, or a count of contacts in the store that the changes do not explain.
     */
    Optional<TieAdjacency> update(TieAdjacency from) {
        long started = System.nanoTime();
        GraphVersion version = relay.version();
        boolean young = Duration.between(from.loadedAt, clock.instant()).compareTo(config.memory().maxAge()) < 0;
        if (!young || !GraphChanges.followable(from.version, version)) {
            return Optional.empty();
        }
        Optional<Set<UUID>> changed = changes.contactsChanged(from.version, version, GraphChanges.Ends.BOTH,
                config.memory().changesMaxTies(), config.memory().changesMaxContacts());
        if (changed.isEmpty()) {
            return Optional.empty();
        }
        Set<String> erased = new HashSet<>();
        changes.erasedSince(from.loadedAt).forEach(id -> erased.add(id.toString()));
        List<String> names = changed.get().stream().map(UUID::toString).filter(id -> !erased.contains(id)).toList();
        if (names.size() > config.memory().changesMaxContacts()) {
            return Optional.empty();
        }
        long named = System.nanoTime();
        NetworkGraph.Reread read = graph.readContacts(names);
        long reread = System.nanoTime();
        Set<String> gone = new HashSet<>(erased);
        names.stream().filter(id -> !read.contacts().containsKey(id)).forEach(gone::add);
        long held = from.contacts() + read.contacts().keySet().stream().filter(id -> !from.holds(id)).count()
                - gone.stream().filter(from::holds).count();
        if (held + from.withoutId != read.count()) {
            LOG.infof("Graph read whole into memory for circles: the store holds %d contacts where the changes "
                    + "since position %d account for %d", read.count(), from.version.appliedPosition(),
                    held + from.withoutId);
            return Optional.empty();
        }
        TieAdjacency copy = from.with(read.contacts(), gone, version);
        long done = System.nanoTime();
        updates.record(done - started, TimeUnit.NANOSECONDS);
        // Debug only: with writes all day this happens every few seconds (the timer counts them).
        LOG.debugf("Graph in memory for circles brought from position %d to %d: %d contacts read again, %d left out, "
                        + "in %.1f ms (changes %.1f, graph store %.1f, arrays %.1f, %s)", from.version.appliedPosition(),
                version.appliedPosition(), names.size(), gone.size(), (done - started) / 1e6, (named - started) / 1e6,
                (reread - named) / 1e6, (done - reread) / 1e6,
                copy.sharesTiesWith(from) ? "ties written in place" : "ties written anew");
        return Optional.of(copy);
    }

    /**
     * An erasure through this replica lets the copy go at once: it holds names, and would otherwise keep the erased
     * person's until the next question found it behind. (Another replica's copy is let go at its next question.)
     */
    void onErased(@Observes(during = TransactionPhase.AFTER_SUCCESS) ContactErased erased) {
        held = null;
        base = null;
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
