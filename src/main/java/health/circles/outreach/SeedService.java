package health.circles.outreach;

import health.circles.failure.InvalidInput;
import health.circles.failure.NotFound;
import health.circles.failure.RuleRefused;
import health.circles.failure.Unavailable;
import health.circles.analytics.InsightService;
import health.circles.contact.ContactKind;
import health.circles.network.GraphReads;
import health.circles.outreach.SeedSelection.BaselineSeed;
import health.circles.outreach.SeedSelection.Seed;
import health.circles.outreach.SeedSelection.SeedCoverage;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Seed selection: resolves the target, reads the graph (cached by version), marks who may be a seed, chooses seeds by
 * reverse-reachable-set sampling, and measures them and the naive top-k-by-degree pick with the same forward cascades.
 */
@ApplicationScoped
public class SeedService {

    private final SeedTargets targets;
    private final InfluenceGraphs graphs;
    private final GraphReads graphReads;
    private final SeedConfig config;
    private final SegmentService segments;
    private final InsightService insights;
    private final CampaignService campaigns;
    private final Semaphore slots;

    SeedService(SeedTargets targets, InfluenceGraphs graphs, GraphReads graphReads, SeedConfig config,
                SegmentService segments, CampaignService campaigns, InsightService insights) {
        this.insights = insights;
        this.segments = segments;
        this.campaigns = campaigns;
        this.targets = targets;
        this.graphs = graphs;
        this.graphReads = graphReads;
        this.config = config;
        this.slots = new Semaphore(Math.max(1, config.concurrency()), true);
    }

    /**
     * A resolved target: its members ({@code null}: every contact in the graph), and for a community the run and level
     * it comes from.
     */
    record Target(String kind, Long community, UUID run, Integer level, List<UUID> members) {
    }

