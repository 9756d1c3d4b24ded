package health.circles.outreach;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * What a seed selection costs and reaches on a generated network (bench/outreach/generate.py), with the service's own
 * classes and default bounds, without the service: the network as target, EMAIL, consent GRANTED only, as
 * POST /api/v1/outreach/seeds computes it under the independent cascade. For the bounds before sentinels (IMM alone,
 * 300M arc trials of sampling, cascades checked from 100 on) and the defaults now (sentinels, 100M, 50) it prints
 * the RR sets drawn, their arc trials and milliseconds (wall clock and process CPU), then the forward cascades that
 * measure the seeds and the naive top-k-by-degree pick (2 threads, stopped at ±0.5 %), the reach of both with 95 %
 * intervals, and which the service would return. With a fifth argument N, top-k by degree and the returned seeds are
 * measured once more on N cascades of another stream, every one run: the quality check.
 *
 * <pre>
 * ./mvnw -q -o compile
 * javac -cp target/classes -d target/bench-seeds bench/outreach/BenchNetwork.java bench/outreach/SeedTiming.java
 * java -cp target/classes:target/bench-seeds health.circles.outreach.SeedTiming WORK [k=10] [scale=0.1] [repeats=2] [N]
 * </pre>
 */
public final class SeedTiming {

    public static void main(String[] args) throws IOException {
        Path work = Path.of(args[0]);
        int k = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        double scale = args.length > 2 ? Double.parseDouble(args[2]) : 0.1;
        int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        int check = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        long started = System.nanoTime();

        BenchNetwork network = BenchNetwork.read(work);
        InfluenceGraph g = network.graph();
        boolean[] candidate = network.candidate();
        boolean[] inTarget = network.inTarget();
        int[] target = network.target();
        int candidates = network.candidates();
        System.out.printf(Locale.ROOT, "network: %d contacts, %d ties, %d arcs; %d candidates; k = %d; p = min(0.3, "
                + "%s x strength); read in %.1f s%n", g.n, g.ties, g.arcs(), candidates, k, scale,
                (System.nanoTime() - started) / 1e9);
        InfluenceModel model = new InfluenceModel(scale, 0.3);
        double[] weight = new double[g.n];
        Arrays.fill(weight, 1);
        long seed = 42;
        int[] naive = SeedService.naive(g, candidate, inTarget, target, false, k);
        if (check > 0) {
            ReachableSets.Estimate e = ReachableSets.simulate(g, model, naive, inTarget, check, Long.MAX_VALUE,
                    seed + 1, 2, 0);
            System.out.printf(Locale.ROOT, "top-k by degree on %d further cascades (another stream): %.1f "
                    + "[%.1f, %.1f]%n", check, e.mean(), e.low(), e.high());
        }
        for (int rep = 0; rep < repeats; rep++) {
            for (boolean sentinels : new boolean[] {false, true}) {
                // Before sentinels: 300M arc trials of sampling, cascades checked from 100 on; now 100M and 50.
                long samplingSteps = sentinels ? 100_000_000L : 300_000_000L;
                int minCascades = sentinels ? 50 : 100;
                long t0 = System.nanoTime();
                long c0 = cpu();
                ReachableSets.Problem problem = new ReachableSets.Problem(g, model, target, candidate, weight, null,
                        Integer.MAX_VALUE, k, 0.1, 1, 10_000, 2_000_000, 30_000_000L, samplingSteps, seed, sentinels,
                        2);
                ReachableSets rr = new ReachableSets(problem);
                ReachableSets.Result result = rr.select();
                long sampling = System.nanoTime() - t0;
                long samplingCpu = cpu() - c0;
                int[] chosen = result.seeds().stream().mapToInt(ReachableSets.Choice::node).toArray();
                long t1 = System.nanoTime();
                long c1 = cpu();
                // As the service measures them: both sets on the same cascades, side by side on the two threads.
                ReachableSets.Estimate[] both = ReachableSets.simulate(g, model, new int[][] {chosen, naive},
                        inTarget, 1000, 200_000_000L, seed, 2, 0.005, minCascades);
                ReachableSets.Estimate ours = both[0];
                ReachableSets.Estimate theirs = both[1];
                long cascades = System.nanoTime() - t1;
                long cascadesCpu = cpu() - c1;
                System.out.printf(Locale.ROOT, "%s sentinels %d: RR sets %d of %d wanted%s, %d M arc trials, "
                                + "sampling and greedy %d ms (cpu %d ms); cascades %d + %d in %d ms (cpu %d ms); "
                                + "seeds %.1f [%.1f, %.1f] (sampled %.1f), top-k by degree %.1f [%.1f, %.1f]; returned %s%n",
                        sentinels ? "HIST" : "IMM ", result.sentinels(), result.sets(), result.setsWanted(),
                        result.capped() ? " (capped)" : "", result.steps() / 1_000_000, sampling / 1_000_000,
                        samplingCpu / 1_000_000, ours.reached().length, theirs.reached().length, cascades / 1_000_000,
                        cascadesCpu / 1_000_000, ours.mean(), ours.low(),
                        ours.high(), result.estimatedCoverage(), theirs.mean(), theirs.low(), theirs.high(),
                        theirs.mean() > ours.mean() ? "TOP_K_BY_DEGREE" : "GREEDY");
                if (check > 0 && rep == 0) {
                    int[] returned = theirs.mean() > ours.mean() ? naive : chosen;
                    ReachableSets.Estimate e = ReachableSets.simulate(g, model, returned, inTarget, check,
                            Long.MAX_VALUE, seed + 1, 2, 0);
                    System.out.printf(Locale.ROOT, "  returned seeds on %d further cascades (another stream): %.1f "
                            + "[%.1f, %.1f]%n", check, e.mean(), e.low(), e.high());
                }
            }
        }
    }

    /** CPU time of the whole process (every thread, the JIT and the collector included): a steadier figure than the
     * wall clock on a shared machine. */
    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
