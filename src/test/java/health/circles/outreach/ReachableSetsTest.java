package health.circles.outreach;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The sampling and the cascades against answers computed by hand, on graphs built in memory. */
class ReachableSetsTest {

    private static final InfluenceModel HALF = new InfluenceModel(0.5, 0.5);

    @Test
    void aHubReachesItselfAndEachNeighbourWithTheTieProbability() {
        // Hub 0 with ten neighbours, symmetric ties of strength 1: p = 0.5, so the hub reaches 1 + 10 × 0.5 = 6.
        InfluenceGraph g = graph(11, star(0, 1, 10));
        ReachableSets rr = new ReachableSets(problem(g, all(11), 1, 42));
        ReachableSets.Result result = rr.select();
        assertEquals(0, result.seeds().get(0).node());
        assertEquals(6.0, result.estimatedCoverage(), 0.15);
        ReachableSets.Estimate e = ReachableSets.simulate(g, HALF, new int[] {0}, allTrue(11), 4000, Long.MAX_VALUE, 1);
        assertTrue(e.low() <= 6.0 && 6.0 <= e.high(), e.low() + " .. " + e.high());
        assertEquals(Math.sqrt(10 * 0.25), e.standardDeviation(), 0.1, "binomial(10, 0.5) spread");
    }

    @Test
    void aChainMultipliesItsProbabilities() {
        // 0 - 1 - 2 - 3: from 0, reach 1 + 0.5 + 0.25 + 0.125.
        InfluenceGraph g = graph(4, new int[][] {{0, 1}, {1, 2}, {2, 3}});
        ReachableSets.Estimate e = ReachableSets.simulate(g, HALF, new int[] {0}, allTrue(4), 10000, Long.MAX_VALUE, 3);
        assertEquals(1.875, e.mean(), 0.03);
    }

    @Test
    void cascadesGiveTheSameAnswerOnAnyNumberOfThreadsAndStopOnceTheMeanIsKnown() {
        // Two stars joined by a tie, p = 0.5: the reach varies from cascade to cascade.
        int[][] ties = concat(concat(star(0, 1, 30), star(31, 32, 20)), new int[][] {{0, 31}});
        InfluenceGraph g = graph(52, ties);
        ReachableSets.Estimate one = ReachableSets.simulate(g, HALF, new int[] {0}, allTrue(52), 1000, Long.MAX_VALUE,
                7, 1, 0);
        assertEquals(1000, one.reached().length);
        for (int threads : new int[] {2, 3, 8}) {
            ReachableSets.Estimate many = ReachableSets.simulate(g, HALF, new int[] {0}, allTrue(52), 1000,
                    Long.MAX_VALUE, 7, threads, 0);
            assertArrayEquals(one.reached(), many.reached(), threads + " threads");
        }
        // The single-threaded entry point is the same computation.
        assertArrayEquals(one.reached(), ReachableSets.simulate(g, HALF, new int[] {0}, allTrue(52), 1000,
                Long.MAX_VALUE, 7).reached());

        // Asked for ±5 %: stops at a chunk boundary once the interval is that narrow, the same cascades on any threads.
        ReachableSets.Estimate loose = ReachableSets.simulate(g, HALF, new int[] {0}, allTrue(52), 1000,
                Long.MAX_VALUE, 7, 1, 0.05);
        int ran = loose.reached().length;
        assertTrue(ran >= 100 && ran < 1000 && ran % 50 == 0, "stopped after " + ran);
        assertTrue(loose.high() - loose.mean() <= 0.05 * loose.mean());
        ReachableSets.Estimate before = ReachableSets.estimate(Arrays.copyOf(one.reached(), ran - 50), false);
        assertTrue(ran == 100 || before.high() - before.mean() > 0.05 * before.mean(),
                "it did not stop at the first chunk where the interval was narrow enough");
        assertArrayEquals(Arrays.copyOf(one.reached(), ran), loose.reached(), "the first cascades, unchanged");
        assertArrayEquals(loose.reached(), ReachableSets.simulate(g, HALF, new int[] {0}, allTrue(52), 1000,
                Long.MAX_VALUE, 7, 2, 0.05).reached());
    }

