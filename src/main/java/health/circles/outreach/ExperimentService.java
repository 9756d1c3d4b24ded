package health.circles.outreach;

import health.circles.analytics.InsightService;
import health.circles.contact.ConsentStatus;
import health.circles.events.Change;
import health.circles.events.ChangeEvents;
import health.circles.events.EventTypes;
import health.circles.failure.Conflict;
import health.circles.failure.InvalidInput;
import health.circles.failure.NotFound;
import health.circles.failure.RuleRefused;
import health.circles.security.Callers;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Experiments: a campaign whose target communities are randomised to seeding strategies (arms), stratified by size,
 * with seeds chosen in each community by its arm's strategy under the rules of every seed selection. Outcomes are
 * recorded on the campaign; the report compares the arms' uptake, with the random arm as the control.
 */
@ApplicationScoped
public class ExperimentService {

    static final String ADOPTER = "A target with a RESPONDED outcome recorded in the experiment's campaign";
    static final String INTERVALS = "95 %: Wilson for an arm's pooled uptake and for spillover, Newcombe's hybrid "
            + "score for the pooled difference to random (both treat targets as independent, which they are not "
            + "within a community, so they are too narrow when uptake clusters); t over the communities' own uptakes "
            + "and Welch's difference of those means with min(m1, m2) - 1 degrees of freedom (communities are the "
            + "randomised unit: read these)";

    private final ExperimentStore experiments;
    private final SegmentGraph graph;
    private final CampaignStore campaigns;
    private final CampaignService campaignService;
    private final SeedService seeds;
    private final InsightService insights;
    private final Callers callers;
    private final ChangeEvents events;
    private final CampaignConfig campaignConfig;
    private final ExperimentConfig config;
    private final Clock clock = Clock.systemUTC();

    ExperimentService(ExperimentStore experiments, SegmentGraph graph, CampaignStore campaigns,
                      CampaignService campaignService, SeedService seeds, InsightService insights, Callers callers,
                      ChangeEvents events, CampaignConfig campaignConfig, ExperimentConfig config) {
        this.experiments = experiments;
        this.graph = graph;
        this.campaigns = campaigns;
        this.campaignService = campaignService;
        this.seeds = seeds;
        this.insights = insights;
        this.callers = callers;
        this.events = events;
        this.campaignConfig = campaignConfig;
        this.config = config;
    }

