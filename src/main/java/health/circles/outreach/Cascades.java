package health.circles.outreach;

/**
 * Forward cascades on live-edge samples with common random numbers: whether arc a carries the word in cascade r is
 * decided by a hash of (seed, r, a) alone, so every seed set measured with the same seed meets exactly the same live
 * ties in cascade r, whatever order it visits them in. Differences between strategies are then paired run by run
 * and their intervals are narrow. Serves both models: under the independent cascade a contact adopts when one live
 * tie comes from an adopter, under the threshold model when enough distinct adopting neighbours reach it.
 */
final class Cascades {

    private final InfluenceGraph g;
    private final boolean[] inTarget;
    private final long seed;
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
        this.outP = new double[g.outTo.length];
        for (int a = 0; a < outP.length; a++) {
            outP[a] = model.probability(g.outStrength[a]);
        }
        this.required = new int[g.n];
        for (int v = 0; v < g.n; v++) {
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
        this.adopted = new int[g.n];
        this.exposedMark = new int[g.n];
        this.exposures = new int[g.n];
        this.queue = new int[g.n];
    }

    /** Arc trials so far, over every cascade run. */
    long steps() {
        return steps;
    }

    /** Arc trials one cascade may take at most: every arc once, from an adopter. */
    long worstCaseSteps() {
        return (long) g.outTo.length + g.n;
    }

    /**
     * Cascade {@code r} from {@code seeds}: the target contacts that adopt (seeds included). Seeds are added one at a
     * time and the cascade run to rest after each; {@code marginal[i]} (when given) gains the target contacts seed i
     * added. The final set does not depend on the order (both models only ever add adopters).
     */
    int run(int r, int[] seeds, double[] marginal) {
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
