package health.circles.network;

import health.circles.contact.ContactKind;
import health.circles.contact.ContactDirectory;
import health.circles.sync.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Keeps tie strengths in step with touchpoints: recomputes the ties between given pairs of contacts (after a
 * touchpoint is recorded or deleted, or after an import), infers ties where touchpoints join contacts that have none,
 * and refreshes decayed strengths on a schedule. Every changed tie goes to the graph through the outbox.
 */
@ApplicationScoped
public class StrengthService {

    private static final Logger LOG = Logger.getLogger(StrengthService.class);
    private static final int REFRESH_CHUNK = 500;

    private final TieStore ties;
    private final TouchpointStore touchpoints;
    private final ContactDirectory contacts;
    private final Outbox outbox;
    private final TieStrength strength;
    private final NetworkConfig config;
    private final Clock clock = Clock.systemUTC();

    StrengthService(TieStore ties, TouchpointStore touchpoints, ContactDirectory contacts, Outbox outbox,
                    TieStrength strength, NetworkConfig config) {
        this.ties = ties;
        this.touchpoints = touchpoints;
        this.contacts = contacts;
        this.outbox = outbox;
        this.strength = strength;
        this.config = config;
    }

    /** What a recomputation changed, and the outbox position after which the graph shows it (0: nothing written). */
    public record Recomputed(List<TouchpointView.TieStrengthView> changed, List<UUID> deleted, long position) {
    }

    /**
     * Recomputes, as of now, the strength of every active tie between each pair, writes those that changed (with
     * their outbox rows), and deletes inferred ties that no touchpoint supports any more. Joins the caller's
     * transaction, or runs in its own.
     */
    @Transactional
    public Recomputed recompute(Collection<ContactPair> pairs) {
        return apply(pairs, false, now(), 0);
    }

    /** Like {@link #recompute}, and first creates an inferred tie for each pair joined by no active tie. */
    @Transactional
    public Recomputed recomputeAndInfer(Collection<ContactPair> pairs) {
        return apply(pairs, true, now(), 0);
    }

    /** A tie's strength now, from its declared strength and the touchpoints its two contacts share. */
    @Transactional
    public double strengthOf(double declared, UUID from, UUID to) {
        ContactPair pair = ContactPair.of(from, to);
        return strength.of(declared, touchpoints.contributions(List.of(pair)).getOrDefault(pair, List.of()), now());
    }