    @Test
    void seedSetsRunTogetherGetWhatEachGetsAloneWithTheirOwnStoppingRules() {
        int[][] ties = concat(concat(star(0, 1, 30), star(31, 32, 20)), new int[][] {{0, 31}});
        InfluenceGraph g = graph(52, ties);
        int[][] sets = {{0}, {31}, {0, 31}, {5}};
        for (int threads : new int[] {1, 2, 3}) {
            for (double precision : new double[] {0, 0.03}) {
                ReachableSets.Estimate[] together = ReachableSets.simulate(g, HALF, sets, allTrue(52), 1000,
                        Long.MAX_VALUE, 11, threads, precision, 100);
                for (int i = 0; i < sets.length; i++) {
                    ReachableSets.Estimate alone = ReachableSets.simulate(g, HALF, sets[i], allTrue(52), 1000,
                            Long.MAX_VALUE, 11, 1, precision, 100);
                    assertArrayEquals(alone.reached(), together[i].reached(), "set " + i + ", " + threads
                            + " threads, precision " + precision);
                }
            }
        }
        // Hub 31's reach inside hub 0's: with the same live arcs, {0, 31} reaches at least what {0} does, cascade by
        // cascade (independent draws would break this in some cascades).
        ReachableSets.Estimate[] paired = ReachableSets.simulate(g, HALF, sets, allTrue(52), 1000, Long.MAX_VALUE, 11,
                2, 0, 100);
        for (int r = 0; r < 1000; r++) {
            assertTrue(paired[2].reached()[r] >= paired[0].reached()[r], "cascade " + r);
            assertTrue(paired[2].reached()[r] >= paired[1].reached()[r], "cascade " + r);
        }
        // A step bound stops each set on its own: the hub's cascades cost more arc trials than a leaf's.
        ReachableSets.Estimate[] bounded = ReachableSets.simulate(g, HALF, new int[][] {{0}, {5}}, allTrue(52), 1000,
                3_000, 11, 2, 0, 100);
        assertEquals(ReachableSets.simulate(g, HALF, new int[] {0}, allTrue(52), 1000, 3_000, 11, 1, 0, 100).reached()
                .length, bounded[0].reached().length);
        assertTrue(bounded[0].capped());
        assertEquals(ReachableSets.simulate(g, HALF, new int[] {5}, allTrue(52), 1000, 3_000, 11, 1, 0, 100).reached()
                .length, bounded[1].reached().length);
    }

    @Test
    void eachLaneIsAPlainWalkOverItsOwnLiveArcs() {
        // A random graph with a giant component at p = 0.15, so lanes reach the same contacts at different depths.
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        int n = 400;
        int[][] ties = new int[1400][];
        for (int i = 0; i < ties.length; i++) {
            ties[i] = new int[] {rnd.nextInt(n), rnd.nextInt(n)};
        }
        InfluenceGraph g = graph(n, ties);
        InfluenceModel model = new InfluenceModel(0.15, 0.15);
        boolean[] inTarget = new boolean[n];
        for (int v = 0; v < n; v++) {
            inTarget[v] = rnd.nextBoolean();
        }
        int[] q = LaneCascades.probabilities(g, model);
        LaneCascades lanes = new LaneCascades(g, q, inTarget);
        int[] seeds = {7, 7, 120, 399};
        for (long chunkSeed : new long[] {1, -5, 0x5DEECE66DL}) {
            int[] hits = new int[LaneCascades.MAX_LANES];
            long steps = lanes.run(seeds, chunkSeed, (1L << 50) - 1, hits);
            long plainSteps = 0;
            for (int lane = 0; lane < LaneCascades.MAX_LANES; lane++) {
                int plainHits = 0;
                if (lane < 50) {
                    boolean[] seen = new boolean[n];
                    java.util.ArrayDeque<Integer> queue = new java.util.ArrayDeque<>();
                    for (int s : seeds) {
                        if (!seen[s]) {
                            seen[s] = true;
                            queue.add(s);
                        }
                    }
                    while (!queue.isEmpty()) {
                        int v = queue.poll();
                        plainHits += inTarget[v] ? 1 : 0;
                        for (int a = g.outStart[v]; a < g.outStart[v + 1]; a++) {
                            plainSteps++;
                            int u = g.outTo[a];
                            if (!seen[u] && (LaneCascades.live(chunkSeed, a, q[a], -1L) >>> lane & 1) != 0) {
                                seen[u] = true;
                                queue.add(u);
                            }
                        }
                    }
                }
                assertEquals(plainHits, hits[lane], "lane " + lane + ", chunk seed " + chunkSeed);
            }
            assertEquals(plainSteps, steps, "arc trials, as one walk per cascade counts them");
            // The pass leaves nothing behind: the same pass again gives the same figures.
            int[] again = new int[LaneCascades.MAX_LANES];
            assertEquals(steps, lanes.run(seeds, chunkSeed, (1L << 50) - 1, again));
            assertArrayEquals(hits, again);
        }
    }

