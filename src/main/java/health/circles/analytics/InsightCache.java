package health.circles.analytics;

import health.circles.contact.ContactErased;
import health.circles.security.AuditedRecord;
import health.circles.sync.Outbox;
import health.circles.web.ReusableBodies;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The latest run's influencer pages and community details, kept in memory: they are read far more often than the
 * snapshot changes, and computing one explains every contact it shows (ties by type, communities reached, strongest
 * neighbours), a few dozen index lookups that 8 clients on 2 cores cannot afford on every call.
 *
 * <p>What keeps an answer right:
 * <ul>
 *   <li>the key holds the run and every parameter of the read; a new run is a new key;</li>
 *   <li>every change committed through this replica that an answer may show empties the cache once it has committed:
 *       a graph change (a contact's name, a tie: any outbox row), an erasure, a community named or renamed. An answer
 *       computed while such a change committed is handed to the readers that were waiting for it but not kept
 *       (its generation is older than the cache's);</li>
 *   <li>an answer naming a contact that has since been erased, through any replica, is never served: each hit checks
 *       the contacts it names against the erasure register (one indexed lookup) and is computed again;</li>
 *   <li>changes committed through other replicas (a rename, a contact's new name) show once the answer is
 *       {@code circles.analytics.read-cache.max-age} old;</li>
 *   <li>no answer depends on who asks: the analytics reads show names, kinds and scores, which every role allowed to
 *       call them sees (docs/security.md, "Minimum necessary"), so no role's view can reach another. A read that comes
 *       to depend on the caller must filter after the cache or put the caller's view into the key.</li>
 * </ul>
 * An answer's JSON is written once, by the first call that shows it, and sent again as it is by the calls that
 * follow ({@link health.circles.web.ReusableBody}); a new answer is a new value, so it is written afresh.
 * One caller computes a missing answer; the others asking for it meanwhile wait for that one rather than compute it
 * too. Failed reads (404, 409) are not kept.
 */
@ApplicationScoped
public class InsightCache {

    /** Something an answer shows changed; fired in the changing transaction, acted on once it commits. */
    public record Changed(String what) {
    }

    /** One read with all its parameters, of one run. */
    record Key(UUID run, String read, List<Object> parameters) {
    }

    /** A kept answer, or one being computed; its weight is the contacts it names, set once it is known. */
    private record Entry(long generation, long at, CompletableFuture<AuditedAnswer> answer, AtomicLong weight) {

        Entry(long generation, long at) {
            this(generation, at, new CompletableFuture<>(), new AtomicLong());
        }
    }

    /**
     * A cached answer with its JSON once a call has written it (sent again as it is: {@link ReusableBodies}), and the
     * contacts it names (checked against erasures on every hit).
     */
    record AuditedAnswer(ReusableBodies.Offer body, Set<UUID> contacts) {
    }

    private final AnalyticsConfig.ReadCache config;
    private final InsightStore store;
    private final ReusableBodies bodies;
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final Map<Key, Entry> entries;
    /** The weights of the entries kept, summed; guarded by {@link #entries}. */
    private long weight;

    InsightCache(AnalyticsConfig config, InsightStore store, ReusableBodies bodies) {
        this.config = config.readCache();
        this.store = store;
        this.bodies = bodies;
        int max = Math.max(1, this.config.maxEntries());
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
                if (size() > max) {
                    weight -= eldest.getValue().weight().get();
                    return true;
                }
                return false;
            }
        };
    }

    /**
     * The answer of {@code key}: the kept one when it is current, else {@code compute}'s (kept for the next reads).
     * {@code contacts} names the contacts an answer shows.
     */
    <T> T get(Key key, Supplier<T> compute, java.util.function.Function<T, Collection<UUID>> contacts) {
        if (!config.enabled()) {
            return compute.get();
        }
        for (int attempt = 0; ; attempt++) {
            if (attempt > 2) {
                return compute.get(); // others keep computing answers this caller may not take: compute its own
            }
            long now = System.nanoTime();
            long current = generation.get();
            Entry entry;
            boolean mine = false;
            synchronized (entries) {
                entry = entries.get(key);
                if (entry == null || entry.generation() != current
                        || now - entry.at() > config.maxAge().toNanos()) {
                    Entry replaced = entries.put(key, entry = new Entry(current, now));
                    if (replaced != null) {
                        weight -= replaced.weight().get();
                    }
                    mine = true;
                }
            }
            if (mine) {
                misses.incrementAndGet();
                try {
                    T value = compute.get();
                    AuditedAnswer answer = new AuditedAnswer(new ReusableBodies.Offer(value),
                            Set.copyOf(contacts.apply(value)));
                    entry.answer().complete(answer);
                    weigh(key, entry, answer.contacts().size() + 1L);
                    bodies.offer(answer.body());
                    return value;
                } catch (RuntimeException | Error e) {
                    entry.answer().completeExceptionally(e);
                    drop(key, entry);
                    throw e;
                }
            }
            AuditedAnswer answer;
            try {
                answer = entry.answer().join();
            } catch (CompletionException e) {
                // The caller computing it failed (a 404, or the store): ask again ourselves, to get our own error.
                drop(key, entry);
                continue;
            }
            if (!answer.contacts().isEmpty() && !store.erased(answer.contacts()).isEmpty()) {
                drop(key, entry); // erased through another replica since: computed again, without the contact
                continue;
            }
            hits.incrementAndGet();
            bodies.offer(answer.body());
            @SuppressWarnings("unchecked")
            T value = (T) answer.body().value();
            return value;
        }
    }

    /** An audited answer's contacts: the ones the audit trail records it as showing. */
    static Collection<UUID> named(Object answer) {
        if (answer instanceof AuditedRecord record) {
            return record.auditContacts();
        }
        if (answer instanceof health.circles.web.Page<?> page) {
            Set<UUID> ids = new LinkedHashSet<>();
            page.items().forEach(item -> ids.addAll(named(item)));
            return ids;
        }
        return List.of();
    }

    private void drop(Key key, Entry entry) {
        synchronized (entries) {
            if (entries.remove(key, entry)) {
                weight -= entry.weight().get();
            }
        }
    }

    /**
     * Counts a computed answer's weight while it is still kept, then drops the least recently used answers until the
     * weight is within {@code max-named} again (never the answer just kept, however heavy).
     */
    private void weigh(Key key, Entry entry, long named) {
        synchronized (entries) {
            if (entries.get(key) != entry) {
                return; // dropped, or replaced, meanwhile
            }
            entry.weight().set(named);
            weight += named;
            var eldest = entries.entrySet().iterator();
            while (weight > config.maxNamed() && eldest.hasNext()) {
                Map.Entry<Key, Entry> e = eldest.next();
                if (e.getValue() == entry) {
                    break;
                }
                weight -= e.getValue().weight().get();
                eldest.remove();
            }
        }
    }

    /** Forgets every answer: the next read of each is computed again. */
    public void clear() {
        generation.incrementAndGet();
        synchronized (entries) {
            entries.clear();
            weight = 0;
        }
    }

    /** The contacts named by the answers kept now, summed. */
    long weight() {
        synchronized (entries) {
            return weight;
        }
    }

    /** Answers kept now. */
    long size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    /** Answers served from the cache since start. */
    long hits() {
        return hits.get();
    }

    /** Answers computed since start. */
    long misses() {
        return misses.get();
    }

    void onChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) Changed changed) {
        clear();
    }

    void onGraphChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) Outbox.Appended appended) {
        clear();
    }

    void onErased(@Observes(during = TransactionPhase.AFTER_SUCCESS) ContactErased erased) {
        clear();
    }
}
