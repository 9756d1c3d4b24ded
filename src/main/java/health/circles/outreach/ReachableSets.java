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
 * problem and seed give the same sets, the same seeds and the same figures.
 */
final class ReachableSets {

    private static final double ONE_MINUS_INV_E = 1 - 1 / Math.E;

    /** What to choose: k seeds among candidates, reaching as much of target as possible. */
    record Problem(InfluenceGraph graph, InfluenceModel model, int[] target, boolean[] candidate, double[] weight,
                   int[] group, int cap, int k, double epsilon, double ell, int minSets, int maxSets, long maxEntries,
                   long maxSteps, long seed) {
    }

    /** A chosen seed: its node, and the target contacts it adds in expectation to those before it. */
    record Choice(int node, double marginalReach) {
    }

    /**
     * The choice and how it was reached: RR sets drawn, the share they say the seeds cover, whether a bound cut the
     * sampling short of IMM's count, IMM's lower bound of the optimum, and why the greedy stopped before k, if it did.
     */
    record Result(List<Choice> seeds, double estimatedCoverage, int sets, int setsWanted, long entries, boolean capped,
                  double optimumLowerBound, String stoppedEarly) {
    }

    /** What forward cascades measured: reached target contacts per cascade, with mean and 95 % interval. */
    record Estimate(int[] reached, double mean, double standardDeviation, double low, double high, boolean capped) {
    }

