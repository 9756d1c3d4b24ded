package health.circles.outreach;

import health.circles.contact.ContactDirectory;
import health.circles.failure.InvalidInput;
import health.circles.failure.NotFound;
import health.circles.failure.RuleRefused;
import health.circles.network.GraphReads;
import health.circles.network.TieInput;
import health.circles.network.TieService;
import health.circles.network.TieSource;
import health.circles.security.Callers;
import health.circles.security.Disclosure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Who should know whom: ties proposed to a contact by link prediction over the active tie graph, useful pairings
 * ranked up, do-not-contact contacts and earlier decisions left out; accepting one creates the tie through the network
 * service and remembers it, dismissing one is remembered so that the pair is not proposed again.
 */
@ApplicationScoped
public class SuggestionService {

    /** Tags that mark a peer mentor or a community health worker (tags are stored lower-cased). */
    static final Set<String> PEER_MENTOR = Set.of("peer-mentor", "peer_mentor", "peer mentor");
    static final Set<String> HEALTH_WORKER = Set.of("community-health-worker", "community_health_worker", "chw");

    private final SuggestionGraph graph;
    private final SuggestionStore store;
    private final SuggestionConfig config;
    private final ContactDirectory directory;
    private final Disclosure disclosure;
    private final TieService ties;
    private final GraphReads graphReads;
    private final Callers callers;

    SuggestionService(SuggestionGraph graph, SuggestionStore store, SuggestionConfig config, ContactDirectory directory,
                      Disclosure disclosure, TieService ties, GraphReads graphReads, Callers callers) {
        this.graph = graph;
        this.store = store;
        this.config = config;
        this.directory = directory;
        this.disclosure = disclosure;
        this.ties = ties;
        this.graphReads = graphReads;
        this.callers = callers;
    }

    static SuggestionGraph.Measure measure(String value) {
        if (value == null || value.isBlank()) {
            return SuggestionGraph.Measure.ADAMIC_ADAR;
        }
        String name = value.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        if (name.equals("ADAMICADAR")) {
            name = "ADAMIC_ADAR";
        } else if (name.equals("RESOURCEALLOCATION")) {
            name = "RESOURCE_ALLOCATION";
        } else if (name.equals("COMMONNEIGHBORS") || name.equals("COMMON_NEIGHBOURS")) {
            name = "COMMON_NEIGHBORS";
        }
        try {
            return SuggestionGraph.Measure.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw InvalidInput.field("measure", "one of ADAMIC_ADAR, RESOURCE_ALLOCATION, COMMON_NEIGHBORS");
        }
    }

    /** The suggestions for a contact, best first (404 for an unknown contact, or one a clinician does not see whole). */
    public TieSuggestions suggest(UUID id, String measureName, int limit, Long consistentWith) {
        SuggestionGraph.Measure measure = measure(measureName);
        ContactDirectory.Entry self = visible(id);
        List<String> notes = new ArrayList<>();
        if (!graphReads.await(consistentWith)) {
            notes.add("recent writes had not all reached the graph when it was read");
        }
        List<UUID> skip = store.decided(id);
        List<SuggestionGraph.Candidate> candidates = graph.candidates(id, measure, skip, config.maxCandidates(),
                config.pool());
        Set<UUID> named = new HashSet<>();
        candidates.forEach(c -> {
            named.add(c.id());
            named.addAll(c.shared());
        });
        named.add(id);
        Map<UUID, SuggestionStore.Profile> profiles = store.profiles(new ArrayList<>(named));
        Map<UUID, ContactDirectory.Entry> names = directory.findAll(named);
        SuggestionStore.Profile me = profiles.get(id);
        if (me != null && me.doNotContact()) {
            // Introducing them is contacting them, whichever end of the pair they are.
            notes.add("the contact asked not to be contacted: nobody is introduced to them");
            return new TieSuggestions(id, measure.name(), List.of(), notes);
        }
        record Ranked(SuggestionGraph.Candidate c, String pairing, double rank) {
        }
        List<Ranked> ranked = new ArrayList<>();
        int leftOut = 0;
        for (SuggestionGraph.Candidate c : candidates) {
            SuggestionStore.Profile other = profiles.get(c.id());
            if (other == null || other.doNotContact()) {
                leftOut++;
                continue; // asked to be left alone (or gone since the graph was read): nobody is introduced to them
            }
            String pairing = pairing(me == null ? self.kind().name() : me.kind(), other, c.supportGroup());
            ranked.add(new Ranked(c, pairing, c.score() * (pairing == null ? 1 : 1 + config.pairingBoost())));
        }
        if (leftOut > 0) {
            notes.add(leftOut + " candidates left out: do-not-contact");
        }
        ranked.sort(Comparator.comparingDouble(Ranked::rank).reversed()
                .thenComparing(r -> -r.c().shared().size()).thenComparing(r -> r.c().id()));
        List<TieSuggestions.TieSuggestion> out = new ArrayList<>();
        for (Ranked r : ranked.subList(0, Math.min(limit, ranked.size()))) {
            ContactDirectory.Entry e = names.get(r.c().id());
            List<TieSuggestions.SharedContact> shared = r.c().shared().stream().limit(10).map(names::get)
                    .filter(java.util.Objects::nonNull)
                    .map(s -> new TieSuggestions.SharedContact(s.id(), s.displayName(), s.kind().name())).toList();
            out.add(new TieSuggestions.TieSuggestion(r.c().id(), e == null ? null : e.displayName(),
                    e == null ? r.c().kind() : e.kind().name(), round(r.c().score()), round(r.rank()), r.pairing(),
                    r.c().shared().size(), shared));
        }
        return new TieSuggestions(id, measure.name(), out, notes);
    }