    @Test
    void comparisonsMeetTheSameCascadesAsTheSeedsAnswerAndMarginalsAddUp() {
        int[][] ties = concat(concat(star(0, 1, 30), star(31, 32, 20)), new int[][] {{0, 31}});
        InfluenceGraph g = graph(52, ties);
        boolean[] inTarget = allTrue(52);
        Cascades cascades = new Cascades(g, HALF, Contagion.CASCADE, inTarget, 11);
        int[] seeds = {31, 0, 5};
        int[] reach = new int[120];
        double[] marginal = new double[seeds.length];
        for (int from = 0; from < 120; from += LaneCascades.CHUNK) {
            cascades.runChunk(from, Math.min(LaneCascades.CHUNK, 120 - from), seeds, marginal, reach);
        }
        // The same cascades as the forward cascades of the seeds answer, for the same seed.
        assertArrayEquals(ReachableSets.simulate(g, HALF, seeds, inTarget, 120, Long.MAX_VALUE, 11).reached(), reach);
        // Seeds added in order: what each adds sums to the reach; the leaf next to hub 0 adds little after it.
        assertEquals(Arrays.stream(reach).sum(), marginal[0] + marginal[1] + marginal[2], 1e-9);
        assertTrue(marginal[2] < marginal[1] / 5, Arrays.toString(marginal));
        // Seed sets drawn per cascade: cascade j from its own set, as if each set ran alone.
        int[][] drawn = new int[LaneCascades.CHUNK][];
        for (int j = 0; j < drawn.length; j++) {
            drawn[j] = j % 3 == 0 ? new int[] {0} : j % 3 == 1 ? new int[] {31, 40} : new int[] {7};
        }
        int[] each = new int[LaneCascades.CHUNK];
        cascades.runChunkEach(0, drawn, each);
        for (int[] set : new int[][] {{0}, {31, 40}, {7}}) {
            int[] alone = new int[LaneCascades.CHUNK];
            cascades.runChunk(0, LaneCascades.CHUNK, set, null, alone);
            for (int j = 0; j < drawn.length; j++) {
                if (Arrays.equals(drawn[j], set)) {
                    assertEquals(alone[j], each[j], "cascade " + j);
                }
            }
        }
    }

    @Test
    void anArcIsLiveInEachLaneWithItsProbabilityIndependentlyOfTheOtherLanes() {
        for (double p : new double[] {0.3, 0.05, 0.0007}) {
            int q = (int) Math.round(p * (1 << LaneCascades.PRECISION_BITS));
            long live = 0;
            long both = 0;
            int arcs = 400_000;
            for (int a = 0; a < arcs; a++) {
                long mask = LaneCascades.live(99, a, q, -1L);
                live += Long.bitCount(mask);
                both += Long.bitCount(mask & mask >>> 1);
            }
            double trials = 64.0 * arcs;
            assertEquals(p, live / trials, 5 * Math.sqrt(p * (1 - p) / trials), "p = " + p);
            double pairs = 63.0 * arcs;
            assertEquals(p * p, both / pairs, 5 * Math.sqrt(p * p / pairs) + 1e-9, "neighbouring lanes, p = " + p);
        }
        // Asking for some lanes gives those lanes' answers, unchanged: the comparison only stops early.
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        for (int a = 0; a < 20_000; a++) {
            int q = rnd.nextInt(1 << LaneCascades.PRECISION_BITS);
            long asked = rnd.nextLong() & rnd.nextLong() & rnd.nextLong();
            assertEquals(LaneCascades.live(7, a, q, -1L) & asked, LaneCascades.live(7, a, q, asked), "arc " + a);
        }
        assertEquals(-1L, LaneCascades.live(99, 5, 1 << LaneCascades.PRECISION_BITS, -1L));
        assertEquals(0, LaneCascades.probabilities(graph(2, new int[][] {{0, 1}}), new InfluenceModel(0, 0.5))[0]);
        assertEquals(1, LaneCascades.probabilities(graph(2, new int[][] {{0, 1}}), new InfluenceModel(1e-9, 0.5))[0],
                "a tie that can carry the word keeps a chance to");
    }