    private final Problem p;
    private final InfluenceGraph g;
    private final int t;
    private final float[] inP;
    private final int[] stamp;
    private final int[] queue;
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
        this.stamp = new int[g.n];
        this.queue = new int[g.n];
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
                entryCount, capped, lowerBound, result.stoppedEarly);
    }

    /** Draws RR sets up to {@code wanted}, within the bounds; false when a bound stopped it. */
    private boolean draw(long wanted) {
        long goal = Math.min(wanted, p.maxSets());
        if (goal < wanted) {
            capped = true;
        }
        while (sets < goal) {
            if (entryCount >= p.maxEntries() || steps >= p.maxSteps()) {
                capped = true;
                return false;
            }
            drawOne(sets);
            sets++;
        }
        return !capped;
    }

    private void drawOne(int i) {
        SplittableRandom rng = new SplittableRandom(mix(p.seed(), i));
        int mark = i + 1;
        int root = p.target()[rng.nextInt(t)];
        stamp[root] = mark;
        queue[0] = root;
        int head = 0;
        int tail = 1;
        if (setStart.length <= i + 1) {
            setStart = Arrays.copyOf(setStart, setStart.length * 2);
        }
        int at = setStart[i];
        boolean[] candidate = p.candidate();
        while (head < tail) {
            int v = queue[head++];
            if (candidate[v]) {
                if (at == entries.length) {
                    entries = Arrays.copyOf(entries, (int) Math.min(Integer.MAX_VALUE - 8L, entries.length * 2L));
                }
                entries[at++] = v;
            }
            steps += g.inStart[v + 1] - g.inStart[v];
            for (int a = g.inStart[v], end = g.inStart[v + 1]; a < end; a++) {
                int u = g.inFrom[a];
                if (stamp[u] != mark && inP[a] > 0 && rng.nextDouble() < inP[a]) {
                    stamp[u] = mark;
                    queue[tail++] = u;
                }
            }
        }
        setStart[i + 1] = at;
        entryCount = at;
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
        while (picked < k) {
            double[] top = heap.poll();
            if (top == null) {
                stopped = picked == 0 ? "no candidate reaches any of the target"
                        : "no further candidate reaches more of the target";
                break;
            }
            int v = (int) top[1];
            double gain = count[v] * weight[v];
            if (gain <= 0) {
                continue;
            }
            if (gain < top[0]) {
                top[0] = gain;
                heap.add(top);
                continue;
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

    /** Each seed's marginal reach over the sets drawn, in the order given: a set counts for its earliest seed. */
    List<Choice> marginals(int[] seeds) {
        int[] order = new int[g.n];
        Arrays.fill(order, Integer.MAX_VALUE);
        for (int i = 0; i < seeds.length; i++) {
            order[seeds[i]] = Math.min(order[seeds[i]], i);
        }
        int[] gained = new int[seeds.length];
        for (int s = 0; s < sets; s++) {
            int first = Integer.MAX_VALUE;
            for (int e = setStart[s]; e < setStart[s + 1]; e++) {
                first = Math.min(first, order[entries[e]]);
            }
            if (first != Integer.MAX_VALUE) {
                gained[first]++;
            }
        }
        List<Choice> out = new ArrayList<>();
        for (int i = 0; i < seeds.length; i++) {
            out.add(new Choice(seeds[i], sets == 0 ? 0 : (double) gained[i] * t / sets));
        }
        return out;
    }

    /** The same share-of-sets estimate for any seed set (the naive pick), over the sets this selection drew. */
    double coverage(int[] seeds) {
        boolean[] seed = new boolean[g.n];
        for (int s : seeds) {
            seed[s] = true;
        }
        int hit = 0;
        for (int s = 0; s < sets; s++) {
            for (int e = setStart[s]; e < setStart[s + 1]; e++) {
                if (seed[entries[e]]) {
                    hit++;
                    break;
                }
            }
        }
        return sets == 0 ? 0 : (double) hit * t / sets;
    }

    /**
     * Forward independent cascades from {@code seeds}: cascade r draws from (seed, r), so two seed sets measured with the
     * same seed meet the same coin flips on shared arcs (a paired comparison). Stops early, after at least 100 cascades,
     * once {@code maxSteps} arc trials are spent. One thread, every cascade asked for.
     */
    static Estimate simulate(InfluenceGraph g, InfluenceModel model, int[] seeds, boolean[] inTarget, int runs,
                             long maxSteps, long seed) {
        return simulate(g, model, seeds, inTarget, runs, maxSteps, seed, 1, 0);
    }

    /** Cascades are run and checked in chunks of this many; the first check comes after two chunks. */
    private static final int CHUNK = 50;

    /**
     * As {@link #simulate(InfluenceGraph, InfluenceModel, int[], boolean[], int, long, long)}, on {@code threads}
     * threads, and stopping once the mean is known well enough: after at least 100 cascades, when the 95 % interval's
     * half-width is within {@code precision} of the mean (0: never). The answer does not depend on the threads:
     * cascade r depends on (seed, r) alone, and both stopping rules are checked between chunks of cascades, on the
     * cascades of the chunks before, so the same request stops after the same cascade however it was run.
     */
    static Estimate simulate(InfluenceGraph g, InfluenceModel model, int[] seeds, boolean[] inTarget, int runs,
                             long maxSteps, long seed, int threads, double precision) {
        float[] outP = new float[g.outTo.length];
        for (int a = 0; a < outP.length; a++) {
            outP[a] = (float) model.probability(g.outStrength[a]);
        }
        int workers = Math.max(1, threads);
        Cascader[] cascaders = new Cascader[workers];
        int[] reached = new int[runs];
        long steps = 0;
        int done = 0;
        boolean capped = false;
        while (done < runs) {
            if (done >= 2 * CHUNK && steps >= maxSteps) {
                capped = true;
                break;
            }
            if (precision > 0 && done >= 2 * CHUNK && precise(Arrays.copyOf(reached, done), precision)) {
                break;
            }
            int from = done;
            int to = Math.min(runs, done + CHUNK);
            int slice = (to - from + workers - 1) / workers;
            List<CompletableFuture<Long>> others = new ArrayList<>();
            for (int w = 1; w < workers && from + w * slice < to; w++) {
                int start = from + w * slice;
                int end = Math.min(to, start + slice);
                Cascader c = cascaders[w] == null ? cascaders[w] = new Cascader(g, outP, inTarget) : cascaders[w];
                others.add(CompletableFuture.supplyAsync(() -> c.run(seeds, seed, start, end, reached)));
            }
            Cascader own = cascaders[0] == null ? cascaders[0] = new Cascader(g, outP, inTarget) : cascaders[0];
            steps += own.run(seeds, seed, from, Math.min(to, from + slice), reached);
            for (CompletableFuture<Long> other : others) {
                steps += other.join();
            }
            done = to;
        }
        return estimate(Arrays.copyOf(reached, done), capped);
    }

    /** Whether the 95 % interval of the mean of {@code values} is within {@code precision} of the mean. */
    private static boolean precise(int[] values, double precision) {
        Estimate e = estimate(values, false);
        return e.mean() > 0 && (e.high() - e.mean()) <= precision * e.mean();
    }

    /** One thread's working arrays for forward cascades. */
    private static final class Cascader {
        private final InfluenceGraph g;
        private final float[] outP;
        private final boolean[] inTarget;
        private final int[] stamp;
        private final int[] queue;

        Cascader(InfluenceGraph g, float[] outP, boolean[] inTarget) {
            this.g = g;
            this.outP = outP;
            this.inTarget = inTarget;
            this.stamp = new int[g.n];
            this.queue = new int[g.n];
        }

        /** Cascades {@code from} to {@code to − 1} into {@code reached}; returns the arc trials they took. */
        long run(int[] seeds, long seed, int from, int to, int[] reached) {
            long steps = 0;
            for (int r = from; r < to; r++) {
                SplittableRandom rng = new SplittableRandom(mix(seed ^ 0x5DEECE66DL, r));
                int mark = r + 1;
                int tail = 0;
                for (int s : seeds) {
                    if (stamp[s] != mark) {
                        stamp[s] = mark;
                        queue[tail++] = s;
                    }
                }
                int head = 0;
                int hits = 0;
                while (head < tail) {
                    int v = queue[head++];
                    if (inTarget[v]) {
                        hits++;
                    }
                    for (int a = g.outStart[v], end = g.outStart[v + 1]; a < end; a++) {
                        steps++;
                        int u = g.outTo[a];
                        if (stamp[u] != mark && outP[a] > 0 && rng.nextDouble() < outP[a]) {
                            stamp[u] = mark;
                            queue[tail++] = u;
                        }
                    }
                }
                reached[r] = hits;
            }
            return steps;
        }
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
