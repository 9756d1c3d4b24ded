package health.circles.outreach;

import health.circles.Turns;
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
import java.util.concurrent.CompletableFuture;

/**
 * Seed selection: resolves the target, reads the graph (cached by version), marks who may be a seed, chooses seeds by
 * reverse-reachable-set sampling, and measures them and the naive top-k-by-degree pick with the same forward cascades.
 */
@ApplicationScoped
public class SeedService {

    private final SeedTargetStore targets;
    private final InfluenceGraphs graphs;
    private final GraphReads graphReads;
    private final SeedConfig config;
    private final SegmentService segments;
    private final InsightService insights;
    private final CampaignService campaigns;
    private final Turns slots;

    SeedService(SeedTargetStore targets, InfluenceGraphs graphs, GraphReads graphReads, SeedConfig config,
                SegmentService segments, CampaignService campaigns, InsightService insights) {
        this.insights = insights;
        this.segments = segments;
        this.campaigns = campaigns;
        this.targets = targets;
        this.graphs = graphs;
        this.graphReads = graphReads;
        this.config = config;
        this.slots = new Turns(Math.max(1, config.concurrency()), config.queueWait(), () -> new Unavailable(
                "seeds-busy", "Busy", "Other seed selections are being computed; retry shortly", null));
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
        return inSlot(() -> compute(request));
    }

    /** Strategies compared, one at a time per replica like selections (they share the slots). */
    public StrategyComparison compare(StrategyComparisonRequest request) {
        if (request == null) {
            throw InvalidInput.field("body", "is required");
        }
        return inSlot(() -> comparison(request));
    }

    /** Runs {@code work} in one of the replica's seed slots; 503 when none frees up within the queue wait. */
    private <T> T inSlot(java.util.function.Supplier<T> work) {
        return slots.inTurn(work);
    }

