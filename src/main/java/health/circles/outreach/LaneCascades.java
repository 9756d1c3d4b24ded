package health.circles.outreach;

/**
 * Forward independent cascades run a chunk at a time, one cascade per bit of a {@code long} (bit-parallel Monte
 * Carlo). Each contact holds the set of the chunk's cascades that reached it as a bit mask, and each arc's live
 * cascades are one mask drawn from (chunk seed, arc): a contact's arcs are read once for all the cascades that reach it
 * in the same wave, instead of once per cascade. Where one word reaches half the network, that walk is bound by
 * reading each contact's arcs from memory, so this is where the time goes.
 *
 * <p>Cascade j of a chunk depends on the chunk's seed and bit j alone: the same whichever lanes a pass runs beside it,
 * so a chunk split across threads gives the same figures, and two seed sets run on the same chunk seed meet exactly the
 * same live arcs (common random numbers: their difference is paired cascade by cascade). An arc's probability is
 * taken to 2<sup>-20</sup> ({@link #live}).
 */
final class LaneCascades {

    /** Cascades a pass can run at once: the bits of a long. */
    static final int MAX_LANES = 64;
    /** Cascades of a chunk: cascade r is lane r % CHUNK of chunk r / CHUNK. */
    static final int CHUNK = 50;
    static final int PRECISION_BITS = 20;
    private static final int ONE = 1 << PRECISION_BITS;

    private final InfluenceGraph g;
    private final int[] q;
    private final boolean[] inTarget;
    /** Lanes that have reached each contact in this pass. */
    private final long[] reached;
    /** Lanes that reached each contact and whose word it has not passed on yet. */
    private final long[] pending;
    private final boolean[] queued;
    /** Contacts waiting to pass word on, as a ring: each is in it at most once. */
    private final int[] queue;
    /** Contacts reached in this pass, to clear after it. */
    private final int[] touched;
    private int head;
    private int size;
    private int touchedCount;
    /** Target contacts reached so far in this pass, over its lanes. */
    private long targetHits;

    LaneCascades(InfluenceGraph g, int[] q, boolean[] inTarget) {
        this.g = g;
        this.q = q;
        this.inTarget = inTarget;
        this.reached = new long[g.n];
        this.pending = new long[g.n];
        this.queued = new boolean[g.n];
        this.queue = new int[Math.max(1, g.n)];
        this.touched = new int[g.n];
    }

    /** The seed of chunk {@code chunk}'s live arcs, for a request's seed: every measure of reach draws from it. */
    static long chunkSeed(long seed, int chunk) {
        return ReachableSets.mix(seed ^ 0x5DEECE66DL, chunk);
    }

    /** The lanes of a chunk's first {@code count} cascades. */
    static long lanes(int count) {
        return count >= MAX_LANES ? -1L : (1L << count) - 1;
    }

    /** Each arc's probability in units of 2<sup>-20</sup>; an arc with a probability above 0 keeps at least one. */
    static int[] probabilities(InfluenceGraph g, InfluenceModel model) {
        int[] q = new int[g.outTo.length];
        for (int a = 0; a < q.length; a++) {
            double p = model.probability(g.outStrength[a]);
            q[a] = p <= 0 ? 0 : p >= 1 ? ONE : (int) Math.max(1, Math.round(p * ONE));
        }
        return q;
    }

    /**
     * The cascades of {@code lanes} (a bit mask) from {@code seeds}, on the live arcs of {@code chunkSeed}; adds to
     * {@code hits[j]} the target contacts lane j reached (seeds included) and returns the arc trials taken, counted as
     * one walk per cascade would count them (each reached contact's arcs, once per lane).
     */
    long run(int[] seeds, long chunkSeed, long lanes, int[] hits) {
        start();
        for (int s : seeds) {
            arrive(s, lanes & ~reached[s], hits);
        }
        return spreadAndClear(chunkSeed, hits);
    }