    public SeedSelection select(SeedRequest request) {
        if (request == null) {
            throw InvalidInput.field("body", "is required");
        }
        boolean acquired;
        try {
            acquired = slots.tryAcquire(config.queueWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        }
        if (!acquired) {
            throw new Unavailable("seeds-busy", "Busy",
                    "Other seed selections are being computed; retry shortly", null);
        }
        try {
            return compute(request);
        } finally {
            slots.release();
        }
    }

    Target resolve(SeedRequest r) {
        int given = (r.community() != null ? 1 : 0) + (r.contacts() != null ? 1 : 0)
                + (Boolean.TRUE.equals(r.network()) ? 1 : 0) + (r.segment() != null ? 1 : 0);
        if (given != 1) {
            throw InvalidInput.field("target", "give exactly one of community, segment, contacts or network");
        }
        if (r.segment() != null) {
            // The segment's own consent rule for the channel decides its members (404 for an unknown segment).
            return new Target("SEGMENT", null, null, null, segments.memberIds(r.segment(), r.channel()));
        }
        if (r.community() != null) {
            UUID run = insights.latestRun();
            long id = r.community();
            int level = targets.communityLevel(run, id).orElseThrow(() -> new NotFound("not-found", "Not found",
                    "Community " + id + " is not in the latest analytics run (" + run + ")"));
            return new Target("COMMUNITY", id, run, level,
                    targets.communityMembers(run, id, Boolean.TRUE.equals(r.includeSecondary())));
        }
        if (r.contacts() != null) {
            List<UUID> ids = r.contacts().stream().distinct().sorted().toList();
            List<UUID> unknown = ids.isEmpty() ? List.of() : targets.unknown(ids);
            if (!unknown.isEmpty()) {
                throw InvalidInput.field("contacts", "not contacts: " + unknown);
            }
            return new Target("CONTACTS", null, null, null, ids);
        }
        return new Target("NETWORK", null, null, null, null);
    }

    private SeedSelection compute(SeedRequest r) {
        Map<String, Long> timings = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        long t0 = System.nanoTime();
        Target target = resolve(r);
        if (target.members() != null && target.members().isEmpty()) {
            throw new RuleRefused("empty-target", "Empty target", "The target has no contacts");
        }
        if (!graphReads.await(r.consistentWith())) {
            notes.add("recent writes had not all reached the graph when it was read");
        }
        boolean wasCached = graphs.isCached();
        InfluenceGraph g = graphs.current();
        timings.put("graph", ms(t0));

        int n = g.size();
        boolean[] inTarget = new boolean[n];
        int[] targetNodes;
        int size;
        int notInGraph = 0;
        if (target.members() == null) {
            Arrays.fill(inTarget, true);
            targetNodes = new int[n];
            for (int i = 0; i < n; i++) {
                targetNodes[i] = i;
            }
            size = n;
        } else {
            List<Integer> nodes = new ArrayList<>();
            for (UUID id : target.members()) {
                int v = g.node(id);
                if (v < 0) {
                    notInGraph++;
                } else if (!inTarget[v]) {
                    inTarget[v] = true;
                    nodes.add(v);
                }
            }
            targetNodes = nodes.stream().mapToInt(Integer::intValue).toArray();
            size = target.members().size();
        }
        if (targetNodes.length == 0) {
            throw new RuleRefused("empty-target", "Empty target", size == 0 ? "The target has no contacts"
                    : "None of the target's " + size + " contacts is in the graph yet; retry once the graph has them");
        }
        if (notInGraph > 0) {
            notes.add(notInGraph + " target contacts are not in the graph yet: counted in the target, reachable by no one");
        }

        long t1 = System.nanoTime();
        Set<ContactKind> prefer = r.prefer() == null || r.prefer().isEmpty() ? EnumSet.noneOf(ContactKind.class)
                : EnumSet.copyOf(r.prefer());
        double preferWeight = r.preferWeight() != null ? r.preferWeight() : config.preferWeight();
        Set<Integer> excluded = new HashSet<>();
        Set<UUID> excludedIds = new HashSet<>();
        if (r.exclude() != null) {
            excludedIds.addAll(r.exclude());
        }
        if (Boolean.TRUE.equals(r.excludeActiveCampaigns())) {
            Set<UUID> busy = campaigns.contactsInActiveCampaigns();
            excludedIds.addAll(busy);
            notes.add(busy.size() + " contacts of active campaigns may not be seeds");
        }
        if (!excludedIds.isEmpty()) {
            for (UUID id : excludedIds) {
                int v = g.node(id);
                if (v >= 0) {
                    excluded.add(v);
                }
            }
        }
        boolean onlyTarget = r.seedsFrom() == SeedRequest.SeedsFrom.TARGET;
        boolean[] candidate = new boolean[n];
        double[] weight = new double[n];
        Arrays.fill(weight, 1.0);
        String[] kinds = new String[n];
        int[] candidates = {0};
        targets.eligible(r.channel(), Boolean.TRUE.equals(r.allowUnknownConsent()), (id, kind) -> {
            int v = g.node(id);
            if (v < 0 || excluded.contains(v) || onlyTarget && !inTarget[v]) {
                return;
            }
            candidate[v] = true;
            kinds[v] = kind;
            candidates[0]++;
            if (!prefer.isEmpty() && prefer.contains(kindOf(kind))) {
                weight[v] = preferWeight;
            }
        });
        if (candidates[0] == 0) {
            throw new RuleRefused("no-eligible-seeds", "No possible seeds",
                    "No contact " + (onlyTarget ? "in the target " : "") + "may be approached on " + r.channel()
                            + (Boolean.TRUE.equals(r.allowUnknownConsent()) ? " (consent GRANTED or UNKNOWN, "
                            : " (consent GRANTED, ") + "not do-not-contact, not excluded)");
        }

        int k = r.k();
        int[] group = null;
        Integer subCommunities = null;
        Integer cap = null;
        long[] subOf = null;
        if (Boolean.TRUE.equals(r.spread())) {
            UUID run = target.run() != null ? target.run() : insights.latestRun();
            int level = 0;
            if (target.community() != null) {
                level = targets.hasChildren(run, target.community()) ? target.level() + 1 : target.level();
                if (level == target.level()) {
                    notes.add("community " + target.community() + " has no finer communities: spread has no effect");
                }
            }
            Map<UUID, Long> communities = targets.primaryCommunities(run, level);
            long[] byNode = new long[n];
            Arrays.fill(byNode, Long.MIN_VALUE);
            communities.forEach((id, c) -> {
                int v = g.node(id);
                if (v >= 0) {
                    byNode[v] = c;
                }
            });
            subOf = byNode;
            Map<Long, Integer> dense = new TreeMap<>();
            for (int v : targetNodes) {
                if (byNode[v] != Long.MIN_VALUE) {
                    dense.putIfAbsent(byNode[v], 0);
                }
            }
            int i = 0;
            for (Map.Entry<Long, Integer> e : dense.entrySet()) {
                e.setValue(i++);
            }
            Map<Long, Integer> outside = new HashMap<>();
            group = new int[n];
            for (int v = 0; v < n; v++) {
                long c = byNode[v];
                if (c == Long.MIN_VALUE) {
                    group[v] = -1; // not in the run (added since): in no sub-community
                } else {
                    Integer d = dense.get(c);
                    group[v] = d != null ? d : dense.size() + outside.computeIfAbsent(c, x -> outside.size());
                }
            }
            subCommunities = Math.max(1, dense.size());
            cap = (k + subCommunities - 1) / subCommunities;
        }
        timings.put("candidates", ms(t1));

        double scale = r.model() != null && r.model().scale() != null ? r.model().scale() : config.probability().scale();
        double maxP = r.model() != null && r.model().maxProbability() != null ? r.model().maxProbability()
                : config.probability().max();
        InfluenceModel model = new InfluenceModel(scale, maxP);
        double epsilon = r.model() != null && r.model().epsilon() != null ? r.model().epsilon() : config.epsilon();
        int simulations = r.model() != null && r.model().simulations() != null ? r.model().simulations()
                : config.simulations();
        long seed = r.randomSeed() != null ? r.randomSeed() : config.randomSeed();

        long t2 = System.nanoTime();
        ReachableSets.Problem problem = new ReachableSets.Problem(g, model, targetNodes, candidate, weight, group,
                cap == null ? Integer.MAX_VALUE : cap, k, epsilon, config.ell(), config.minSets(), config.maxSets(),
                config.maxEntries(), config.maxSamplingSteps(), seed);
        ReachableSets sampler = new ReachableSets(problem);
        ReachableSets.Result result = sampler.select();
        timings.put("sampling_and_selection", ms(t2));
        if (result.capped()) {
            notes.add("sampling stopped at " + result.sets() + " reverse-reachable sets of the " + result.setsWanted()
                    + " IMM asks for (sample bounds): the approximation guarantee is weaker, the coverage interval "
                    + "below still holds");
        }
        if (result.stoppedEarly() != null) {
            notes.add(result.seeds().size() + " seeds instead of " + k + ": " + result.stoppedEarly());
        }

        int[] naive = naive(g, candidate, inTarget, targetNodes, onlyTarget, k);
        int[] chosen = result.seeds().stream().mapToInt(ReachableSets.Choice::node).toArray();
        List<ReachableSets.Choice> choices = result.seeds();
        double sampledCoverage = result.estimatedCoverage();
        String choice = "GREEDY";
        if (group == null && prefer.isEmpty() && naive.length == chosen.length && !sameSet(naive, chosen)) {
            // The greedy fits its own sample: where many candidates are nearly equal (heavy-tailed degrees) and the
            // sample is small, it can choose worse than the best-connected contacts. Independent validation cascades
            // (their own stream, not the reported ones) decide between the two; without spread or preferences only,
            // since the naive pick honours neither.
            long tv = System.nanoTime();
            long validation = ReachableSets.mix(seed, Long.MAX_VALUE);
            int runs = Math.max(100, simulations / 2);
            ReachableSets.Estimate vOurs = ReachableSets.simulate(g, model, chosen, inTarget, runs,
                    config.maxSimulationSteps(), validation);
            ReachableSets.Estimate vNaive = ReachableSets.simulate(g, model, naive, inTarget, runs,
                    config.maxSimulationSteps(), validation);
            timings.put("validation", ms(tv));
            if (vNaive.mean() > vOurs.mean()) {
                notes.add(String.format(Locale.ROOT, "the top-k-by-degree pick reached more on independent validation "
                        + "cascades (%.1f against %.1f for the sampled greedy choice), so it is returned as the seeds",
                        vNaive.mean(), vOurs.mean()));
                chosen = naive.clone();
                choices = sampler.marginals(chosen);
                sampledCoverage = sampler.coverage(chosen);
                choice = "TOP_K_BY_DEGREE";
            }
        }

        long t3 = System.nanoTime();
        ReachableSets.Estimate ours = ReachableSets.simulate(g, model, chosen, inTarget, simulations,
                config.maxSimulationSteps(), seed);
        ReachableSets.Estimate theirs = ReachableSets.simulate(g, model, naive, inTarget, simulations,
                config.maxSimulationSteps(), seed);
        timings.put("simulation", ms(t3));
        if (ours.capped() || theirs.capped()) {
            notes.add("forward cascades stopped after " + Math.min(ours.reached().length, theirs.reached().length)
                    + " of " + simulations + " (simulation bound)");
        }
        int paired = Math.min(ours.reached().length, theirs.reached().length);
        int[] diff = new int[paired];
        for (int i = 0; i < paired; i++) {
            diff[i] = ours.reached()[i] - theirs.reached()[i];
        }
        ReachableSets.Estimate gain = ReachableSets.estimate(diff, false);

        List<UUID> ids = new ArrayList<>();
        for (int v : chosen) {
            ids.add(g.id(v));
        }
        for (int v : naive) {
            ids.add(g.id(v));
        }
        Map<UUID, SeedTargets.Named> names = targets.names(ids);
        List<Seed> seeds = new ArrayList<>();
        double cumulative = 0;
        for (int i = 0; i < chosen.length; i++) {
            int v = chosen[i];
            UUID id = g.id(v);
            SeedTargets.Named named = names.get(id);
            ReachableSets.Choice c = choices.get(i);
            cumulative += c.marginalReach();
            Long sub = subOf != null && subOf[v] != Long.MIN_VALUE ? subOf[v] : null;
            seeds.add(new Seed(i + 1, id, named == null ? null : named.displayName(),
                    named == null ? kinds[v] : named.kind(), round(c.marginalReach()), round(cumulative), inTarget[v],
                    g.degree[v], sub, weight[v] > 1));
        }
        List<BaselineSeed> naiveSeeds = new ArrayList<>();
        for (int i = 0; i < naive.length; i++) {
            int v = naive[i];
            UUID id = g.id(v);
            SeedTargets.Named named = names.get(id);
            naiveSeeds.add(new BaselineSeed(i + 1, id, named == null ? null : named.displayName(),
                    named == null ? kinds[v] : named.kind(), g.degree[v], inTarget[v]));
        }
        SeedCoverage coverage = coverage(ours, size, sampledCoverage);
        SeedCoverage naiveCoverage = coverage(theirs, size, sampler.coverage(naive));
        timings.put("total", ms(t0));

        Map<String, String> flows = new LinkedHashMap<>();
        InfluenceModel.FLOWS.forEach((type, flow) -> flows.put(type.name(), flow.name()));
        return new SeedSelection(
                new SeedSelection.SeedTargetView(target.kind(), target.community(), target.run(), size, notInGraph),
                k, r.channel(),
                new SeedSelection.SeedModelView("INDEPENDENT_CASCADE", model.mapping(), scale, maxP, flows),
                new SeedSelection.SeedSampling("REVERSE_REACHABLE_SETS", choice, seed, epsilon, result.sets(),
                        result.setsWanted(), result.capped(), round(result.optimumLowerBound()), preferWeight,
                        subCommunities, cap),
                candidates[0], seeds, coverage,
                new SeedSelection.SeedBaseline("TOP_K_BY_DEGREE", naiveSeeds, naiveCoverage),
                new SeedSelection.SeedComparison(round(gain.mean()), round(gain.low()), round(gain.high()),
                        theirs.mean() > 0 ? round(gain.mean() / theirs.mean()) : null),
                new SeedSelection.SeedGraphView(g.version.appliedPosition(), g.size(), g.ties, g.arcs(), wasCached,
                        g.loadMillis),
                timings, notes);
    }

    /**
     * The naive pick: the k candidates with the most active ties (ties to the lower contact id), among the target's
     * candidates and, unless seeds must come from the target, the candidates one tie away from it.
     */
    static int[] naive(InfluenceGraph g, boolean[] candidate, boolean[] inTarget, int[] targetNodes, boolean onlyTarget,
                       int k) {
        boolean[] pool = new boolean[g.n];
        for (int v : targetNodes) {
            pool[v] = candidate[v];
            if (!onlyTarget) {
                for (int a = g.outStart[v]; a < g.outStart[v + 1]; a++) {
                    pool[g.outTo[a]] |= candidate[g.outTo[a]];
                }
                for (int a = g.inStart[v]; a < g.inStart[v + 1]; a++) {
                    pool[g.inFrom[a]] |= candidate[g.inFrom[a]];
                }
            }
        }
        List<Integer> members = new ArrayList<>();
        for (int v = 0; v < g.n; v++) {
            if (pool[v]) {
                members.add(v);
            }
        }
        return members.stream().sorted((a, b) -> g.degree[a] != g.degree[b] ? Integer.compare(g.degree[b], g.degree[a])
                        : Integer.compare(a, b))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }

    private static boolean sameSet(int[] a, int[] b) {
        int[] x = a.clone();
        int[] y = b.clone();
        Arrays.sort(x);
        Arrays.sort(y);
        return Arrays.equals(x, y);
    }

    private static SeedCoverage coverage(ReachableSets.Estimate e, int size, double sampled) {
        return new SeedCoverage(round(e.mean()), round(e.mean() / size), round(e.low()), round(e.high()),
                e.reached().length, round(sampled));
    }

    private static ContactKind kindOf(String kind) {
        try {
            return ContactKind.valueOf(kind.toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}
