package health.circles.outreach;

/**
 * Forward cascades on live-edge samples with common random numbers, run a chunk of {@value LaneCascades#CHUNK} at a
 * time: every seed set measured with the same seed meets exactly the same live ties in cascade r, whatever order it
 * visits them in, so differences between strategies are paired run by run and their intervals are narrow. Serves both
 * models. Under the independent cascade a contact adopts when one live tie comes from an adopter, and a chunk's
 * cascades run together, one per bit of a word ({@link LaneCascades}: cascade r's live ties are those of
 * {@link ReachableSets#simulate}'s cascade r for the same seed). Under the threshold model a contact adopts when enough
 * distinct adopting neighbours reach it, which needs a count per contact and cascade: those cascades run one at a
 * time, and whether arc a carries the word in cascade r is decided by a hash of (seed, r, a).
 */
final class Cascades {

    private final InfluenceGraph g;
    private final boolean[] inTarget;
    private final long seed;
    private final boolean threshold;
    /** The independent cascade's arc probabilities and lanes (null under the threshold model). */
    private final int[] q;
    private final LaneCascades lanes;
    /** The threshold model's arc probabilities and adoption thresholds (empty under the independent cascade). */
    private final double[] outP;
    private final int[] required;
    private final int[] adopted;
    private final int[] exposedMark;
    private final int[] exposures;
    private final int[] queue;
    private int mark;
    private long steps;

    Cascades(InfluenceGraph g, InfluenceModel model, Contagion contagion, boolean[] inTarget, long seed) {
        this.g = g;
        this.inTarget = inTarget;
        this.seed = seed;
        this.threshold = contagion.threshold();
        this.q = threshold ? null : LaneCascades.probabilities(g, model);
        this.outP = new double[threshold ? g.outTo.length : 0];
        for (int a = 0; a < outP.length; a++) {
            outP[a] = model.probability(g.outStrength[a]);
        }
        this.required = new int[threshold ? g.n : 0];
        for (int v = 0; v < required.length; v++) {
            int distinct = 0;
            int last = -1;
            for (int a = g.inStart[v]; a < g.inStart[v + 1]; a++) {
                if (g.inFrom[a] != last) {
                    distinct++;
                    last = g.inFrom[a];
                }
            }
            required[v] = contagion.required(distinct);
        }
        this.lanes = threshold ? null : new LaneCascades(g, q, inTarget);
        this.adopted = new int[required.length];
        this.exposedMark = new int[required.length];
        this.exposures = new int[required.length];
        this.queue = new int[required.length];
    }

    /** The same cascades with working arrays of their own, for another thread: the graph's figures are shared. */
    private Cascades(Cascades shared) {
        this.g = shared.g;
        this.inTarget = shared.inTarget;
        this.seed = shared.seed;
        this.threshold = shared.threshold;
        this.q = shared.q;
        this.outP = shared.outP;
        this.required = shared.required;
        this.lanes = threshold ? null : new LaneCascades(g, q, inTarget);
        this.adopted = new int[required.length];
        this.exposedMark = new int[required.length];
        this.exposures = new int[required.length];
        this.queue = new int[required.length];
    }

    /** Another thread's cascades: the same live ties and figures, working arrays of its own, its own step count. */
    Cascades another() {
        return new Cascades(this);
    }

    /** Arc trials so far, over every cascade run. */
    long steps() {
        return steps;
    }

    /**
     * Cascades {@code from} to {@code from + count − 1} (a chunk's first ones: {@code from} a multiple of {@value
     * LaneCascades#CHUNK}, {@code count} at most that) from {@code seeds}, each cascade's reach of the target into
     * {@code reach[from + j]}; {@code marginal[i]} (when given) gains what seed i added in each, seeds added in order.
     */
    void runChunk(int from, int count, int[] seeds, double[] marginal, int[] reach) {
        if (threshold) {
            for (int j = 0; j < count; j++) {
                reach[from + j] = run(from + j, seeds, marginal);
            }
            return;
        }
        int[] hits = new int[LaneCascades.MAX_LANES];
        long chunkSeed = LaneCascades.chunkSeed(seed, from / LaneCascades.CHUNK);
        steps += marginal == null ? lanes.run(seeds, chunkSeed, LaneCascades.lanes(count), hits)
                : lanes.runInOrder(seeds, chunkSeed, LaneCascades.lanes(count), hits, marginal);
        System.arraycopy(hits, 0, reach, from, count);
    }

    /** As {@link #runChunk}, cascade {@code from + j} from {@code seeds[j]}: seed sets drawn anew for each cascade. */
    void runChunkEach(int from, int[][] seeds, int[] reach) {
        if (threshold) {
            for (int j = 0; j < seeds.length; j++) {
                reach[from + j] = run(from + j, seeds[j], null);
            }
            return;
        }
        int[] hits = new int[LaneCascades.MAX_LANES];
        steps += lanes.runEach(seeds, LaneCascades.chunkSeed(seed, from / LaneCascades.CHUNK), hits);
        System.arraycopy(hits, 0, reach, from, seeds.length);
    }

    /**
     * Cascade {@code r} from {@code seeds}: the target contacts that adopt (seeds included). Seeds are added one at a
     * time and the cascade run to rest after each; {@code marginal[i]} (when given) gains the target contacts seed i
     * added. The final set does not depend on the order (both models only ever add adopters).
     */
    private int run(int r, int[] seeds, double[] marginal) {
        mark++;
        long runSeed = ReachableSets.mix(seed, r);
        int total = 0;
        for (int i = 0; i < seeds.length; i++) {
            int s = seeds[i];
            if (adopted[s] == mark) {
                continue;
            }
            adopted[s] = mark;
            queue[0] = s;
            int head = 0;
            int tail = 1;
            int added = 0;
            while (head < tail) {
                int v = queue[head++];
                if (inTarget[v]) {
                    added++;
                }
                int last = -1;
                steps += g.outStart[v + 1] - g.outStart[v];
                for (int a = g.outStart[v], end = g.outStart[v + 1]; a < end; a++) {
                    int u = g.outTo[a];
                    if (u == last || adopted[u] == mark || outP[a] <= 0 || unit(runSeed, a) >= outP[a]) {
                        continue;
                    }
                    last = u; // one exposure per adopting neighbour, however many of its ties carry the word
                    if (exposedMark[u] != mark) {
                        exposedMark[u] = mark;
                        exposures[u] = 0;
                    }
                    if (++exposures[u] >= required[u]) {
                        adopted[u] = mark;
                        queue[tail++] = u;
                    }
                }
            }
            total += added;
            if (marginal != null) {
                marginal[i] += added;
            }
        }
        return total;
    }

    /** A uniform number in [0, 1) for (cascade, arc): the same for every seed set. */
    private static double unit(long runSeed, int arc) {
        return (ReachableSets.mix(runSeed, arc) >>> 11) * 0x1.0p-53;
    }
}
