package health.circles.outreach;

import health.circles.failure.Conflict;
import health.circles.failure.DomainException;
import health.circles.failure.InvalidInput;
import health.circles.failure.NotFound;
import health.circles.failure.RuleRefused;
import health.circles.analytics.InsightService;
import health.circles.contact.Channel;
import health.circles.contact.ConsentStatus;
import health.circles.contact.ContactService;
import health.circles.contact.ContactView;
import health.circles.network.TouchpointChannel;
import health.circles.network.TouchpointInput;
import health.circles.network.TouchpointService;
import health.circles.security.Callers;
import health.circles.web.Cursor;
import health.circles.web.Page;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Campaigns: a segment approached on a channel through seeds. The targets are the segment's consenting members when
 * the campaign starts; each outcome is also a touchpoint between the contact and whoever reached it, so tie strength
 * learns from it; an opt-out denies the channel's consent at once and takes the contact off every pending list.
 */
@ApplicationScoped
public class CampaignService {

    private final CampaignStore campaigns;
    private final SegmentService segments;
    private final SegmentStore segmentStore;
    private final InsightService insights;
    private final SegmentGraph graph;
    private final ContactService contacts;
    private final TouchpointService touchpoints;
    private final Callers callers;
    private final CampaignConfig config;
    private final Clock clock = Clock.systemUTC();

    CampaignService(CampaignStore campaigns, SegmentService segments, SegmentStore segmentStore, SegmentGraph graph,
                    ContactService contacts, TouchpointService touchpoints, Callers callers, CampaignConfig config,
                    InsightService insights,
                    health.circles.events.ChangeEvents events) {
        this.events = events;
        this.insights = insights;
        this.campaigns = campaigns;
        this.segments = segments;
        this.segmentStore = segmentStore;
        this.graph = graph;
        this.contacts = contacts;
        this.touchpoints = touchpoints;
        this.callers = callers;
        this.config = config;
    }

    /** An outcome as recorded, with the outbox position at which the graph shows its effect on ties. */
    private final health.circles.events.ChangeEvents events;

    public record Recorded(CampaignOutcomeView outcome, long position) {
    }

    @Transactional
    public CampaignView create(CampaignInput in) {
        if (segmentStore.find(in.segmentId(), false).isEmpty()) {
            throw new RuleRefused("unknown-segment", "Unknown segment", "segmentId: no segment " + in.segmentId(),
                    List.of(new DomainException.FieldError("segmentId", "no such segment")));
        }
        List<CampaignView.Seed> seeds = new ArrayList<>();
        Set<UUID> seen = new HashSet<>();
        for (CampaignInput.Seed s : in.seeds() == null ? List.<CampaignInput.Seed>of() : in.seeds()) {
            if (!seen.add(s.contactId())) {
                throw InvalidInput.field("seeds", "must not name a contact twice");
            }
            CampaignStore.Consent consent = campaigns.consent(s.contactId(), in.channel()).orElseThrow(() ->
                    new RuleRefused("unknown-contact", "Unknown contact", "seeds: no contact " + s.contactId(),
                            List.of(new DomainException.FieldError("seeds", "no such contact: " + s.contactId()))));
            // A seed is asked to pass the word on, on the campaign's channel: it must not be someone who said no.
            if (consent.doNotContact() || ConsentStatus.DENIED.name().equals(consent.status())) {
                throw new RuleRefused("seed-without-consent", "Seed may not be contacted", "seeds: contact "
                        + s.contactId() + " is do-not-contact or denied " + in.channel(),
                        List.of(new DomainException.FieldError("seeds", "may not be contacted on " + in.channel() + ": " + s.contactId())));
            }
            seeds.add(new CampaignView.Seed(s.contactId(), s.expectedReach(), true));
        }
        // Counted before the ids are read: a segment of millions is refused without reading them all.
        SegmentService.Members members = segments.resolve(in.segmentId(), in.channel(), config.maxTargets());
        if (members.eligible() > config.maxTargets()) {
            throw new RuleRefused("too-many-targets", "Too many targets", "The segment has " + members.eligible()
                    + " consenting members for " + in.channel() + "; a campaign targets at most " + config.maxTargets());
        }
        Instant now = now();
        CampaignStore.Row row = new CampaignStore.Row(UUID.randomUUID(), in.name().strip(), in.segmentId(), in.channel(), "ACTIVE",
                in.hops() == null ? config.defaultHops() : in.hops(), members.includeUnknown(), in.predictedCoverage(),
                members.excluded(), callers.current().subject(), now, null);
        campaigns.insert(row);
        campaigns.insertSeeds(row.id(), seeds);
        campaigns.insertTargets(row.id(), members.ids(), now);
        events.record(new health.circles.events.Change(health.circles.events.EventTypes.CAMPAIGN_CREATED, row.id(),
                null, List.of(), java.util.Map.of("segment", in.segmentId().toString())));
        return view(row);
    }