    /**
     * Every strategy on the same cascades: the fixed ones choose once, the randomised ones draw anew for each cascade
     * r from (randomSeed, r) (draw 0 is what the seeds answer returns); cascade r's live ties are the same for all.
     */
    private StrategyComparison comparison(StrategyComparisonRequest req) {
        Trace trace = new Trace();
        SeedRequest r = req.asSeedRequest(null);
        Settings settings = settings(r);
        SeedConfig.Compare limits = config.compare();
        if (req.k() > limits.maxK()) {
            throw new RuleRefused("compare-too-large", "Comparison too large",
                    "A comparison takes k up to " + limits.maxK() + " (asked " + req.k() + ")");
        }
        if (settings.simulations() > limits.maxSimulations()) {
            throw new RuleRefused("compare-too-large", "Comparison too large",
                    "A comparison runs up to " + limits.maxSimulations() + " cascades (asked "
                            + settings.simulations() + ")");
        }
        List<SeedStrategy> strategies = new ArrayList<>(req.strategies() == null ? List.of(SeedStrategy.values())
                : req.strategies().stream().distinct().toList());
        if (req.strategies() == null && insights.latestSucceededRun().isEmpty()) {
            strategies.remove(SeedStrategy.PAGERANK);
            trace.note("pagerank left out: no analytics run has succeeded yet");
        }
        Target target = resolveNonEmpty(r);
        Loaded loaded = loadGraph(r, trace);
        InfluenceGraph g = loaded.graph();
        Placed placed = place(g, target, trace);
        long t1 = System.nanoTime();
        Eligible eligible = eligibleSeeds(r, g, placed, trace);
        Spread spread = Boolean.TRUE.equals(r.spread()) ? spread(r.k(), target, g, placed, trace) : Spread.NONE;
        Strategies.Pool pool = pool(strategies.contains(SeedStrategy.PAGERANK), g, placed, eligible, spread, trace);
        trace.time("candidates", t1);

        long t2 = System.nanoTime();
        int[][] fixed = new int[strategies.size()][];
        for (int i = 0; i < strategies.size(); i++) {
            SeedStrategy st = strategies.get(i);
            if (st == SeedStrategy.IMM) {
                fixed[i] = validated(select(r.k(), g, placed, eligible, spread, settings, new Trace()), g, placed,
                        eligible, spread, settings, new Trace()).chosen();
            } else if (!st.randomised()) {
                fixed[i] = Strategies.pick(st, pool, r.k(), draws(settings.seed(), 0)).seeds();
            }
        }
        trace.time("selection", t2);

        long t3 = System.nanoTime();
        int runs = settings.simulations();
        // Strategies share out over the simulation threads, each thread on cascades of its own: strategy i's chunk is
        // the same computation on whichever thread, so the figures do not depend on the threads.
        Cascades[] workers = new Cascades[Math.max(1, Math.min(config.simulationThreads(), strategies.size()))];
        workers[0] = new Cascades(g, settings.model(), settings.contagion(), placed.inTarget(), settings.seed());
        for (int w = 1; w < workers.length; w++) {
            workers[w] = workers[0].another();
        }
        int[][] reach = new int[strategies.size()][runs];
        double[] seedCount = new double[strategies.size()];
        int done = 0;
        long budget = limits.maxSteps();
        for (int from = 0; from < runs; from += LaneCascades.CHUNK) {
            if (from >= 100 && Arrays.stream(workers).mapToLong(Cascades::steps).sum() >= budget) {
                trace.note("cascades stopped after " + from + " of " + runs + " (circles.outreach.seeds.compare."
                        + "max-steps arc trials): every strategy ran on the same " + from);
                break;
            }
            int count = Math.min(LaneCascades.CHUNK, runs - from);
            int[][][] drawn = new int[strategies.size()][][];
            for (int i = 0; i < strategies.size(); i++) {
                if (fixed[i] != null) {
                    seedCount[i] += (double) fixed[i].length * count;
                    continue;
                }
                drawn[i] = new int[count][];
                for (int j = 0; j < count; j++) {
                    drawn[i][j] = Strategies.pick(strategies.get(i), pool, r.k(), draws(settings.seed(), from + j))
                            .seeds();
                    seedCount[i] += drawn[i][j].length;
                }
            }
            int chunk = from;
            List<CompletableFuture<Void>> others = new ArrayList<>();
            for (int w = 1; w < workers.length; w++) {
                int worker = w;
                others.add(CompletableFuture.runAsync(() ->
                        cascadesOf(workers, worker, chunk, count, fixed, drawn, reach)));
            }
            cascadesOf(workers, 0, chunk, count, fixed, drawn, reach);
            others.forEach(CompletableFuture::join);
            done += count;
        }
        trace.time("simulation", t3);

        List<StrategyComparison.StrategyReach> rows = new ArrayList<>();
        ReachableSets.Estimate[] est = new ReachableSets.Estimate[strategies.size()];
        Integer[] order = new Integer[strategies.size()];
        for (int i = 0; i < strategies.size(); i++) {
            est[i] = ReachableSets.estimate(Arrays.copyOf(reach[i], done), false);
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> est[a].mean() != est[b].mean() ? Double.compare(est[b].mean(), est[a].mean())
                : Integer.compare(strategies.get(a).ordinal(), strategies.get(b).ordinal()));
        for (int i : order) {
            SeedStrategy st = strategies.get(i);
            if (seedCount[i] == 0) {
                trace.note(st.code() + " found no contact who may be a seed");
            }
            rows.add(new StrategyComparison.StrategyReach(st, st.randomised(), round(done == 0 ? 0 : seedCount[i] / done),
                    round(est[i].mean()), round(est[i].mean() / placed.size()), round(est[i].low()),
                    round(est[i].high())));
        }
        int best = order[0];
        StrategyComparison.Margin overRunnerUp = order.length > 1 ? margin(strategies, reach, best, order[1], done)
                : null;
        int random = strategies.indexOf(SeedStrategy.RANDOM);
        StrategyComparison.Margin overRandom = random >= 0 && random != best
                ? margin(strategies, reach, best, random, done) : null;
        trace.time("total", trace.started);
        Map<String, String> flows = new LinkedHashMap<>();
        InfluenceModel.FLOWS.forEach((type, flow) -> flows.put(type.name(), flow.name()));
        if (strategies.contains(SeedStrategy.IMM) && settings.contagion().threshold()) {
            trace.note("imm chooses seeds under the independent cascade; every reach here is measured under the "
                    + "threshold model");
        }
        return new StrategyComparison(
                new SeedSelection.SeedTargetView(target.kind(), target.community(), target.run(), placed.size(),
                        placed.notInGraph()),
                r.k(), r.channel(), modelView(settings, flows), settings.seed(), done, eligible.count(), rows,
                new StrategyComparison.Winner(strategies.get(best), overRunnerUp, overRandom),
                SeedSelection.SeedGraphView.of(g, loaded.wasCached()),
                trace.timings, trace.notes);
    }

    /** Worker {@code w}'s strategies (every {@code workers.length}-th) on a chunk of cascades. */
    private static void cascadesOf(Cascades[] workers, int w, int from, int count, int[][] fixed, int[][][] drawn,
                                   int[][] reach) {
        for (int i = w; i < fixed.length; i += workers.length) {
            if (fixed[i] != null) {
                workers[w].runChunk(from, count, fixed[i], null, reach[i]);
            } else {
                workers[w].runChunkEach(from, drawn[i], reach[i]);
            }
        }
    }