    /**
     * As {@link #run}, with the seeds added one at a time and the cascades run to rest after each: {@code marginal[i]}
     * gains the target contacts seed i added, summed over the lanes (a seed already reached adds none). The final
     * reach does not depend on the order.
     */
    long runInOrder(int[] seeds, long chunkSeed, long lanes, int[] hits, double[] marginal) {
        start();
        long steps = 0;
        for (int i = 0; i < seeds.length; i++) {
            long before = targetHits;
            arrive(seeds[i], lanes & ~reached[seeds[i]], hits);
            steps += spread(chunkSeed, hits);
            marginal[i] += targetHits - before;
        }
        clear();
        return steps;
    }

    /** Cascade j of the chunk from {@code seeds[j]}, for each j given: seed sets that differ from cascade to cascade. */
    long runEach(int[][] seeds, long chunkSeed, int[] hits) {
        start();
        for (int lane = 0; lane < seeds.length; lane++) {
            for (int s : seeds[lane]) {
                arrive(s, 1L << lane & ~reached[s], hits);
            }
        }
        return spreadAndClear(chunkSeed, hits);
    }

    private void start() {
        head = 0;
        size = 0;
        touchedCount = 0;
        targetHits = 0;
    }

    private long spreadAndClear(long chunkSeed, int[] hits) {
        long steps = spread(chunkSeed, hits);
        clear();
        return steps;
    }

    /** Passes the word on until no contact has any left to pass; returns the arc trials, one walk per lane. */
    private long spread(long chunkSeed, int[] hits) {
        long steps = 0;
        while (size > 0) {
            int v = queue[head];
            head = head + 1 == queue.length ? 0 : head + 1;
            size--;
            queued[v] = false;
            long word = pending[v];
            pending[v] = 0;
            int start = g.outStart[v];
            int end = g.outStart[v + 1];
            steps += (long) Long.bitCount(word) * (end - start);
            for (int a = start; a < end; a++) {
                int u = g.outTo[a];
                long want = word & ~reached[u];
                if (want != 0 && q[a] != 0) {
                    arrive(u, live(chunkSeed, a, q[a], want), hits);
                }
            }
        }
        return steps;
    }

    private void clear() {
        for (int i = 0; i < touchedCount; i++) {
            reached[touched[i]] = 0;
        }
        touchedCount = 0;
    }

    /** The lanes {@code add} (none of which has reached u yet) reach u: it passes them on in its turn. */
    private void arrive(int u, long add, int[] hits) {
        if (add == 0) {
            return;
        }
        if (reached[u] == 0) {
            touched[touchedCount++] = u;
        }
        reached[u] |= add;
        pending[u] |= add;
        if (!queued[u]) {
            queued[u] = true;
            int tail = head + size++;
            queue[tail >= queue.length ? tail - queue.length : tail] = u;
        }
        if (inTarget[u]) {
            count(add, hits);
            targetHits += Long.bitCount(add);
        }
    }

    /**
     * Of the lanes {@code asked}, those in which arc {@code a} is live. Lane j's draw is a 20-bit number U whose digit
     * d is bit j of the random word (chunk seed, arc, d), and the arc is live when U < q. The digits are compared from
     * the top, all lanes at once, and the comparison stops once every asked lane is decided: a digit decides half the
     * lanes still open, so a few words usually settle it instead of twenty. A lane's answer does not depend on which
     * others were asked.
     */
    static long live(long chunkSeed, int a, int q, long asked) {
        if (q >= ONE) {
            return asked;
        }
        long base = ReachableSets.mix(chunkSeed, a);
        long live = 0;
        long open = asked;
        for (int digit = PRECISION_BITS - 1; digit >= 0 && open != 0; digit--) {
            long r = ReachableSets.mix(base, digit);
            long one = -(long) (q >>> digit & 1); // all ones where q's digit is 1
            live |= open & ~r & one; // U's digit 0 under q's 1: U < q
            open &= ~(r ^ one); // equal digits: still open
        }
        return live;
    }

    private static void count(long lanes, int[] hits) {
        for (long m = lanes; m != 0; m &= m - 1) {
            hits[Long.numberOfTrailingZeros(m)]++;
        }
    }
}