    /**
     * Assigns the communities to arms, chooses each community's seeds with its arm's strategy (seeds from the
     * community's members only), and starts the campaign on the communities' consenting members, in one transaction.
     */
    @Transactional
    public ExperimentView create(ExperimentInput in) {
        List<SeedStrategy> arms = in.arms();
        if (new HashSet<>(arms).size() != arms.size()) {
            throw InvalidInput.field("arms", "must not name a strategy twice");
        }
        if (!arms.contains(SeedStrategy.RANDOM)) {
            throw InvalidInput.field("arms", "must include random, the control arm");
        }
        UUID run = insights.latestRun();
        int level = in.level() == null ? 0 : in.level();
        boolean unknown = Boolean.TRUE.equals(in.includeUnknown());
        List<ExperimentStore.Candidate> all = experiments.communities(run, level, in.channel(), unknown);
        List<ExperimentStore.Candidate> asked = all;
        if (in.communities() != null && !in.communities().isEmpty()) {
            Map<Long, ExperimentStore.Candidate> byId = new HashMap<>();
            all.forEach(c -> byId.put(c.id(), c));
            Set<Long> missing = new TreeSet<>();
            asked = new ArrayList<>();
            for (Long id : new TreeSet<>(in.communities())) {
                ExperimentStore.Candidate c = byId.get(id);
                if (c == null) {
                    missing.add(id);
                } else {
                    asked.add(c);
                }
            }
            if (!missing.isEmpty()) {
                throw InvalidInput.field("communities", "not communities at level " + level
                        + " of the latest analytics run: " + missing);
            }
        }
        List<ArmAssignment.Community> eligible = new ArrayList<>();
        List<Long> leftOut = new ArrayList<>();
        for (ExperimentStore.Candidate c : asked) {
            if (c.approachable() > 0) {
                eligible.add(new ArmAssignment.Community(c.id(), c.size()));
            } else {
                leftOut.add(c.id());
            }
        }
        if (eligible.isEmpty()) {
            throw new RuleRefused("no-communities", "No communities to randomise", all.isEmpty()
                    ? "The latest analytics run (" + run + ") has no communities at level " + level
                    : "None of the communities has a member who may be approached on " + in.channel());
        }
        if (eligible.size() > config.maxCommunities()) {
            throw new RuleRefused("too-many-communities", "Too many communities", "An experiment randomises at most "
                    + config.maxCommunities() + " communities (asked " + eligible.size()
                    + "); name fewer with communities, or use a coarser level");
        }
        long randomSeed = in.randomSeed() != null ? in.randomSeed() : new SecureRandom().nextLong();
        List<ArmAssignment.Assigned> assigned = ArmAssignment.assign(eligible, arms, randomSeed);

        Map<Long, List<UUID>> seedsOf = new LinkedHashMap<>();
        Set<UUID> allSeeds = new HashSet<>();
        for (ArmAssignment.Assigned a : assigned) {
            SeedSelection chosen = seeds.select(new SeedRequest(a.id(), false, null, null, null, in.k(), in.channel(),
                    unknown, new SeedRequest.SeedModel(null, null, null, null, config.simulations(), null, null),
                    null, null, in.exclude(), in.excludeActiveCampaigns(), false, SeedRequest.SeedsFrom.TARGET,
                    SeedService.draws(randomSeed, a.order() + 1).nextLong(), a.arm(), null));
            if (!run.equals(chosen.target().runId())) {
                throw new Conflict("analytics-run-changed", "An analytics run finished while the experiment was being "
                        + "set up, so its communities changed; start the experiment again");
            }
            List<UUID> ids = chosen.seeds().stream().map(SeedSelection.Seed::contactId).toList();
            seedsOf.put(a.id(), ids);
            allSeeds.addAll(ids);
        }

        List<Long> ids = assigned.stream().map(ArmAssignment.Assigned::id).toList();
        List<ExperimentStore.Member> targets = experiments.targets(run, level, ids, in.channel(), unknown);
        if (targets.size() > campaignConfig.maxTargets()) {
            throw new RuleRefused("too-many-targets", "Too many targets", "The communities have " + targets.size()
                    + " members who may be approached on " + in.channel() + "; a campaign targets at most "
                    + campaignConfig.maxTargets());
        }
        List<ExperimentStore.Member> members = new ArrayList<>();
        Set<UUID> targetIds = new HashSet<>();
        for (ExperimentStore.Member t : targets) {
            targetIds.add(t.contactId());
            members.add(new ExperimentStore.Member(t.contactId(), t.communityId(), true, allSeeds.contains(t.contactId()),
                    false));
        }
        List<CampaignView.Seed> campaignSeeds = new ArrayList<>();
        for (Map.Entry<Long, List<UUID>> e : seedsOf.entrySet()) {
            for (UUID s : e.getValue()) {
                CampaignStore.Consent consent = campaigns.consent(s, in.channel()).orElseThrow(() ->
                        new Conflict("seed-changed", "Seed " + s + " was erased meanwhile; start the experiment again"));
                if (consent.doNotContact() || ConsentStatus.DENIED.name().equals(consent.status())) {
                    throw new Conflict("seed-changed", "Seed " + s + " may no longer be contacted on " + in.channel()
                            + "; start the experiment again");
                }
                campaignSeeds.add(new CampaignView.Seed(s, null, true));
                if (!targetIds.contains(s)) {
                    members.add(new ExperimentStore.Member(s, e.getKey(), false, true, false));
                }
            }
        }

        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        CampaignStore.Row row = new CampaignStore.Row(UUID.randomUUID(), in.name().strip(), null, in.channel(), "ACTIVE",
                in.hops() == null ? campaignConfig.defaultHops() : in.hops(), unknown, null,
                experiments.excluded(run, level, ids, in.channel(), unknown), callers.current().subject(), now, null);
        campaigns.insert(row);
        campaigns.insertSeeds(row.id(), campaignSeeds);
        campaigns.insertTargets(row.id(), targets.stream().map(ExperimentStore.Member::contactId).toList(), now);
        List<SeedStrategy> canonical = arms.stream().sorted().toList();
        experiments.insert(new ExperimentStore.Row(row.id(), run, level, canonical, in.k(), randomSeed),
                assigned.stream().map(a -> new ExperimentStore.Assigned(a.id(), a.size(), a.stratum(), a.arm())).toList(),
                members);
        events.record(new Change(EventTypes.CAMPAIGN_CREATED, row.id(), null, List.of(),
                Map.of("experiment", "true", "communities", String.valueOf(assigned.size()))));
        return view(row.id(), leftOut);
    }