    /**
     * The useful pairings: a patient or family member with a peer mentor or a community health worker; a caregiver
     * with a member of a support group or a peer mentor; a clinician with a community leader.
     */
    static String pairing(String selfKind, SuggestionStore.Profile other, boolean inSupportGroup) {
        boolean mentor = other.tags().stream().anyMatch(PEER_MENTOR::contains);
        boolean worker = other.tags().stream().anyMatch(HEALTH_WORKER::contains);
        return switch (selfKind) {
            case "PATIENT", "FAMILY" -> mentor ? "peer mentor" : worker ? "community health worker" : null;
            case "CAREGIVER" -> inSupportGroup ? "member of a support group" : mentor ? "peer mentor" : null;
            case "PHYSICIAN", "NURSE", "OTHER_CLINICIAN" -> "COMMUNITY_LEADER".equals(other.kind())
                    ? "community leader" : null;
            default -> null;
        };
    }

    /** Accepts a suggestion: the tie, through the network service (its rules and outbox), and the decision. */
    @Transactional
    public TieService.Written accept(UUID id, UUID other, SuggestionAcceptance body) {
        pair(id, other);
        String measure = body == null || body.measure() == null ? null : measure(body.measure()).name();
        if (graph.shared(id, other) == 0) {
            throw new RuleRefused("not-a-suggestion", "Not a suggestion",
                    "These contacts share no contact through an active tie, or are tied already: nothing suggests "
                            + "this tie (create it with POST /api/v1/ties if it is known)");
        }
        // Either end: accepting introduces each of the two to the other.
        if (store.profiles(List.of(id, other)).values().stream().anyMatch(SuggestionStore.Profile::doNotContact)) {
            throw new RuleRefused("do-not-contact", "Do not contact",
                    "The contact asked not to be contacted: nobody is introduced to them");
        }
        String type = body == null || body.type() == null ? "FRIEND_OF" : body.type();
        TieService.Written written = ties.create(new TieInput(id, other, type, null, null,
                body == null ? null : body.declaredStrength(), TieSource.MANUAL, null, null));
        store.decide(id, other, "ACCEPTED", written.tie().id(), measure, null, callers.current().subject(),
                Instant.now());
        return written;
    }

    /** Dismisses a suggestion: the pair is not proposed again, to either of the two. */
    @Transactional
    public void dismiss(UUID id, UUID other) {
        pair(id, other);
        store.decide(id, other, "DISMISSED", null, null, null, callers.current().subject(), Instant.now());
    }

    private void pair(UUID id, UUID other) {
        visible(id);
        if (id.equals(other)) {
            throw InvalidInput.field("otherId", "a tie joins two different contacts");
        }
        directory.find(other).orElseThrow(() -> new NotFound("contact", other));
    }

    /** The contact, when the caller may act for it: 404 when unknown or, for a clinician, not seen whole. */
    private ContactDirectory.Entry visible(UUID id) {
        ContactDirectory.Entry self = directory.find(id).orElseThrow(() -> new NotFound("contact", id));
        disclosure.requireWhole("contact", id, id);
        return self;
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
