package health.circles.outreach;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Influence maximisation over a target by reverse-reachable-set sampling (IMM, Tang, Shi and Xiao 2015) with a lazy
 * greedy (CELF-style) maximum coverage, and forward Monte Carlo cascades to measure what a seed set reaches.
 *
 * <p>A reverse-reachable (RR) set starts at a target contact drawn uniformly and walks in-arcs backwards, keeping each
 * with its probability: the contacts in it are those whose outreach would have reached the root in that draw. The
 * expected number of target contacts a seed set reaches is |target| × the share of RR sets it meets, so choosing seeds
 * is maximum coverage over the sets. Only candidates (consenting, not excluded) are stored in a set; the others still
 * carry the walk. Every draw comes from a {@link SplittableRandom} seeded by (seed, sample number), so the same graph,
 * problem and seed give the same sets, the same seeds and the same figures, on any number of threads.
 *
 * <p>Where one word reaches a large share of everybody, sentinel seeds (HIST) are chosen first and later walks stop
 * as soon as they meet one ({@link #chooseSentinels}): the same sets, cut short where what else they hold cannot
 * change the choice.
 */
final class ReachableSets {

    private static final double ONE_MINUS_INV_E = 1 - 1 / Math.E;

    /** What to choose: k seeds among candidates, reaching as much of target as possible. */
    record Problem(InfluenceGraph graph, InfluenceModel model, int[] target, boolean[] candidate, double[] weight,
                   int[] group, int cap, int k, double epsilon, double ell, int minSets, int maxSets, long maxEntries,
                   long maxSteps, long seed, boolean sentinels, int threads) {
    }

    /** A chosen seed: its node, and the target contacts it adds in expectation to those before it. */
    record Choice(int node, double marginalReach) {
    }

    /**
     * The choice and how it was reached: RR sets drawn, the share they say the seeds cover, whether a bound cut the
     * sampling short of IMM's count, IMM's lower bound of the optimum, and why the greedy stopped before k, if it did.
     */
    record Result(List<Choice> seeds, double estimatedCoverage, int sets, int setsWanted, long entries, boolean capped,
                  double optimumLowerBound, String stoppedEarly, int sentinels, long steps) {
    }

    /** What forward cascades measured: reached target contacts per cascade, with mean and 95 % interval. */
    record Estimate(int[] reached, double mean, double standardDeviation, double low, double high, boolean capped) {
    }

    private final Problem p;
    private final InfluenceGraph g;
    private final int t;
    private final float[] inP;
    private final Walker[] walkers;
    /** Sentinel seeds (HIST): chosen first, and an RR set stops as soon as its walk meets one. */
    private final boolean[] sentinel;
    private int[] sentinels = new int[0];
    /** Sets whose walk a sentinel stopped: they hold that sentinel alone. */
    private boolean[] truncated = new boolean[1024];
    private int[] setStart = new int[1025];
    private int[] entries = new int[4096];
    private int sets;
    private long entryCount;
    private long steps;
    private boolean capped;

    ReachableSets(Problem p) {
        this.p = p;
        this.g = p.graph();
        this.t = p.target().length;
        this.inP = new float[g.inFrom.length];
        for (int a = 0; a < inP.length; a++) {
            inP[a] = (float) p.model().probability(g.inStrength[a]);
        }
        this.walkers = new Walker[Math.max(1, p.threads())];
        this.sentinel = new boolean[g.n];
    }

    /** Draws the sets IMM asks for (within the bounds) and chooses the seeds. */
    Result select() {
        int candidates = 0;
        for (boolean c : p.candidate()) {
            candidates += c ? 1 : 0;
        }
        int k = Math.max(1, Math.min(p.k(), Math.max(1, candidates)));
        double n = Math.max(2, t);
        double ell = p.ell() * (1 + Math.log(2) / Math.log(n)); // IMM's adjustment for the union over both phases
        double logChoose = logChoose(Math.max(candidates, k), k);
        double epsPrime = Math.sqrt(2) * p.epsilon();
        double lambdaPrime = (2 + 2 * epsPrime / 3) * (logChoose + ell * Math.log(n) + Math.log(Math.log(n) / Math.log(2)))
                * n / (epsPrime * epsPrime);
        if (p.sentinels()) {
            chooseSentinels(k);
        }
        double lowerBound = 1;
        for (int i = 1; i < Math.log(n) / Math.log(2); i++) {
            double x = n / Math.pow(2, i);
            boolean complete = draw((long) Math.ceil(lambdaPrime / x));
            double covered = n * greedy(k, null).coverage;
            if (covered >= (1 + epsPrime) * x || !complete) {
                // Cut short by a bound, the sets drawn still give the best estimate of the optimum there is.
                lowerBound = Math.max(1, covered / (1 + epsPrime));
                break;
            }
        }
        double alpha = Math.sqrt(ell * Math.log(n) + Math.log(2));
        double beta = Math.sqrt(ONE_MINUS_INV_E * (logChoose + ell * Math.log(n) + Math.log(2)));
        double lambdaStar = 2 * n * Math.pow(ONE_MINUS_INV_E * alpha + beta, 2) / (p.epsilon() * p.epsilon());
        long wanted = (long) Math.ceil(lambdaStar / lowerBound);
        draw(Math.max(wanted, p.minSets()));
        List<Choice> chosen = new ArrayList<>();
        Greedy result = greedy(k, chosen);
        return new Result(chosen, result.coverage * t, sets, (int) Math.min(Integer.MAX_VALUE, Math.max(wanted, p.minSets())),
                entryCount, capped, lowerBound, result.stoppedEarly, sentinels.length, steps);
    }

    /** Share of the sampling bound the sentinel phase may spend on whole (untruncated) sets. */
    static final int SENTINEL_BUDGET_DIVISOR = 5;

    /**
     * A greedy seed of the sentinel phase becomes a sentinel when it alone meets at least this share of the sets, and
     * at least {@link #SENTINEL_MIN_SETS} of them.
     */
    static final double SENTINEL_SHARE = 0.1;

    static final int SENTINEL_MIN_SETS = 10;

    /**
     * HIST's sentinel phase (Guo, Chen, Wu, Li, Tan: "Influence Maximization Revisited", SIGMOD 2020), simplified:
     * whole sets are drawn (up to {@code minSets}, within a fifth of the step bound), the greedy runs on them, and its
     * leading seeds that each meet at least {@link #SENTINEL_SHARE} of the sets (and {@link #SENTINEL_MIN_SETS})
     * become sentinels. Where one word reaches
     * a large share of everybody (a giant cascade) the first seed is such a hub, and every later walk that joins the
     * giant meets it within a few thousand contacts instead of walking half the network; where cascades are small no
     * seed meets a tenth of the sets, there are no sentinels and the sampling is IMM's unchanged. The sets drawn here
     * stay in the sample: they are draws like any other.
     */
    private void chooseSentinels(int k) {
        drawWithin(Math.min(p.minSets(), p.maxSets()), p.maxSteps() / SENTINEL_BUDGET_DIVISOR);
        if (sets == 0) {
            return;
        }
        List<Choice> leading = new ArrayList<>();
        greedy(k, leading);
        List<Integer> chosen = new ArrayList<>();
        for (Choice c : leading) {
            double met = c.marginalReach() * sets / t;
            if (met < SENTINEL_SHARE * sets || met < SENTINEL_MIN_SETS - 1e-9) {
                break;
            }
            chosen.add(c.node());
            sentinel[c.node()] = true;
        }
        sentinels = chosen.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The sentinels chosen, in the greedy's order (empty where cascades are small). */
    int[] sentinels() {
        return sentinels.clone();
    }

    /** Draws RR sets up to {@code wanted}, within the bounds; false when a bound stopped it. */
    private boolean draw(long wanted) {
        long goal = Math.min(wanted, p.maxSets());
        if (goal < wanted) {
            capped = true;
        }
        if (!drawWithin(goal, p.maxSteps())) {
            capped = true;
        }
        return !capped;
    }

    /** Most sets drawn in one batch. */
    private static final int BATCH = 256;

    /**
     * Draws sets up to {@code goal} in batches on the walkers' threads; false when {@code maxSteps} or the entry bound
     * stopped it first. Set i depends on (seed, i) and the sentinels alone, and the bounds are checked between batches
     * whose sizes depend only on the sets before them (about as many as the bounds have room for at the average cost
     * so far, and no more than have been drawn, up to {@value #BATCH}), so the same problem draws the same sets on any
     * number of threads.
     */
    private boolean drawWithin(long goal, long maxSteps) {
        while (sets < goal) {
            if (entryCount >= p.maxEntries() || steps >= maxSteps) {
                return false;
            }
            double room = sets == 0 ? 1 : Math.min((maxSteps - steps) / Math.max(1.0, (double) steps / sets),
                    (p.maxEntries() - entryCount) / Math.max(1.0, (double) entryCount / sets));
            int from = sets;
            // At most as many as drawn so far, so the average cost the room is judged by rests on enough sets.
            long batch = (long) Math.max(1, Math.min(Math.min(BATCH, Math.max(1, sets)), Math.ceil(room)));
            int to = (int) Math.min(goal, from + batch);
            int slice = (to - from + walkers.length - 1) / walkers.length;
            List<CompletableFuture<Void>> others = new ArrayList<>();
            for (int w = 1; w < walkers.length && from + w * slice < to; w++) {
                Walker walker = walker(w);
                int start = from + w * slice;
                int end = Math.min(to, start + slice);
                others.add(CompletableFuture.runAsync(() -> walker.walk(start, end)));
            }
            walker(0).walk(from, Math.min(to, from + slice));
            others.forEach(CompletableFuture::join);
            for (int w = 0; w < walkers.length && from + w * slice < to; w++) {
                append(walkers[w]);
            }
        }
        return true;
    }

    private Walker walker(int w) {
        return walkers[w] == null ? walkers[w] = new Walker() : walkers[w];
    }

    /** A walker's sets, appended in order after those drawn before. */
    private void append(Walker w) {
        for (int j = 0; j < w.count; j++) {
            int i = sets++;
            if (setStart.length <= i + 1) {
                setStart = Arrays.copyOf(setStart, setStart.length * 2);
                truncated = Arrays.copyOf(truncated, setStart.length);
            }
            int at = setStart[i];
            for (int e = j == 0 ? 0 : w.ends[j - 1]; e < w.ends[j]; e++) {
                at = add(at, w.entries[e]);
            }
            truncated[i] = w.cut[j];
            setStart[i + 1] = at;
            entryCount = at;
        }
        steps += w.steps;
    }

    /** One thread's working arrays for RR sets, and the sets it drew in the latest batch. */
    private final class Walker {
        private final int[] stamp = new int[g.n];
        private final int[] queue = new int[g.n];
        private int[] entries = new int[1024];
        private int[] ends = new int[BATCH];
        private boolean[] cut = new boolean[BATCH];
        private int count;
        private int size;
        private long steps;

        /** Draws sets {@code from} to {@code to − 1}. */
        void walk(int from, int to) {
            count = 0;
            size = 0;
            steps = 0;
            for (int i = from; i < to; i++) {
                walkOne(i);
            }
        }

        private void walkOne(int i) {
            SplittableRandom rng = new SplittableRandom(mix(p.seed(), i));
            int mark = i + 1;
            int root = p.target()[rng.nextInt(t)];
            stamp[root] = mark;
            queue[0] = root;
            int head = 0;
            int tail = 1;
            int start = size;
            boolean[] candidate = p.candidate();
            int met = sentinel[root] ? root : -1;
            walk:
            while (head < tail && met < 0) {
                int v = queue[head++];
                if (candidate[v]) {
                    keep(v);
                }
                steps += g.inStart[v + 1] - g.inStart[v];
                for (int a = g.inStart[v], end = g.inStart[v + 1]; a < end; a++) {
                    int u = g.inFrom[a];
                    if (stamp[u] != mark && inP[a] > 0 && rng.nextDouble() < inP[a]) {
                        if (sentinel[u]) {
                            met = u;
                            break walk;
                        }
                        stamp[u] = mark;
                        queue[tail++] = u;
                    }
                }
            }
            if (met >= 0) {
                // The set meets a sentinel, which every answer holds: what else it holds changes no choice.
                size = start;
                keep(met);
            }
            ends[count] = size;
            cut[count] = met >= 0;
            count++;
        }

        private void keep(int v) {
            if (size == entries.length) {
                entries = Arrays.copyOf(entries, (int) Math.min(Integer.MAX_VALUE - 8L, entries.length * 2L));
            }
            entries[size++] = v;
        }
    }

    private int add(int at, int v) {
        if (at == entries.length) {
            entries = Arrays.copyOf(entries, (int) Math.min(Integer.MAX_VALUE - 8L, entries.length * 2L));
        }
        entries[at] = v;
        return at + 1;
    }

    private record Greedy(double coverage, String stoppedEarly) {
    }

    /**
     * Lazy greedy maximum coverage over the sets drawn: gains only fall as seeds are added (coverage is submodular), so
     * a popped candidate whose stored gain is still current is the best. Gains are weighted for preferred kinds; ties go
     * to the lower node (contact id order). A candidate whose group already has {@code cap} seeds is passed over.
     */
    private Greedy greedy(int k, List<Choice> chosen) {
        int n = g.n;
        int[] count = new int[n];
        int total = setStart[sets];
        for (int e = 0; e < total; e++) {
            count[entries[e]]++;
        }
        int[] invStart = new int[n + 1];
        for (int v = 0; v < n; v++) {
            invStart[v + 1] = invStart[v] + count[v];
        }
        int[] inv = new int[total];
        int[] fill = Arrays.copyOf(invStart, n);
        for (int s = 0; s < sets; s++) {
            for (int e = setStart[s]; e < setStart[s + 1]; e++) {
                inv[fill[entries[e]]++] = s;
            }
        }
        boolean[] covered = new boolean[sets];
        int coveredCount = 0;
        double[] weight = p.weight();
        PriorityQueue<double[]> heap = new PriorityQueue<>((x, y) -> x[0] != y[0] ? Double.compare(y[0], x[0])
                : Double.compare(x[1], y[1]));
        for (int v = 0; v < n; v++) {
            if (count[v] > 0) {
                heap.add(new double[] {count[v] * weight[v], v});
            }
        }
        java.util.Map<Integer, Integer> perGroup = new java.util.HashMap<>();
        int picked = 0;
        String stopped = null;
        int presetAt = 0;
        while (picked < k) {
            int v;
            if (presetAt < sentinels.length) {
                v = sentinels[presetAt++]; // the sentinels come first, as the phase that chose them did
            } else {
                double[] top = heap.poll();
                if (top == null) {
                    stopped = picked == 0 ? "no candidate reaches any of the target"
                            : "no further candidate reaches more of the target";
                    break;
                }
                v = (int) top[1];
                double gain = count[v] * weight[v];
                if (gain <= 0) {
                    continue;
                }
                if (gain < top[0]) {
                    top[0] = gain;
                    heap.add(top);
                    continue;
                }
            }
            int grp = p.group() == null ? -1 : p.group()[v];
            if (grp >= 0 && perGroup.getOrDefault(grp, 0) >= p.cap()) {
                continue;
            }
            if (grp >= 0) {
                perGroup.merge(grp, 1, Integer::sum);
            }
            if (chosen != null) {
                chosen.add(new Choice(v, sets == 0 ? 0 : (double) count[v] * t / sets));
            }
            picked++;
            for (int i = invStart[v]; i < invStart[v + 1]; i++) {
                int s = inv[i];
                if (!covered[s]) {
                    covered[s] = true;
                    coveredCount++;
                    for (int e = setStart[s]; e < setStart[s + 1]; e++) {
                        count[entries[e]]--;
                    }
                }
            }
        }
        if (stopped == null && picked < k) {
            stopped = "the spread limit left no further candidate";
        }
        return new Greedy(sets == 0 ? 0 : (double) coveredCount / sets, stopped);
    }

    /**
     * Each seed's marginal reach over the sets drawn, in the order given: a set counts for its earliest seed. A set a
     * sentinel stopped holds that sentinel alone, so for an order that holds every sentinel it counts for that sentinel
     * (not for an earlier one it may also have met; the total is exact) and for any other seed set it is weighed as
     * {@link #weights} says.
     */
    List<Choice> marginals(int[] seeds) {
        int[] order = new int[g.n];
        Arrays.fill(order, Integer.MAX_VALUE);
        for (int i = 0; i < seeds.length; i++) {
            order[seeds[i]] = Math.min(order[seeds[i]], i);
        }
        double[] weight = weights(seeds);
        double[] gained = new double[seeds.length];
        for (int s = 0; s < sets; s++) {
            int first = Integer.MAX_VALUE;
            for (int e = setStart[s]; e < setStart[s + 1]; e++) {
                first = Math.min(first, order[entries[e]]);
            }
            if (first != Integer.MAX_VALUE) {
                gained[first] += weight == null ? 1 : weight[s];
            }
        }
        List<Choice> out = new ArrayList<>();
        for (int i = 0; i < seeds.length; i++) {
            out.add(new Choice(seeds[i], sets == 0 ? 0 : gained[i] * t / sets));
        }
        return out;
    }

    /** The same share-of-sets estimate for any seed set (the naive pick), over the sets this selection drew. */
    double coverage(int[] seeds) {
        boolean[] seed = new boolean[g.n];
        for (int s : seeds) {
            seed[s] = true;
        }
        double[] weight = weights(seeds);
        double hit = 0;
        for (int s = 0; s < sets; s++) {
            for (int e = setStart[s]; e < setStart[s + 1]; e++) {
                if (seed[entries[e]]) {
                    hit += weight == null ? 1 : weight[s];
                    break;
                }
            }
        }
        return sets == 0 ? 0 : hit * t / sets;
    }

    /**
     * Weights of the sets for estimating a seed set that lacks a sentinel ({@code null}: every set counts once). A set
     * a sentinel stopped says nothing about other seeds, so it weighs nothing; the whole sets of the sentinel phase
     * that meet a sentinel stand for all the sets that do (weight: those sets over these), the sets that meet none are
     * whole and count once: a stratified estimate, unbiased, if from fewer sets.
     */
    private double[] weights(int[] seeds) {
        if (sentinels.length == 0) {
            return null;
        }
        boolean[] given = new boolean[g.n];
        for (int s : seeds) {
            given[s] = true;
        }
        boolean all = true;
        for (int s : sentinels) {
            all &= given[s];
        }
        if (all) {
            return null;
        }
        boolean[] meets = new boolean[sets];
        int meeting = 0;
        int whole = 0;
        for (int s = 0; s < sets; s++) {
            for (int e = setStart[s]; e < setStart[s + 1] && !meets[s]; e++) {
                meets[s] = sentinel[entries[e]];
            }
            if (meets[s]) {
                meeting++;
                whole += truncated[s] ? 0 : 1;
            }
        }
        if (whole == 0) {
            return null; // no whole set to stand for them: each counts as the sentinel alone (an underestimate)
        }
        double[] weight = new double[sets];
        for (int s = 0; s < sets; s++) {
            weight[s] = !meets[s] ? 1 : truncated[s] ? 0 : (double) meeting / whole;
        }
        return weight;
    }

    /**
     * Forward independent cascades from {@code seeds}: cascade r's live arcs come from (seed, r) alone, so two seed sets
     * measured with the same seed meet exactly the same live arcs (a paired comparison). Stops early, after at least
     * 100 cascades, once {@code maxSteps} arc trials are spent. One thread, every cascade asked for.
     */
    static Estimate simulate(InfluenceGraph g, InfluenceModel model, int[] seeds, boolean[] inTarget, int runs,
                             long maxSteps, long seed) {
        return simulate(g, model, seeds, inTarget, runs, maxSteps, seed, 1, 0);
    }

    /** Cascades are run and checked in chunks of this many, one pass of {@link LaneCascades} each. */
    private static final int CHUNK = LaneCascades.CHUNK;

    /**
     * As {@link #simulate(InfluenceGraph, InfluenceModel, int[], boolean[], int, long, long)}, on {@code threads}
     * threads, and stopping once the mean is known well enough: after at least 100 cascades, when the 95 % interval's
     * half-width is within {@code precision} of the mean (0: never). The answer does not depend on the threads:
     * cascade r depends on (seed, r) alone, and both stopping rules are checked between chunks of cascades, on the
     * cascades of the chunks before, so the same request stops after the same cascade however it was run.
     */
    static Estimate simulate(InfluenceGraph g, InfluenceModel model, int[] seeds, boolean[] inTarget, int runs,
                             long maxSteps, long seed, int threads, double precision) {
        return simulate(g, model, seeds, inTarget, runs, maxSteps, seed, threads, precision, 2 * CHUNK);
    }

    /**
     * As above, with the stopping rules first checked once {@code minRuns} cascades are done (rounded up to a whole
     * chunk of {@value #CHUNK}).
     */
    static Estimate simulate(InfluenceGraph g, InfluenceModel model, int[] seeds, boolean[] inTarget, int runs,
                             long maxSteps, long seed, int threads, double precision, int minRuns) {
        return simulate(g, model, new int[][] {seeds}, inTarget, runs, maxSteps, seed, threads, precision, minRuns)[0];
    }

    /**
     * Several seed sets on the same cascades, together: each set's estimate is exactly what {@link #simulate(
     * InfluenceGraph, InfluenceModel, int[], boolean[], int, long, long, int, double, int)} gives it alone (its own
     * stopping rules, checked per set), and sets still running share each chunk's threads.
     */
    static Estimate[] simulate(InfluenceGraph g, InfluenceModel model, int[][] seedSets, boolean[] inTarget, int runs,
                               long maxSteps, long seed, int threads, double precision, int minRuns) {
        int first = Math.max(CHUNK, minRuns);
        int[] q = LaneCascades.probabilities(g, model);
        int sets = seedSets.length;
        int[][] reached = new int[sets][runs];
        long[] steps = new long[sets];
        int[] done = new int[sets];
        boolean[] capped = new boolean[sets];
        boolean[] active = new boolean[sets];
        LaneCascades[] workers = new LaneCascades[Math.max(1, threads)];
        for (int from = 0; from < runs; from += CHUNK) {
            int running = 0;
            for (int s = 0; s < sets; s++) {
                active[s] = done[s] == from;
                if (active[s] && from >= first && steps[s] >= maxSteps) {
                    capped[s] = true;
                    active[s] = false;
                }
                if (active[s] && precision > 0 && from >= first && precise(Arrays.copyOf(reached[s], from), precision)) {
                    active[s] = false;
                }
                running += active[s] ? 1 : 0;
            }
            if (running == 0) {
                break;
            }
            int lanes = Math.min(CHUNK, runs - from);
            // Each running set's lanes split so that every thread has a share; lane j's cascade is the same in any split.
            int groups = Math.min(lanes, Math.max(1, workers.length / running));
            List<Pass> passes = new ArrayList<>();
            for (int s = 0; s < sets; s++) {
                for (int i = 0; active[s] && i < groups; i++) {
                    int lo = i * lanes / groups;
                    int hi = (i + 1) * lanes / groups;
                    passes.add(new Pass(s, LaneCascades.lanes(hi) & -(1L << lo)));
                }
            }
            long chunkSeed = LaneCascades.chunkSeed(seed, from / CHUNK);
            int[][] hits = new int[passes.size()][LaneCascades.MAX_LANES];
            long[] passSteps = new long[passes.size()];
            int used = Math.min(workers.length, passes.size());
            List<CompletableFuture<Void>> others = new ArrayList<>();
            for (int w = 0; w < used; w++) {
                if (workers[w] == null) {
                    workers[w] = new LaneCascades(g, q, inTarget);
                }
                if (w > 0) {
                    LaneCascades worker = workers[w];
                    int start = w;
                    others.add(CompletableFuture.runAsync(() ->
                            runPasses(worker, passes, start, used, seedSets, chunkSeed, hits, passSteps)));
                }
            }
            runPasses(workers[0], passes, 0, used, seedSets, chunkSeed, hits, passSteps);
            others.forEach(CompletableFuture::join);
            for (int i = 0; i < passes.size(); i++) {
                Pass pass = passes.get(i);
                steps[pass.set()] += passSteps[i];
                for (long m = pass.lanes(); m != 0; m &= m - 1) {
                    int lane = Long.numberOfTrailingZeros(m);
                    reached[pass.set()][from + lane] = hits[i][lane];
                }
            }
            for (int s = 0; s < sets; s++) {
                done[s] += active[s] ? lanes : 0;
            }
        }
        Estimate[] estimates = new Estimate[sets];
        for (int s = 0; s < sets; s++) {
            estimates[s] = estimate(Arrays.copyOf(reached[s], done[s]), capped[s]);
        }
        return estimates;
    }

    /** One pass of a chunk: a seed set's cascades in the lanes of the mask. */
    private record Pass(int set, long lanes) {
    }

    /** Passes {@code start}, {@code start + stride}, … of a chunk, on one worker's arrays. */
    private static void runPasses(LaneCascades worker, List<Pass> passes, int start, int stride, int[][] seedSets,
                                  long chunkSeed, int[][] hits, long[] passSteps) {
        for (int i = start; i < passes.size(); i += stride) {
            Pass pass = passes.get(i);
            passSteps[i] = worker.run(seedSets[pass.set()], chunkSeed, pass.lanes(), hits[i]);
        }
    }

    /** Whether the 95 % interval of the mean of {@code values} is within {@code precision} of the mean. */
    private static boolean precise(int[] values, double precision) {
        Estimate e = estimate(values, false);
        return e.mean() > 0 && (e.high() - e.mean()) <= precision * e.mean();
    }

    static Estimate estimate(int[] values, boolean capped) {
        int n = values.length;
        double mean = 0;
        for (int v : values) {
            mean += v;
        }
        mean = n == 0 ? 0 : mean / n;
        double ss = 0;
        for (int v : values) {
            ss += (v - mean) * (v - mean);
        }
        double sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
        double half = n == 0 ? 0 : 1.96 * sd / Math.sqrt(n);
        return new Estimate(values, mean, sd, mean - half, mean + half, capped);
    }

    static double logChoose(int n, int k) {
        double s = 0;
        for (int i = 0; i < k; i++) {
            s += Math.log((double) (n - i) / (k - i));
        }
        return s;
    }

    /** Stafford's mix of (seed, index): independent streams per sample, whatever order they are drawn in. */
    static long mix(long seed, long index) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