    @Transactional
    public CampaignView get(UUID id) {
        return view(find(id, false));
    }

    @Transactional
    public Page<CampaignView> list(String state, String next, int limit) {
        Cursor cursor = Cursor.decode(next);
        Instant before = null;
        if (cursor != null) {
            try {
                before = health.circles.web.Cursor.instant(cursor.key());
            } catch (DateTimeParseException e) {
                throw InvalidInput.field("cursor", "belongs to another listing");
            }
        }
        List<CampaignStore.Row> found = campaigns.list(state, before, cursor == null ? null : cursor.id(), limit + 1);
        boolean more = found.size() > limit;
        List<CampaignStore.Row> page = more ? found.subList(0, limit) : found;
        String out = more ? new Cursor(page.get(limit - 1).createdAt().toString(), page.get(limit - 1).id()).encode() : null;
        return Page.counted(page.stream().map(this::view).toList(), out, campaigns.count(state));
    }

    @Transactional
    public CampaignView close(UUID id) {
        CampaignStore.Row c = find(id, true);
        if (c.active()) {
            campaigns.close(id, now());
            events.record(new health.circles.events.Change(health.circles.events.EventTypes.CAMPAIGN_CLOSED, id, null,
                    List.of("state"), java.util.Map.of()));
        }
        return view(find(id, false));
    }

    /** The pending list: targets not yet approached that may still be asked now (consent is read again). */
    @Transactional
    public SegmentMembers pending(UUID id, String next, int limit) {
        CampaignStore.Row c = find(id, false);
        if (!c.active()) {
            return new SegmentMembers(c.channel(), c.includeUnknown(), 0, new SegmentExclusions(0, 0, 0), List.of(), null);
        }
        long[] eligible = new long[1];
        SegmentExclusions excluded = campaigns.pendingCount(c, eligible);
        Cursor cursor = Cursor.decode(next);
        List<SegmentStore.Found> found = campaigns.pending(c, cursor == null ? null : cursor.key(),
                cursor == null ? null : cursor.id(), limit + 1);
        boolean more = found.size() > limit;
        List<SegmentStore.Found> page = more ? found.subList(0, limit) : found;
        String out = more ? new Cursor(page.get(limit - 1).sortName(), page.get(limit - 1).id()).encode() : null;
        List<ContactView> items = contacts.views(page.stream().map(SegmentStore.Found::id).toList());
        return new SegmentMembers(c.channel(), c.includeUnknown(), eligible[0], excluded, items, out);
    }