    @Test
    void twoSeedsGoToTwoSeparateStarsNotTwiceToTheBiggerOne() {
        int[][] ties = concat(star(0, 1, 10), star(11, 12, 6));
        InfluenceGraph g = graph(18, ties);
        ReachableSets.Result result = new ReachableSets(problem(g, all(18), 2, 42)).select();
        assertEquals(List.of(0, 11), result.seeds().stream().map(ReachableSets.Choice::node).toList());
        assertEquals(6.0, result.seeds().get(0).marginalReach(), 0.2);
        assertEquals(4.0, result.seeds().get(1).marginalReach(), 0.2);
    }

    @Test
    void marginalsOfAGivenOrderAddUpToItsCoverage() {
        InfluenceGraph g = graph(18, concat(star(0, 1, 10), star(11, 12, 6)));
        ReachableSets rr = new ReachableSets(problem(g, all(18), 2, 42));
        rr.select();
        List<ReachableSets.Choice> m = rr.marginals(new int[] {11, 0});
        assertEquals(4.0, m.get(0).marginalReach(), 0.2);
        assertEquals(6.0, m.get(1).marginalReach(), 0.2);
        assertEquals(rr.coverage(new int[] {11, 0}), m.get(0).marginalReach() + m.get(1).marginalReach(), 1e-9);
    }

    @Test
    void theSameSeedDrawsTheSameSetsAndAnotherSeedOthers() {
        InfluenceGraph g = graph(18, concat(star(0, 1, 10), star(11, 12, 6)));
        ReachableSets.Result a = new ReachableSets(problem(g, all(18), 2, 5)).select();
        ReachableSets.Result b = new ReachableSets(problem(g, all(18), 2, 5)).select();
        ReachableSets.Result c = new ReachableSets(problem(g, all(18), 2, 6)).select();
        assertEquals(a, b);
        assertTrue(a.estimatedCoverage() != c.estimatedCoverage());
        int[] first = ReachableSets.simulate(g, HALF, new int[] {0}, allTrue(18), 500, Long.MAX_VALUE, 9).reached();
        int[] again = ReachableSets.simulate(g, HALF, new int[] {0}, allTrue(18), 500, Long.MAX_VALUE, 9).reached();
        assertArrayEquals(first, again);
    }

    @Test
    void anIneligibleHubCarriesWordButIsNeverChosen() {
        // 0 is the hub but may not be contacted; 1..10 hang off it. Any leaf reaches the hub (0.5) and through it others.
        InfluenceGraph g = graph(11, star(0, 1, 10));
        boolean[] candidate = allTrue(11);
        candidate[0] = false;
        ReachableSets.Problem p = new ReachableSets.Problem(g, HALF, all(11), candidate, ones(11), null,
                Integer.MAX_VALUE, 1, 0.3, 1, 10000, 1_000_000, 30_000_000, Long.MAX_VALUE, 42, true, 1);
        ReachableSets.Result result = new ReachableSets(p).select();
        assertTrue(result.seeds().get(0).node() != 0);
        // A leaf: itself 1, the hub 0.5, each of the nine other leaves 0.25: 3.75.
        assertEquals(3.75, result.estimatedCoverage(), 0.15);
    }