    @Scheduled(cron = "${circles.network.strength.refresh-cron}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void nightly() {
        long started = System.nanoTime();
        int changed = refresh(now());
        LOG.infof("Refreshed decayed tie strengths: %d ties changed in %d ms", changed,
                (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Recomputes, as of {@code asOf}, every tie whose strength comes partly from touchpoints, in chunks of their own
     * transactions; writes only changes above the configured minimum. Returns how many ties changed.
     */
    public int refresh(Instant asOf) {
        int changed = 0;
        UUID after = null;
        while (true) {
            UUID from = after;
            Chunk chunk = QuarkusTransaction.requiringNew().call(() -> {
                List<Tie> batch = ties.touchpointFed(from, REFRESH_CHUNK);
                Set<ContactPair> pairs = batch.stream().map(t -> ContactPair.of(t.fromId, t.toId))
                        .collect(Collectors.toCollection(LinkedHashSet::new));
                Recomputed done = apply(pairs, false, asOf, config.strength().minChange());
                return new Chunk(batch.isEmpty() ? null : batch.get(batch.size() - 1).id,
                        done.changed().size() + done.deleted().size(), batch.size());
            });
            changed += chunk.changed;
            if (chunk.size < REFRESH_CHUNK) {
                return changed;
            }
            after = chunk.last;
        }
    }

    private record Chunk(UUID last, int changed, int size) {
    }

    private Recomputed apply(Collection<ContactPair> pairs, boolean infer, Instant now, double minChange) {
        if (pairs.isEmpty()) {
            return new Recomputed(List.of(), List.of(), 0);
        }
        ties.lock(pairs);
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Map<ContactPair, List<Tie>> active = new HashMap<>();
        for (Tie t : ties.activeBetween(pairs, today)) {
            active.computeIfAbsent(ContactPair.of(t.fromId, t.toId), k -> new ArrayList<>()).add(t);
        }
        Map<ContactPair, List<TieStrength.Contribution>> contributions = touchpoints.contributions(pairs);
        Set<Tie> created = new LinkedHashSet<>();
        if (infer) {
            created.addAll(infer(pairs, active, now));
        }
        List<Tie> changed = new ArrayList<>();
        List<Tie> deleted = new ArrayList<>();
        for (ContactPair pair : pairs) {
            List<TieStrength.Contribution> shared = contributions.getOrDefault(pair, List.of());
            for (Tie tie : active.getOrDefault(pair, List.of())) {
                double s = strength.of(tie.declaredStrength, shared, now);
                if (created.contains(tie)) {
                    tie.strength = s;
                    ties.persist(tie);
                    changed.add(tie);
                } else if (tie.assertion == TieAssertion.INFERRED && shared.isEmpty()) {
                    deleted.add(tie);
                } else if (Math.abs(s - tie.strength) > Math.max(minChange, 1e-6)) {
                    tie.strength = s;
                    tie.updatedAt = now.truncatedTo(ChronoUnit.MICROS);
                    changed.add(tie);
                }
            }
        }
        deleted.forEach(ties::delete);
        ties.flush(); // assigns the new versions, which the outbox rows carry
        long position = 0;
        for (Tie tie : changed) {
            position = TieGraph.append(outbox, tie);
        }
        for (Tie tie : deleted) {
            position = outbox.append(TieGraph.DELETED, tie.id, tie.version + 1, TieGraph.deleted(tie));
        }
        List<TouchpointView.TieStrengthView> views = changed.stream()
                .map(t -> new TouchpointView.TieStrengthView(t.id, t.fromId, t.toId, t.type, t.strength,
                        created.contains(t)))
                .toList();
        return new Recomputed(views, deleted.stream().map(t -> t.id).toList(), position);
    }

    /** New ties, not yet persisted, for the pairs no active tie joins; added to {@code active}. */
    private List<Tie> infer(Collection<ContactPair> pairs, Map<ContactPair, List<Tie>> active, Instant now) {
        List<ContactPair> bare = pairs.stream().filter(p -> !active.containsKey(p)).toList();
        if (bare.isEmpty()) {
            return List.of();
        }
        Set<UUID> ids = new LinkedHashSet<>();
        bare.forEach(p -> {
            ids.add(p.a());
            ids.add(p.b());
        });
        Map<UUID, ContactKind> kinds = contacts.findAll(ids).values().stream()
                .collect(Collectors.toMap(ContactDirectory.Entry::id, ContactDirectory.Entry::kind));
        Instant at = now.truncatedTo(ChronoUnit.MICROS);
        List<Tie> created = new ArrayList<>();
        for (ContactPair pair : bare) {
            ContactKind ka = kinds.get(pair.a());
            ContactKind kb = kinds.get(pair.b());
            if (ka == null || kb == null) {
                continue; // deleted meanwhile
            }
            // inferredBetween never names a granting type; the filter keeps it so whatever the inference becomes.
            TieType.inferredBetween(ka, kb).filter(inferred -> !inferred.type().grantsAccess()).ifPresent(inferred -> {
                Tie tie = new Tie();
                tie.id = UUID.randomUUID();
                tie.fromId = inferred.reversed() ? pair.b() : pair.a();
                tie.toId = inferred.reversed() ? pair.a() : pair.b();
                tie.type = inferred.type().name();
                tie.symmetric = !inferred.type().directed();
                tie.declaredStrength = 0;
                tie.source = TieSource.TOUCHPOINT;
                tie.assertion = TieAssertion.INFERRED;
                tie.assertedAt = at;
                tie.notes = "Inferred from touchpoints";
                tie.createdAt = at;
                tie.updatedAt = at;
                active.put(pair, new ArrayList<>(List.of(tie)));
                created.add(tie);
            });
        }
        return created;
    }

    private Instant now() {
        return clock.instant();
    }
}