    /**
     * Records one target's outcome: a touchpoint between the contact and {@code via} (tie strength follows the
     * network's rules), the target's new status, and for an opt-out the channel's consent set to DENIED through the
     * contact service and the contact taken off the pending list of every other active campaign, all in one transaction.
     */
    @Transactional
    public Recorded record(UUID id, CampaignOutcomeInput in) {
        CampaignStore.Row c = campaigns.findShared(id).orElseThrow(() -> new NotFound("Campaign", id));
        if (!c.active()) {
            throw new Conflict("campaign-closed", "Campaign " + id + " is closed; no outcome can be recorded");
        }
        if (in.via().equals(in.contactId())) {
            throw InvalidInput.field("via", "must be someone other than the contact");
        }
        CampaignStore.Consent via = campaigns.consent(in.via(), c.channel()).orElseThrow(() ->
                new RuleRefused("unknown-contact", "Unknown contact", "via: no contact " + in.via(),
                        List.of(new DomainException.FieldError("via", "no such contact"))));
        // Whoever passed the word on was asked to, on the campaign's channel: not someone who said no.
        if (via.doNotContact() || ConsentStatus.DENIED.name().equals(via.status())) {
            throw new Conflict("via-without-consent", "Contact " + in.via() + " (via) may not be contacted on "
                    + c.channel() + ": do-not-contact or consent denied");
        }
        Instant now = now();
        if (in.occurredAt() != null && in.occurredAt().isBefore(c.createdAt())) {
            // An answer to this campaign cannot predate it; an opt-out dated so would also land behind every later
            // grant as history, and the person would stay reachable.
            throw InvalidInput.field("occurredAt", "must not be before the campaign started (" + c.createdAt() + ")");
        }
        if (in.occurredAt() != null && in.occurredAt().isAfter(now.plus(CLOCK_ALLOWANCE))) {
            throw InvalidInput.field("occurredAt", "must not be in the future: an outcome is something that happened");
        }
        String status = campaigns.lockTarget(id, in.contactId()).orElseThrow(() ->
                new RuleRefused("not-a-target", "Not a target", "contactId: " + in.contactId()
                        + " is not a target of campaign " + id,
                        List.of(new DomainException.FieldError("contactId", "not a target of this campaign"))));
        if (status.equals("OPTED_OUT") || status.equals("REMOVED")) {
            throw new Conflict("opted-out", "Contact " + in.contactId() + " opted out; nothing more is recorded "
                    + "against them in a campaign");
        }
        CampaignStore.Consent consent = campaigns.consent(in.contactId(), c.channel()).orElseThrow();
        if (in.outcome() != CampaignOutcome.OPTED_OUT
                && (consent.doNotContact() || ConsentStatus.DENIED.name().equals(consent.status()))) {
            throw new Conflict("no-consent", "Contact " + in.contactId() + " may no longer be contacted on "
                    + c.channel() + " (consent denied or do-not-contact since the campaign started)");
        }
        Instant at = in.occurredAt() == null ? now : in.occurredAt().truncatedTo(ChronoUnit.MICROS);
        TouchpointChannel channel = in.touchpointChannel() != null ? in.touchpointChannel() : touchpointChannel(c.channel());
        Optional<Channel> approached = in.touchpointChannel() == null || channel == touchpointChannel(c.channel())
                ? Optional.empty() : consentChannel(channel).filter(ch -> ch != c.channel());
        if (in.outcome() != CampaignOutcome.OPTED_OUT && approached.isPresent()) {
            // Reached another way than the campaign's channel: that way's consent counts too.
            CampaignStore.Consent other = campaigns.consent(in.contactId(), approached.get()).orElseThrow();
            if (ConsentStatus.DENIED.name().equals(other.status())) {
                throw new Conflict("no-consent", "Contact " + in.contactId() + " denied " + approached.get()
                        + "; an outcome reached that way is not recorded");
            }
        }
        String topic = ("Campaign: " + c.name());
        TouchpointService.Written touchpoint = touchpoints.create(new TouchpointInput(List.of(in.via(), in.contactId()),
                channel, at, topic.length() > 200 ? topic.substring(0, 200) : topic, in.outcome().name(), false, id, null));
        long position = touchpoint.position();
        String newStatus = next(status, in.outcome());
        campaigns.setTarget(id, in.contactId(), newStatus, now);
        boolean denied = false;
        int removed = 0;
        if (in.outcome() == CampaignOutcome.OPTED_OUT) {
            // Through the consent ledger, given when the contact opted out. An opt-out logged after the contact
            // answered GRANTED again (given later than it) is kept as history: the later answer is theirs too.
            denied = contacts.recordConsent(in.contactId(), c.channel(), ConsentStatus.DENIED, "campaign-opt-out", at);
            removed = campaigns.removeFromPendingLists(in.contactId(), id, "opted out in campaign " + id, now);
        }
        UUID outcomeId = UUID.randomUUID();
        campaigns.insertOutcome(outcomeId, id, in.contactId(), in.outcome(), in.via(), touchpoint.touchpoint().id(), at, now);
        events.record(new health.circles.events.Change(health.circles.events.EventTypes.CAMPAIGN_OUTCOME_RECORDED, id,
                null, List.of(), java.util.Map.of("outcome", outcomeId.toString(), "contact", in.contactId().toString(),
                "via", in.via().toString(), "touchpoint", touchpoint.touchpoint().id().toString())));
        return new Recorded(new CampaignOutcomeView(outcomeId, id, in.contactId(), in.outcome(), in.via(),
                touchpoint.touchpoint().id(), at, newStatus, denied, removed), position);
    }