    @Test
    void theGraphFindsItsContactsAndOrdersArcsWhateverTheInputOrder() {
        UUID[] ids = new UUID[5];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = new UUID(i - 2, i * 7L);
        }
        UUID[] sorted = ids.clone();
        Arrays.sort(sorted);
        byte forward = (byte) InfluenceModel.Flow.FORWARD.ordinal();
        InfluenceGraph a = StoredTies.EMPTY.with(sorted, java.util.Map.of(
                sorted[0], new StoredTies.Out(new UUID[] {sorted[2], sorted[1]}, new byte[] {forward, forward},
                        new float[] {1, 2}),
                sorted[1], new StoredTies.Out(new UUID[] {sorted[0]}, new byte[] {forward}, new float[] {3}),
                sorted[2], StoredTies.Out.NONE, sorted[3], StoredTies.Out.NONE, sorted[4], StoredTies.Out.NONE))
                .graph(version(), Instant.now(), 0, InfluenceGraph.Read.FULL, 0);
        InfluenceGraph b = StoredTies.EMPTY.with(sorted, java.util.Map.of(
                sorted[0], new StoredTies.Out(new UUID[] {sorted[1], sorted[2]}, new byte[] {forward, forward},
                        new float[] {2, 1}),
                sorted[1], new StoredTies.Out(new UUID[] {sorted[0]}, new byte[] {forward}, new float[] {3}),
                sorted[2], StoredTies.Out.NONE, sorted[3], StoredTies.Out.NONE, sorted[4], StoredTies.Out.NONE))
                .graph(version(), Instant.now(), 0, InfluenceGraph.Read.FULL, 0);
        assertArrayEquals(a.outTo, b.outTo);
        assertArrayEquals(a.inFrom, b.inFrom);
        for (int i = 0; i < ids.length; i++) {
            assertEquals(sorted[i], a.id(a.node(sorted[i])));
        }
        assertEquals(-1, a.node(UUID.randomUUID()));
    }

    @Test
    void sentinelsAreTheHubsAndStopTheWalksWithoutChangingTheAnswer() {
        // Two separate stars, p = 0.5: hub 0 reaches 1 + 30 × 0.5 = 16, hub 31 reaches 1 + 20 × 0.5 = 11; each meets
        // far more than a tenth of the sets, so both are sentinels, and later walks stop as soon as they meet one.
        InfluenceGraph g = graph(52, concat(star(0, 1, 30), star(31, 32, 20)));
        // min-sets 100: the first step draws that many whole sets, IMM then asks for more, which the sentinels stop.
        ReachableSets with = new ReachableSets(problem(g, all(52), 2, 42, true, 1, Long.MAX_VALUE, 100));
        ReachableSets.Result sentinel = with.select();
        ReachableSets.Result plain = new ReachableSets(problem(g, all(52), 2, 42, false, 1, Long.MAX_VALUE, 100))
                .select();
        assertTrue(sentinel.sets() > 500, sentinel.sets() + " sets");
        assertArrayEquals(new int[] {0, 31}, with.sentinels());
        assertEquals(2, sentinel.sentinels());
        assertEquals(0, plain.sentinels());
        // The same sets, only stopped early: every figure for a seed set holding the sentinels is the plain one.
        assertEquals(plain.seeds(), sentinel.seeds());
        assertEquals(plain.sets(), sentinel.sets());
        assertEquals(plain.estimatedCoverage(), sentinel.estimatedCoverage(), 1e-12);
        assertEquals(List.of(0, 31), sentinel.seeds().stream().map(ReachableSets.Choice::node).toList());
        assertEquals(27.0, sentinel.estimatedCoverage(), 3.0, "16 + 11, from about a thousand sets");
        assertTrue(sentinel.steps() * 4 < plain.steps(), sentinel.steps() + " arc trials against " + plain.steps());
        double perSet = (double) sentinel.entries() / sentinel.sets();
        double plainPerSet = (double) plain.entries() / plain.sets();
        assertTrue(perSet < plainPerSet / 2, "stopped walks hold one contact: " + perSet + " entries a set against "
                + plainPerSet);
        // A seed set without the sentinels is estimated from the whole sets: leaf 1 reaches 1 + 0.5 × (1 + 29 × 0.5).
        assertEquals(8.75, with.coverage(new int[] {1}), 1.5);
        assertEquals(with.coverage(new int[] {1}), with.marginals(new int[] {1}).get(0).marginalReach(), 1e-9);
    }

    @Test
    void whereCascadesAreSmallThereAreNoSentinels() {
        // Twenty separate pairs: a contact meets at most 1.5 of 40 sets' worth, far under a tenth.
        int[][] ties = new int[20][];
        for (int i = 0; i < 20; i++) {
            ties[i] = new int[] {2 * i, 2 * i + 1};
        }
        InfluenceGraph g = graph(40, ties);
        ReachableSets.Result with = new ReachableSets(problem(g, all(40), 3, 42, true, 1, Long.MAX_VALUE)).select();
        ReachableSets.Result plain = new ReachableSets(problem(g, all(40), 3, 42, false, 1, Long.MAX_VALUE)).select();
        assertEquals(0, with.sentinels());
        // No sentinel: the same sets, seeds and estimate (only IMM's lower bound of the optimum, taken on the sets
        // drawn so far, sees the first step's sets earlier).
        assertEquals(plain.seeds(), with.seeds());
        assertEquals(plain.sets(), with.sets());
        assertEquals(plain.entries(), with.entries());
        assertEquals(plain.estimatedCoverage(), with.estimatedCoverage(), 1e-12);
        assertEquals(4.5, with.estimatedCoverage(), 0.6, "three pairs, 1.5 each (the greedy's own sample flatters it)");
    }

    @Test
    void theSameSetsAndSeedsOnAnyNumberOfThreadsWithinTheBounds() {
        InfluenceGraph g = graph(52, concat(concat(star(0, 1, 30), star(31, 32, 20)), new int[][] {{0, 31}}));
        for (boolean sentinels : new boolean[] {false, true}) {
            for (long maxSteps : new long[] {Long.MAX_VALUE, 5_000}) {
                ReachableSets.Result one = new ReachableSets(problem(g, all(52), 3, 7, sentinels, 1, maxSteps))
                        .select();
                if (maxSteps != Long.MAX_VALUE) {
                    assertTrue(one.capped() && one.steps() >= maxSteps, "the step bound stops it: " + one);
                }
                for (int threads : new int[] {2, 3, 8}) {
                    ReachableSets.Result many = new ReachableSets(problem(g, all(52), 3, 7, sentinels, threads,
                            maxSteps)).select();
                    assertEquals(one, many, threads + " threads, sentinels " + sentinels + ", bound " + maxSteps);
                }
            }
        }
    }

    private static ReachableSets.Problem problem(InfluenceGraph g, int[] target, int k, long seed, boolean sentinels,
                                                 int threads, long maxSteps) {
        return problem(g, target, k, seed, sentinels, threads, maxSteps, 10000);
    }

    private static ReachableSets.Problem problem(InfluenceGraph g, int[] target, int k, long seed, boolean sentinels,
                                                 int threads, long maxSteps, int minSets) {
        return new ReachableSets.Problem(g, HALF, target, allTrue(g.n), ones(g.n), null, Integer.MAX_VALUE, k, 0.3, 1,
                minSets, 1_000_000, 30_000_000, maxSteps, seed, sentinels, threads);
    }

    private static ReachableSets.Problem problem(InfluenceGraph g, int[] target, int k, long seed) {
        return new ReachableSets.Problem(g, HALF, target, allTrue(g.n), ones(g.n), null, Integer.MAX_VALUE, k, 0.3, 1,
                10000, 1_000_000, 30_000_000, Long.MAX_VALUE, seed, true, 1);
    }

    /** Symmetric ties of strength 1 in both directions, as a FRIEND_OF tie gives. */
    private static InfluenceGraph graph(int n, int[][] ties) {
        UUID[] ids = new UUID[n];
        for (int i = 0; i < n; i++) {
            ids[i] = new UUID(0, i);
        }
        java.util.Map<UUID, java.util.List<int[]>> out = new java.util.HashMap<>();
        for (int[] tie : ties) {
            out.computeIfAbsent(ids[tie[0]], k -> new java.util.ArrayList<>()).add(tie);
        }
        java.util.Map<UUID, StoredTies.Out> read = new java.util.HashMap<>();
        byte both = (byte) InfluenceModel.Flow.BOTH.ordinal();
        for (UUID id : ids) {
            java.util.List<int[]> mine = out.getOrDefault(id, java.util.List.of());
            UUID[] ends = new UUID[mine.size()];
            byte[] flows = new byte[mine.size()];
            float[] strengths = new float[mine.size()];
            for (int i = 0; i < ends.length; i++) {
                ends[i] = ids[mine.get(i)[1]];
                flows[i] = both;
                strengths[i] = 1;
            }
            read.put(id, new StoredTies.Out(ends, flows, strengths));
        }
        return StoredTies.EMPTY.with(ids, read).graph(version(), Instant.now(), 0, InfluenceGraph.Read.FULL, 0);
    }

    private static int[][] star(int hub, int first, int leaves) {
        int[][] ties = new int[leaves][];
        for (int i = 0; i < leaves; i++) {
            ties[i] = new int[] {hub, first + i};
        }
        return ties;
    }

    private static int[][] concat(int[][] a, int[][] b) {
        int[][] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static int[] all(int n) {
        int[] nodes = new int[n];
        for (int i = 0; i < n; i++) {
            nodes[i] = i;
        }
        return nodes;
    }

    private static boolean[] allTrue(int n) {
        boolean[] b = new boolean[n];
        Arrays.fill(b, true);
        return b;
    }

    private static double[] ones(int n) {
        double[] w = new double[n];
        Arrays.fill(w, 1);
        return w;
    }

    private static health.circles.sync.GraphVersion version() {
        return new health.circles.sync.GraphVersion(0, null, LocalDate.now());
    }
}