    private static StrategyComparison.Margin margin(List<SeedStrategy> strategies, int[][] reach, int a, int b,
                                                    int runs) {
        int[] diff = new int[runs];
        for (int c = 0; c < runs; c++) {
            diff[c] = reach[a][c] - reach[b][c];
        }
        ReachableSets.Estimate d = ReachableSets.estimate(diff, false);
        return new StrategyComparison.Margin(strategies.get(b), round(d.mean()), round(d.low()), round(d.high()),
                d.low() > 0);
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
            int level = targets.communityLevel(run, id).orElseThrow(() -> new NotFound("not-found", "Not Found",
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

    /**
     * The steps of a selection: resolve the target, load the graph, place the target on it, mark the eligible seeds
     * (and the sub-communities to spread over), select by reverse-reachable sets, measure against the naive pick with
     * forward cascades, and explain the outcome.
     */
    private SeedSelection compute(SeedRequest r) {
        Trace trace = new Trace();
        Target target = resolveNonEmpty(r);
        Loaded loaded = loadGraph(r, trace);
        InfluenceGraph g = loaded.graph();
        Placed placed = place(g, target, trace);
        long t1 = System.nanoTime();
        Eligible eligible = eligibleSeeds(r, g, placed, trace);
        Spread spread = Boolean.TRUE.equals(r.spread()) ? spread(r.k(), target, g, placed, trace) : Spread.NONE;
        trace.time("candidates", t1);
        Settings settings = settings(r);
        SeedStrategy strategy = strategy(r);
        Selected selected;
        Measured measured;
        if (strategy == SeedStrategy.IMM) {
            Selected greedy = select(r.k(), g, placed, eligible, spread, settings, trace);
            measured = settings.contagion().threshold() ? measureLive(g, placed, greedy, settings, trace)
                    : measure(g, placed, greedy, settings, trace);
            selected = greedy;
            if (comparable(greedy, eligible, spread) && measured.theirs().mean() > measured.ours().mean()) {
                selected = naiveInstead(greedy, measured.theirs().mean(), measured.ours().mean(), "forward",
                        trace);
                measured = measured.ofNaive();
            }
        } else {
            selected = pick(strategy, r.k(), g, placed, eligible, spread, settings, trace);
            measured = measureLive(g, placed, selected, settings, trace);
        }
        return explain(r, strategy, target, loaded, placed, eligible, spread, settings, selected, measured, trace);
    }

    /** What a selection records as it goes: milliseconds per step and notes for the caller, in order. */
    static final class Trace {
        final long started = System.nanoTime();
        final Map<String, Long> timings = new LinkedHashMap<>();
        final List<String> notes = new ArrayList<>();

        void time(String step, long since) {
            timings.put(step, ms(since));
        }

        void note(String note) {
            notes.add(note);
        }
    }

    /** The graph read for a selection, and whether it came from the cache. */
    private record Loaded(InfluenceGraph graph, boolean wasCached) {
    }

    /** The target on the graph: membership per node, its nodes, its size as given and how many are not in the graph. */
    record Placed(boolean[] inTarget, int[] nodes, int size, int notInGraph) {
    }

    /** Who may be a seed: flag, kind and weight per node, how many, and the request's rules that decided it. */
    private record Eligible(boolean[] candidate, String[] kinds, double[] weight, int count, boolean onlyTarget,
                            Set<ContactKind> prefer, double preferWeight) {
    }

    /** Seeds spread over sub-communities: group and sub-community per node, how many, at most how many seeds each. */
    private record Spread(int[] group, long[] subOf, Integer subCommunities, Integer cap) {
        static final Spread NONE = new Spread(null, null, null, null);
    }

    /** The cascade model and the sampling settings of a request, defaults filled in. */
    record Settings(double scale, double maxP, InfluenceModel model, Contagion contagion, double epsilon,
                    int simulations, long seed) {
    }

    /** The seeds returned, how they were chosen, the sampling behind them and the naive pick beside them. */
    private record Selected(ReachableSets.Result result, ReachableSets sampler, int[] chosen,
                            List<ReachableSets.Choice> choices, double sampledCoverage, String choice, int[] naive) {
    }

    /**
     * Forward cascades from the chosen seeds and from the naive pick, the paired gain of ours over theirs, and (when
     * measured on live-edge samples) each seed's mean marginal reach in the order chosen.
     */
    private record Measured(ReachableSets.Estimate ours, ReachableSets.Estimate theirs, ReachableSets.Estimate gain,
                            double[] marginals, double[] naiveMarginals) {

        /** The same cascades when the naive pick is returned as the seeds: its reach on both sides, no gain. */
        Measured ofNaive() {
            int[] none = new int[Math.min(ours.reached().length, theirs.reached().length)];
            return new Measured(theirs, theirs, ReachableSets.estimate(none, false), naiveMarginals, naiveMarginals);
        }
    }

    /** The target, refused (422) when it names no one. */
    private Target resolveNonEmpty(SeedRequest r) {
        Target target = resolve(r);
        if (target.members() != null && target.members().isEmpty()) {
            throw new RuleRefused("empty-target", "Empty target", "The target has no contacts");
        }
        return target;
    }

    /** The influence graph (cached by version), after waiting for the writes the caller asked to see. */
    private Loaded loadGraph(SeedRequest r, Trace trace) {
        if (!graphReads.await(r.consistentWith())) {
            trace.note("recent writes had not all reached the graph when it was read");
        }
        boolean wasCached = graphs.isCached();
        InfluenceGraph g = graphs.current();
        trace.time("graph", trace.started);
        return new Loaded(g, wasCached);
    }

    /** The target's nodes (every node for the network); 422 when none of its contacts is in the graph yet. */
    static Placed place(InfluenceGraph g, Target target, Trace trace) {
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
            throw new RuleRefused("empty-target", "Empty target", target.members() == null
                    ? "The graph holds no contacts yet; retry once the contacts written have reached it"
                    : size == 0 ? "The target has no contacts"
                    : "None of the target's " + size + " contacts is in the graph yet; retry once the graph has them");
        }
        if (notInGraph > 0) {
            trace.note(notInGraph + " target contacts are not in the graph yet: counted in the target, reachable by no "
                    + "one");
        }
        return new Placed(inTarget, targetNodes, size, notInGraph);
    }

    /**
     * Marks who may be a seed: consenting for the channel, not do-not-contact, not excluded (by name or by an active
     * campaign), in the target when seeds must come from it; preferred kinds weigh more. 422 when no one may.
     */
    private Eligible eligibleSeeds(SeedRequest r, InfluenceGraph g, Placed placed, Trace trace) {
        Set<ContactKind> prefer = r.prefer() == null || r.prefer().isEmpty() ? EnumSet.noneOf(ContactKind.class)
                : EnumSet.copyOf(r.prefer());
        double preferWeight = r.preferWeight() != null ? r.preferWeight() : config.preferWeight();
        Set<Integer> excluded = excludedNodes(r, g, trace);
        boolean onlyTarget = r.seedsFrom() == SeedRequest.SeedsFrom.TARGET;
        int n = g.size();
        boolean[] candidate = new boolean[n];
        double[] weight = new double[n];
        Arrays.fill(weight, 1.0);
        String[] kinds = new String[n];
        int[] candidates = {0};
        targets.eligible(r.channel(), Boolean.TRUE.equals(r.allowUnknownConsent()), (id, kind) -> {
            int v = g.node(id);
            if (v < 0 || excluded.contains(v) || onlyTarget && !placed.inTarget()[v]) {
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
        return new Eligible(candidate, kinds, weight, candidates[0], onlyTarget, prefer, preferWeight);
    }

    /** The nodes of the contacts the request excludes, and of those in active campaigns when it asks so. */
    private Set<Integer> excludedNodes(SeedRequest r, InfluenceGraph g, Trace trace) {
        Set<UUID> excludedIds = new HashSet<>();
        if (r.exclude() != null) {
            excludedIds.addAll(r.exclude());
        }
        if (Boolean.TRUE.equals(r.excludeActiveCampaigns())) {
            Set<UUID> busy = campaigns.contactsInActiveCampaigns();
            excludedIds.addAll(busy);
            trace.note(busy.size() + " contacts of active campaigns may not be seeds");
        }
        Set<Integer> excluded = new HashSet<>();
        for (UUID id : excludedIds) {
            int v = g.node(id);
            if (v >= 0) {
                excluded.add(v);
            }
        }
        return excluded;
    }

    /**
     * Groups the nodes by sub-community of the latest run (one level finer than a community target, else the
     * coarsest level), the target's sub-communities numbered first, and caps the seeds per group at ⌈k / groups⌉.
     */
    private Spread spread(int k, Target target, InfluenceGraph g, Placed placed, Trace trace) {
        int n = g.size();
        UUID run = target.run() != null ? target.run() : insights.latestRun();
        int level = 0;
        if (target.community() != null) {
            level = targets.hasChildren(run, target.community()) ? target.level() + 1 : target.level();
            if (level == target.level()) {
                trace.note("community " + target.community() + " has no finer communities: spread has no effect");
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
        Map<Long, Integer> dense = new TreeMap<>();
        for (int v : placed.nodes()) {
            if (byNode[v] != Long.MIN_VALUE) {
                dense.putIfAbsent(byNode[v], 0);
            }
        }
        int i = 0;
        for (Map.Entry<Long, Integer> e : dense.entrySet()) {
            e.setValue(i++);
        }
        Map<Long, Integer> outside = new HashMap<>();
        int[] group = new int[n];
        for (int v = 0; v < n; v++) {
            long c = byNode[v];
            if (c == Long.MIN_VALUE) {
                group[v] = -1; // not in the run (added since): in no sub-community
            } else {
                Integer d = dense.get(c);
                group[v] = d != null ? d : dense.size() + outside.computeIfAbsent(c, x -> outside.size());
            }
        }
        int subCommunities = Math.max(1, dense.size());
        return new Spread(group, byNode, subCommunities, (k + subCommunities - 1) / subCommunities);
    }

    static SeedStrategy strategy(SeedRequest r) {
        return r.strategy() == null ? SeedStrategy.IMM : r.strategy();
    }

    /**
     * The diffusion model of a request: the independent cascade unless THRESHOLD is asked, which takes exactly one of
     * a fraction (0 < f <= 1) or a count of ties; 400 otherwise (NaN and infinities included, which JSON strings can
     * carry).
     */
    static Contagion contagion(SeedRequest.SeedModel m) {
        SeedRequest.ModelType type = m == null || m.type() == null ? SeedRequest.ModelType.INDEPENDENT_CASCADE : m.type();
        Double fraction = m == null ? null : m.thresholdFraction();
        Integer count = m == null ? null : m.thresholdCount();
        if (type == SeedRequest.ModelType.INDEPENDENT_CASCADE) {
            if (fraction != null || count != null) {
                throw InvalidInput.field(fraction != null ? "model.thresholdFraction" : "model.thresholdCount",
                        "only with model type THRESHOLD");
            }
            return Contagion.CASCADE;
        }
        if ((fraction == null) == (count == null)) {
            throw InvalidInput.field("model.thresholdFraction", "model THRESHOLD takes exactly one of "
                    + "thresholdFraction and thresholdCount");
        }
        if (fraction != null && !(Double.isFinite(fraction) && fraction > 0 && fraction <= 1)) {
            throw InvalidInput.field("model.thresholdFraction", "must be a number above 0 and at most 1");
        }
        return new Contagion(Contagion.Kind.THRESHOLD, count, fraction);
    }

    Settings settings(SeedRequest r) {
        double scale = r.model() != null && r.model().scale() != null ? r.model().scale() : config.probability().scale();
        double maxP = r.model() != null && r.model().maxProbability() != null ? r.model().maxProbability()
                : config.probability().max();
        double epsilon = r.model() != null && r.model().epsilon() != null ? r.model().epsilon() : config.epsilon();
        int simulations = r.model() != null && r.model().simulations() != null ? r.model().simulations()
                : config.simulations();
        long seed = r.randomSeed() != null ? r.randomSeed() : config.randomSeed();
        if (!Double.isFinite(scale) || !Double.isFinite(maxP) || !Double.isFinite(epsilon)) {
            throw InvalidInput.field("model", "scale, maxProbability and epsilon must be finite numbers");
        }
        return new Settings(scale, maxP, new InfluenceModel(scale, maxP), contagion(r.model()), epsilon, simulations,
                seed);
    }

    /**
     * Chooses seeds by reverse-reachable-set sampling and picks the naive top-k-by-degree beside them. The forward
     * cascades that measure both then decide between them ({@link #comparable}).
     */
    private Selected select(int k, InfluenceGraph g, Placed placed, Eligible eligible, Spread spread, Settings s,
                            Trace trace) {
        long t2 = System.nanoTime();
        ReachableSets.Problem problem = new ReachableSets.Problem(g, s.model(), placed.nodes(), eligible.candidate(),
                eligible.weight(), spread.group(), spread.cap() == null ? Integer.MAX_VALUE : spread.cap(), k,
                s.epsilon(), config.ell(), config.minSets(), config.maxSets(), config.maxEntries(),
                config.maxSamplingSteps(), s.seed(), config.sentinels(), config.samplingThreads());
        ReachableSets sampler = new ReachableSets(problem);
        ReachableSets.Result result = sampler.select();
        trace.time("sampling_and_selection", t2);
        if (result.capped()) {
            trace.note("sampling stopped at " + result.sets() + " reverse-reachable sets of the " + result.setsWanted()
                    + " IMM asks for (sample bounds): the approximation guarantee is weaker, the coverage interval "
                    + "below still holds");
        }
        if (result.stoppedEarly() != null) {
            trace.note(result.seeds().size() + " seeds instead of " + k + ": " + result.stoppedEarly());
        }
        int[] naive = naive(g, eligible.candidate(), placed.inTarget(), placed.nodes(), eligible.onlyTarget(), k);
        int[] chosen = result.seeds().stream().mapToInt(ReachableSets.Choice::node).toArray();
        if (result.sentinels() > 0) {
            trace.note(result.sentinels() + " sentinel seed(s) chosen first: later reverse-reachable sets stop at them "
                    + "(HIST)");
        }
        return new Selected(result, sampler, chosen, result.seeds(), result.estimatedCoverage(), "GREEDY", naive);
    }

    /**
     * The greedy fits its own sample: where many candidates are nearly equal (heavy-tailed degrees) and the sample is
     * small, it can choose worse than the best-connected contacts. So the two are compared on forward cascades and the
     * better returned; without spread or preferences only, since the naive pick honours neither.
     */
    private static boolean comparable(Selected greedy, Eligible eligible, Spread spread) {
        return spread.group() == null && eligible.prefer().isEmpty() && greedy.naive().length == greedy.chosen().length
                && !sameSet(greedy.naive(), greedy.chosen());
    }

    /**
     * For a comparison of strategies, which runs cascades of its own: imm's seeds are what the seeds answer would
     * return, the greedy choice or, when {@link #comparable} and it reaches more on validation cascades (a stream of
     * their own, not the comparison's), the naive pick.
     */
    private Selected validated(Selected greedy, InfluenceGraph g, Placed placed, Eligible eligible, Spread spread,
                               Settings s, Trace trace) {
        if (!comparable(greedy, eligible, spread)) {
            return greedy;
        }
        long validation = ReachableSets.mix(s.seed(), Long.MAX_VALUE);
        int runs = Math.max(100, s.simulations() / 2);
        ReachableSets.Estimate vOurs;
        ReachableSets.Estimate vNaive;
        if (s.contagion().threshold()) {
            Live v = live(g, placed, greedy.chosen(), greedy.naive(), s, runs, validation);
            vOurs = v.ours();
            vNaive = v.theirs();
        } else {
            ReachableSets.Estimate[] v = ReachableSets.simulate(g, s.model(),
                    new int[][] {greedy.chosen(), greedy.naive()}, placed.inTarget(), runs, config.maxSimulationSteps(),
                    validation, config.simulationThreads(), config.precision(), config.minSimulations());
            vOurs = v[0];
            vNaive = v[1];
        }
        return vNaive.mean() > vOurs.mean() ? naiveInstead(greedy, vNaive.mean(), vOurs.mean(), "validation", trace)
                : greedy;
    }

    /** The naive pick returned as the seeds, since cascades measured it reaching more than the greedy choice. */
    private static Selected naiveInstead(Selected greedy, double naiveReach, double greedyReach, String cascades,
                                         Trace trace) {
        trace.note(String.format(Locale.ROOT, "the top-k-by-degree pick reached more on the %s cascades (%.1f against "
                + "%.1f for the sampled greedy choice), so it is returned as the seeds", cascades, naiveReach,
                greedyReach));
        int[] chosen = greedy.naive().clone();
        ReachableSets sampler = greedy.sampler();
        return new Selected(greedy.result(), sampler, chosen, sampler.marginals(chosen), sampler.coverage(chosen),
                "TOP_K_BY_DEGREE", greedy.naive());
    }

    /** The same forward cascades from the chosen seeds and from the naive pick, paired run by run. */
    private Measured measure(InfluenceGraph g, Placed placed, Selected selected, Settings s, Trace trace) {
        long t3 = System.nanoTime();
        ReachableSets.Estimate[] both = ReachableSets.simulate(g, s.model(),
                new int[][] {selected.chosen(), selected.naive()}, placed.inTarget(), s.simulations(),
                config.maxSimulationSteps(), s.seed(), config.simulationThreads(), config.precision(),
                config.minSimulations());
        ReachableSets.Estimate ours = both[0];
        ReachableSets.Estimate theirs = both[1];
        trace.time("simulation", t3);
        int ran = Math.min(ours.reached().length, theirs.reached().length);
        if (ours.capped() || theirs.capped()) {
            trace.note("forward cascades stopped after " + ran + " of " + s.simulations() + " (simulation bound)");
        } else if (ran < s.simulations()) {
            trace.note(String.format(Locale.ROOT, "forward cascades stopped after %d of %d: the reach was known to "
                    + "within ±%.1f %% (95 %% interval)", ran, s.simulations(), config.precision() * 100));
        }
        int paired = Math.min(ours.reached().length, theirs.reached().length);
        int[] diff = new int[paired];
        for (int i = 0; i < paired; i++) {
            diff[i] = ours.reached()[i] - theirs.reached()[i];
        }
        return new Measured(ours, theirs, ReachableSets.estimate(diff, false), null, null);
    }

    /** Both seed sets on the same live-edge samples, under the request's model. */
    private record Live(ReachableSets.Estimate ours, ReachableSets.Estimate theirs, ReachableSets.Estimate gain,
                        double[] marginals, double[] theirMarginals) {
    }

    private Live live(InfluenceGraph g, Placed placed, int[] ours, int[] theirs, Settings s, int runs, long seed) {
        Cascades cascades = new Cascades(g, s.model(), s.contagion(), placed.inTarget(), seed);
        int[] a = new int[runs];
        int[] b = new int[runs];
        double[] marginal = new double[ours.length];
        double[] theirMarginal = new double[theirs.length];
        int done = 0;
        boolean capped = false;
        for (int from = 0; from < runs; from += LaneCascades.CHUNK) {
            if (from >= 100 && cascades.steps() >= config.maxSimulationSteps()) {
                capped = true;
                break;
            }
            int count = Math.min(LaneCascades.CHUNK, runs - from);
            cascades.runChunk(from, count, ours, marginal, a);
            cascades.runChunk(from, count, theirs, theirMarginal, b);
            done += count;
        }
        int[] diff = new int[done];
        for (int r = 0; r < done; r++) {
            diff[r] = a[r] - b[r];
        }
        for (int i = 0; i < marginal.length; i++) {
            marginal[i] = done == 0 ? 0 : marginal[i] / done;
        }
        for (int i = 0; i < theirMarginal.length; i++) {
            theirMarginal[i] = done == 0 ? 0 : theirMarginal[i] / done;
        }
        return new Live(ReachableSets.estimate(Arrays.copyOf(a, done), capped),
                ReachableSets.estimate(Arrays.copyOf(b, done), capped), ReachableSets.estimate(diff, false), marginal,
                theirMarginal);
    }

    /**
     * The seeds and the naive pick on the same live-edge samples (common random numbers) under the request's model,
     * with each seed's marginal reach in the order chosen.
     */
    private Measured measureLive(InfluenceGraph g, Placed placed, Selected selected, Settings s, Trace trace) {
        long t3 = System.nanoTime();
        Live live = live(g, placed, selected.chosen(), selected.naive(), s, s.simulations(), s.seed());
        trace.time("simulation", t3);
        if (live.ours().capped()) {
            trace.note("forward cascades stopped after " + live.ours().reached().length + " of " + s.simulations()
                    + " (simulation bound)");
        }
        return new Measured(live.ours(), live.theirs(), live.gain(), live.marginals(), live.theirMarginals());
    }

    /**
     * Seeds by a strategy other than IMM (docs/outreach.md, "Strategies"), with the naive pick beside them. Random
     * strategies draw from the stream (randomSeed, 0): the first draw a comparison of strategies makes.
     */
    private Selected pick(SeedStrategy strategy, int k, InfluenceGraph g, Placed placed, Eligible eligible,
                          Spread spread, Settings s, Trace trace) {
        long t2 = System.nanoTime();
        Strategies.Pool pool = pool(strategy == SeedStrategy.PAGERANK, g, placed, eligible, spread, trace);
        Strategies.Picked picked = Strategies.pick(strategy, pool, k, draws(s.seed(), 0));
        trace.time("selection", t2);
        if (!eligible.prefer().isEmpty()) {
            trace.note("prefer weighs only the imm strategy; " + strategy.code() + " ignored it");
        }
        if (picked.short_() != null) {
            trace.note(picked.seeds().length + " seeds instead of " + k + ": " + picked.short_());
        }
        if (picked.seeds().length == 0) {
            throw new RuleRefused("no-eligible-seeds", "No possible seeds", "Strategy " + strategy.code()
                    + " found no contact who may be a seed: " + picked.short_());
        }
        int[] naive = naive(g, eligible.candidate(), placed.inTarget(), placed.nodes(), eligible.onlyTarget(), k);
        return new Selected(null, null, picked.seeds(), List.of(), Double.NaN, strategy.code().toUpperCase(Locale.ROOT),
                naive);
    }

    /** What the strategies choose from; PageRank from the latest successful analytics run when asked (409 without). */
    Strategies.Pool pool(boolean withPagerank, InfluenceGraph g, Placed placed, Eligible eligible, Spread spread,
                         Trace trace) {
        double[] pagerank = null;
        if (withPagerank) {
            UUID run = insights.latestRun();
            pagerank = new double[g.size()];
            int[] missing = {0};
            Map<UUID, Double> scores = targets.pagerank(run);
            for (int v = 0; v < g.size(); v++) {
                Double score = scores.get(g.id(v));
                if (score == null) {
                    missing[0]++;
                }
                pagerank[v] = score == null ? 0 : score;
            }
            if (missing[0] > 0) {
                trace.note(missing[0] + " contacts have no PageRank in analytics run " + run
                        + " (added since): they rank last");
            }
        }
        return Strategies.Pool.of(g, eligible.candidate(), placed.inTarget(), placed.nodes(), eligible.onlyTarget(),
                spread.group(), spread.cap() == null ? Integer.MAX_VALUE : spread.cap(), pagerank);
    }

    /** The generator of random strategies' draw {@code i} (0: the seeds answer; i: compare's cascade i). */
    static java.util.SplittableRandom draws(long seed, int i) {
        return new java.util.SplittableRandom(ReachableSets.mix(seed ^ 0x2545F4914F6CDD1DL, i));
    }

    /** The answer: the seeds and the naive pick named, their coverage, the comparison, and how it was computed. */
    private SeedSelection explain(SeedRequest r, SeedStrategy strategy, Target target, Loaded loaded, Placed placed,
                                  Eligible eligible, Spread spread, Settings s, Selected selected, Measured measured,
                                  Trace trace) {
        InfluenceGraph g = loaded.graph();
        List<UUID> ids = new ArrayList<>();
        for (int v : selected.chosen()) {
            ids.add(g.id(v));
        }
        for (int v : selected.naive()) {
            ids.add(g.id(v));
        }
        Map<UUID, SeedTargetStore.Named> names = targets.names(ids);
        List<ReachableSets.Choice> choices = selected.choices();
        if (measured.marginals() != null) {
            choices = new ArrayList<>();
            for (int i = 0; i < selected.chosen().length; i++) {
                choices.add(new ReachableSets.Choice(selected.chosen()[i], measured.marginals()[i]));
            }
        }
        List<Seed> seeds = seeds(g, placed, eligible, spread, selected.chosen(), choices, names);
        List<BaselineSeed> naiveSeeds = baseline(g, placed, eligible, selected.naive(), names);
        boolean sampled = selected.sampler() != null && !s.contagion().threshold();
        SeedCoverage coverage = coverage(measured.ours(), placed.size(), sampled ? selected.sampledCoverage() : null);
        SeedCoverage naiveCoverage = coverage(measured.theirs(), placed.size(),
                sampled ? selected.sampler().coverage(selected.naive()) : null);
        trace.time("total", trace.started);

        Map<String, String> flows = new LinkedHashMap<>();
        InfluenceModel.FLOWS.forEach((type, flow) -> flows.put(type.name(), flow.name()));
        ReachableSets.Result result = selected.result();
        ReachableSets.Estimate gain = measured.gain();
        if (s.contagion().threshold() && strategy == SeedStrategy.IMM) {
            trace.note("imm chooses seeds under the independent cascade; their reach here is measured under the "
                    + "threshold model");
        }
        SeedSelection.SeedSampling sampling = result == null ? null
                : new SeedSelection.SeedSampling("REVERSE_REACHABLE_SETS", selected.choice(), s.seed(), s.epsilon(),
                        result.sets(), result.setsWanted(), result.capped(), round(result.optimumLowerBound()),
                        eligible.preferWeight(), spread.subCommunities(), spread.cap());
        return new SeedSelection(
                new SeedSelection.SeedTargetView(target.kind(), target.community(), target.run(), placed.size(),
                        placed.notInGraph()),
                r.k(), r.channel(), strategy, s.seed(), modelView(s, flows), sampling,
                eligible.count(), seeds, coverage,
                new SeedSelection.SeedBaseline("TOP_K_BY_DEGREE", naiveSeeds, naiveCoverage),
                new SeedSelection.SeedComparison(round(gain.mean()), round(gain.low()), round(gain.high()),
                        measured.theirs().mean() > 0 ? round(gain.mean() / measured.theirs().mean()) : null),
                SeedSelection.SeedGraphView.of(g, loaded.wasCached()),
                trace.timings, trace.notes);
    }

    static SeedSelection.SeedModelView modelView(Settings s, Map<String, String> flows) {
        Contagion c = s.contagion();
        return new SeedSelection.SeedModelView(c.kind().name(), s.model().mapping(), s.scale(), s.maxP(), flows,
                c.rule(), c.count(), c.fraction());
    }

    /** The seeds in the order chosen, with their marginal and cumulative expected reach. */
    private static List<Seed> seeds(InfluenceGraph g, Placed placed, Eligible eligible, Spread spread,
                                    int[] chosen, List<ReachableSets.Choice> choices,
                                    Map<UUID, SeedTargetStore.Named> names) {
        List<Seed> seeds = new ArrayList<>();
        double cumulative = 0;
        for (int i = 0; i < chosen.length; i++) {
            int v = chosen[i];
            UUID id = g.id(v);
            SeedTargetStore.Named named = names.get(id);
            ReachableSets.Choice c = choices.get(i);
            cumulative += c.marginalReach();
            long[] subOf = spread.subOf();
            Long sub = subOf != null && subOf[v] != Long.MIN_VALUE ? subOf[v] : null;
            seeds.add(new Seed(i + 1, id, named == null ? null : named.displayName(),
                    named == null ? eligible.kinds()[v] : named.kind(), round(c.marginalReach()), round(cumulative),
                    placed.inTarget()[v], g.degree[v], sub, eligible.weight()[v] > 1));
        }
        return seeds;
    }

    /** The naive pick, named. */
    private static List<BaselineSeed> baseline(InfluenceGraph g, Placed placed, Eligible eligible, int[] naive,
                                               Map<UUID, SeedTargetStore.Named> names) {
        List<BaselineSeed> naiveSeeds = new ArrayList<>();
        for (int i = 0; i < naive.length; i++) {
            int v = naive[i];
            UUID id = g.id(v);
            SeedTargetStore.Named named = names.get(id);
            naiveSeeds.add(new BaselineSeed(i + 1, id, named == null ? null : named.displayName(),
                    named == null ? eligible.kinds()[v] : named.kind(), g.degree[v], placed.inTarget()[v]));
        }
        return naiveSeeds;
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

    private static SeedCoverage coverage(ReachableSets.Estimate e, int size, Double sampled) {
        return new SeedCoverage(round(e.mean()), round(e.mean() / size), round(e.low()), round(e.high()),
                e.reached().length, sampled == null ? null : round(sampled));
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