    /** Reach and response overall, by community and kind, per seed within the campaign's hops, and against prediction. */
    @Transactional
    public CampaignReport report(UUID id) {
        CampaignStore.Row c = find(id, false);
        UUID run = insights.latestSucceededRun().orElse(null);
        List<CampaignStore.Target> targets = campaigns.targets(id, run);
        List<CampaignView.Seed> seeds = campaigns.seeds(id);
        Set<UUID> reached = new HashSet<>();
        Set<UUID> responded = new HashSet<>();
        for (CampaignStore.Target t : targets) {
            if (t.reached()) {
                reached.add(t.contactId());
            }
            if (t.responded()) {
                responded.add(t.contactId());
            }
        }
        Map<UUID, Long> via = campaigns.outcomesVia(id);
        Set<UUID> reachedNearSeeds = new LinkedHashSet<>();
        Set<UUID> respondedNearSeeds = new LinkedHashSet<>();
        List<CampaignReport.SeedReach> seedReach = new ArrayList<>();
        for (CampaignView.Seed s : seeds) {
            Set<UUID> near = graph.within(s.contactId(), c.hops());
            long r = 0;
            long p = 0;
            for (UUID n : near) {
                if (reached.contains(n)) {
                    r++;
                    reachedNearSeeds.add(n);
                }
                if (responded.contains(n)) {
                    p++;
                    respondedNearSeeds.add(n);
                }
            }
            seedReach.add(new CampaignReport.SeedReach(s.contactId(), s.expectedReach(), r, p,
                    via.getOrDefault(s.contactId(), 0L)));
        }
        Long expected = seeds.stream().anyMatch(s -> s.expectedReach() != null)
                ? seeds.stream().mapToLong(s -> s.expectedReach() == null ? 0 : s.expectedReach()).sum() : null;
        CampaignReport.Prediction prediction = new CampaignReport.Prediction(c.predictedCoverage(),
                targets.isEmpty() || seeds.isEmpty() ? null : (double) reachedNearSeeds.size() / targets.size(),
                expected, reachedNearSeeds.size(), respondedNearSeeds.size());
        return new CampaignReport(id, c.channel(), c.state(), c.hops(), run, figures(targets),
                groups(targets, t -> t.community() == null ? null : t.community().toString()),
                groups(targets, CampaignStore.Target::kind), seedReach, prediction);
    }

    /** Contact ids taking part in active campaigns (their seeds, and targets that did not opt out), for seed selection. */
    @Transactional
    public Set<UUID> contactsInActiveCampaigns() {
        return campaigns.inActiveCampaigns();
    }