    @Transactional
    public ExperimentView get(UUID id) {
        return view(id, List.of());
    }

    /** Per arm: uptake with its intervals, the difference to random, and spillover at one and two ties from seeds. */
    @Transactional
    public ExperimentReport report(UUID id) {
        ExperimentStore.Row e = find(id);
        CampaignView campaign = campaignService.get(id);
        Map<Long, SeedStrategy> armOf = new HashMap<>();
        Map<SeedStrategy, Integer> communities = new EnumMap<>(SeedStrategy.class);
        for (ExperimentStore.Assigned a : experiments.communities(id)) {
            armOf.put(a.communityId(), a.arm());
            communities.merge(a.arm(), 1, Integer::sum);
        }
        List<ExperimentStore.Member> members = experiments.members(id);
        // Per arm and community: targets and adopters; per arm: its seeds.
        Map<SeedStrategy, Map<Long, long[]>> byCommunity = new EnumMap<>(SeedStrategy.class);
        Map<SeedStrategy, Set<UUID>> seedsOf = new EnumMap<>(SeedStrategy.class);
        for (ExperimentStore.Assigned a : experiments.communities(id)) {
            byCommunity.computeIfAbsent(a.arm(), k -> new LinkedHashMap<>()).put(a.communityId(), new long[2]);
        }
        for (ExperimentStore.Member m : members) {
            SeedStrategy arm = armOf.get(m.communityId());
            if (m.seed()) {
                seedsOf.computeIfAbsent(arm, k -> new HashSet<>()).add(m.contactId());
            }
            if (m.target()) {
                long[] f = byCommunity.get(arm).get(m.communityId());
                f[0]++;
                f[1] += m.responded() ? 1 : 0;
            }
        }
        List<String> notes = new ArrayList<>();
        Map<SeedStrategy, double[]> uptakes = new EnumMap<>(SeedStrategy.class);
        Map<SeedStrategy, long[]> totals = new EnumMap<>(SeedStrategy.class);
        for (SeedStrategy arm : e.arms()) {
            List<Double> rates = new ArrayList<>();
            long[] total = new long[2];
            for (long[] f : byCommunity.getOrDefault(arm, Map.of()).values()) {
                total[0] += f[0];
                total[1] += f[1];
                if (f[0] > 0) {
                    rates.add((double) f[1] / f[0]);
                }
            }
            uptakes.put(arm, rates.stream().mapToDouble(Double::doubleValue).toArray());
            totals.put(arm, total);
        }
        long[] control = totals.get(SeedStrategy.RANDOM);
        List<ExperimentReport.Arm> rows = new ArrayList<>();
        for (SeedStrategy arm : e.arms()) {
            long[] total = totals.get(arm);
            int m = communities.getOrDefault(arm, 0);
            if (m == 0) {
                notes.add(arm.code() + " has no community (fewer communities than arms)");
            } else if (uptakes.get(arm).length < 2) {
                notes.add(arm.code() + " has fewer than two communities with targets: no interval over communities");
            }
            ExperimentReport.Difference over = null;
            if (arm != SeedStrategy.RANDOM) {
                UptakeIntervals.Interval cluster = UptakeIntervals.clusterDifference(uptakes.get(arm),
                        uptakes.get(SeedStrategy.RANDOM));
                over = new ExperimentReport.Difference(
                        ExperimentReport.Estimate.of(UptakeIntervals.difference(total[1], total[0], control[1], control[0])),
                        ExperimentReport.Estimate.of(cluster), cluster.low() != null && cluster.low() > 0);
            }
            Set<UUID> armSeeds = seedsOf.getOrDefault(arm, Set.of());
            Map<UUID, Integer> distance = graph.distances(armSeeds, 2, "2 ties of an arm's seeds");
            long[][] spill = new long[3][2];
            for (ExperimentStore.Member mem : members) {
                if (!mem.target() || mem.seed() || armOf.get(mem.communityId()) != arm) {
                    continue;
                }
                Integer d = distance.get(mem.contactId());
                if (d != null) {
                    spill[d][0]++;
                    spill[d][1] += mem.responded() ? 1 : 0;
                }
            }
            rows.add(new ExperimentReport.Arm(arm, m, total[0], armSeeds.size(), total[1],
                    ExperimentReport.Estimate.of(UptakeIntervals.wilson(total[1], total[0])),
                    ExperimentReport.Estimate.of(UptakeIntervals.clusterMean(uptakes.get(arm))), over,
                    spillover(spill[1]), spillover(spill[2])));
        }
        if (campaign.state().equals("ACTIVE")) {
            notes.add("the experiment is still ACTIVE: outcomes not yet recorded count as no uptake");
        }
        return new ExperimentReport(id, campaign.state(), e.run(), e.level(), e.randomSeed(), ADOPTER, INTERVALS, rows,
                notes);
    }