    private static CampaignReport.Figures figures(List<CampaignStore.Target> targets) {
        long reached = targets.stream().filter(CampaignStore.Target::reached).count();
        long responded = targets.stream().filter(CampaignStore.Target::responded).count();
        return new CampaignReport.Figures(targets.size(), reached, responded,
                targets.stream().filter(CampaignStore.Target::declined).count(),
                targets.stream().filter(t -> t.status().equals("OPTED_OUT")).count(),
                targets.stream().filter(t -> t.status().equals("PENDING")).count(),
                targets.stream().filter(t -> t.status().equals("REMOVED")).count(),
                ratio(reached, targets.size()), ratio(responded, reached));
    }

    private static List<CampaignReport.Group> groups(List<CampaignStore.Target> targets,
                                                     Function<CampaignStore.Target, String> key) {
        Map<String, long[]> by = new LinkedHashMap<>();
        for (CampaignStore.Target t : targets) {
            long[] f = by.computeIfAbsent(key.apply(t), k -> new long[3]);
            f[0]++;
            f[1] += t.reached() ? 1 : 0;
            f[2] += t.responded() ? 1 : 0;
        }
        List<CampaignReport.Group> out = new ArrayList<>();
        by.forEach((k, f) -> out.add(new CampaignReport.Group(k, f[0], f[1], f[2], ratio(f[1], f[0]), ratio(f[2], f[1]))));
        out.sort((a, b) -> a.targets() != b.targets() ? Long.compare(b.targets(), a.targets())
                : String.valueOf(a.key()).compareTo(String.valueOf(b.key())));
        return out;
    }

    private static Double ratio(long part, long whole) {
        return whole == 0 ? null : (double) part / whole;
    }

    /** A later outcome replaces the status, except that being reached again does not undo an answer. */
    private static String next(String status, CampaignOutcome outcome) {
        if (outcome == CampaignOutcome.REACHED && (status.equals("RESPONDED") || status.equals("DECLINED"))) {
            return status;
        }
        return outcome.name();
    }

    /** Time a client's clock may run ahead of the service's. */
    private static final java.time.Duration CLOCK_ALLOWANCE = java.time.Duration.ofMinutes(5);

    /**
     * The consent channel a touchpoint channel approaches someone on, where there is one: a visit or an event is in
     * person; a video call, a portal message or social media have no consent channel of their own.
     */
    static Optional<Channel> consentChannel(TouchpointChannel channel) {
        return switch (channel) {
            case EMAIL -> Optional.of(Channel.EMAIL);
            case SMS -> Optional.of(Channel.SMS);
            case PHONE -> Optional.of(Channel.PHONE);
            case IN_PERSON, HOME_VISIT, EVENT -> Optional.of(Channel.IN_PERSON);
            case VIDEO, PORTAL, SOCIAL -> Optional.empty();
        };
    }

    /** The touchpoint channel of an approach on a consent channel; a letter counts as a written message. */
    static TouchpointChannel touchpointChannel(Channel channel) {
        return switch (channel) {
            case EMAIL, MAIL -> TouchpointChannel.EMAIL;
            case SMS -> TouchpointChannel.SMS;
            case PHONE -> TouchpointChannel.PHONE;
            case IN_PERSON -> TouchpointChannel.IN_PERSON;
        };
    }

    private CampaignView view(CampaignStore.Row c) {
        return new CampaignView(c.id(), c.name(), c.segmentId(), c.channel(), c.state(), c.hops(), c.includeUnknown(),
                c.predictedCoverage(), campaigns.seeds(c.id()), campaigns.counts(c.id()), c.excluded(), c.createdBy(),
                c.createdAt(), c.closedAt());
    }

    private CampaignStore.Row find(UUID id, boolean forUpdate) {
        Optional<CampaignStore.Row> c = campaigns.find(id, forUpdate);
        return c.orElseThrow(() -> new NotFound("Campaign", id));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