    private static ExperimentReport.Spillover spillover(long[] f) {
        return new ExperimentReport.Spillover(f[0], f[1], ExperimentReport.Estimate.of(UptakeIntervals.wilson(f[1], f[0])));
    }

    private ExperimentView view(UUID id, List<Long> leftOut) {
        ExperimentStore.Row e = find(id);
        CampaignView campaign = campaignService.get(id);
        Map<Long, long[]> targets = new HashMap<>();
        Map<Long, List<UUID>> seedsOf = new HashMap<>();
        for (ExperimentStore.Member m : experiments.members(id)) {
            targets.computeIfAbsent(m.communityId(), k -> new long[1])[0] += m.target() ? 1 : 0;
            if (m.seed()) {
                seedsOf.computeIfAbsent(m.communityId(), k -> new ArrayList<>()).add(m.contactId());
            }
        }
        // Seeds in the order the campaign holds them (the order each community's selection chose them).
        Map<UUID, Integer> position = new HashMap<>();
        List<CampaignView.Seed> ordered = campaign.seeds();
        for (int i = 0; i < ordered.size(); i++) {
            position.put(ordered.get(i).contactId(), i);
        }
        seedsOf.values().forEach(list -> list.sort((a, b) -> Integer.compare(position.getOrDefault(a, Integer.MAX_VALUE),
                position.getOrDefault(b, Integer.MAX_VALUE))));
        List<ExperimentView.Community> communities = experiments.communities(id).stream()
                .map(a -> new ExperimentView.Community(a.communityId(), a.size(), a.stratum(), a.arm(),
                        targets.getOrDefault(a.communityId(), new long[1])[0],
                        List.copyOf(seedsOf.getOrDefault(a.communityId(), List.of()))))
                .toList();
        return new ExperimentView(id, campaign.name(), campaign.channel(), campaign.state(), e.run(), e.level(), e.k(),
                e.randomSeed(), e.arms(), communities, leftOut, campaign);
    }

    private ExperimentStore.Row find(UUID id) {
        return experiments.find(id).orElseThrow(() -> new NotFound("Experiment", id));
    }
}
