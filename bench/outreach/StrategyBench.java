package health.circles.outreach;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which seeding strategy wins on a generated network (bench/outreach/generate.py), under each diffusion model: the
 * service's own classes (InfluenceGraph, Strategies, ReachableSets, Cascades) on the CSV files, without starting the
 * service, exactly as POST /api/v1/outreach/strategies/compare runs them (the network as target, EMAIL, consent
 * GRANTED only, common random numbers, randomised strategies drawn anew per cascade). PageRank is left out (it needs
 * an analytics run in the service).
 *
 * <pre>
 * ./mvnw -q -o compile
 * javac -cp target/classes -d target/bench-strategies bench/outreach/BenchNetwork.java bench/outreach/StrategyBench.java
 * java -cp target/classes:target/bench-strategies health.circles.outreach.StrategyBench WORK [k=10,50] [sims=200]
 * </pre>
 */
public final class StrategyBench {

    public static void main(String[] args) throws IOException {
        Path work = Path.of(args[0]);
        int[] ks = Arrays.stream((args.length > 1 ? args[1] : "10,50").split(",")).mapToInt(Integer::parseInt).toArray();
        int sims = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        long started = System.nanoTime();

        BenchNetwork network = BenchNetwork.read(work);
        InfluenceGraph g = network.graph();
        boolean[] candidate = network.candidate();
        boolean[] inTarget = network.inTarget();
        int[] target = network.target();
        int candidates = network.candidates();
        System.out.printf(Locale.ROOT, "network: %d contacts, %d ties, %d arcs; %d candidates (EMAIL GRANTED, not "
                + "do-not-contact); %d cascades per strategy; read in %.1f s%n", g.n, g.ties, g.arcs(), candidates,
                sims, (System.nanoTime() - started) / 1e9);

        Strategies.Pool pool = Strategies.Pool.of(g, candidate, inTarget, target, false, null, Integer.MAX_VALUE, null);
        List<SeedStrategy> strategies = List.of(SeedStrategy.IMM, SeedStrategy.DEGREE, SeedStrategy.NOMINATED_FRIEND,
                SeedStrategy.ACQUAINTANCE, SeedStrategy.CLUSTERED, SeedStrategy.RANDOM);
        record Model(String name, InfluenceModel p, Contagion c) {
        }
        List<Model> models = List.of(
                new Model("independent cascade, p = min(0.3, 0.1 x strength) (the defaults)",
                        new InfluenceModel(0.1, 0.3), Contagion.CASCADE),
                new Model("threshold 2 ties, p = min(0.5, 0.5 x strength)", new InfluenceModel(0.5, 0.5),
                        new Contagion(Contagion.Kind.THRESHOLD, 2, null)),
                new Model("threshold 10 % of ties, p = min(0.5, 0.5 x strength)", new InfluenceModel(0.5, 0.5),
                        new Contagion(Contagion.Kind.THRESHOLD, null, 0.1)));
        long seed = 42;
        for (Model model : models) {
            for (int k : ks) {
                long t0 = System.nanoTime();
                int[][] fixed = new int[strategies.size()][];
                for (int i = 0; i < strategies.size(); i++) {
                    SeedStrategy st = strategies.get(i);
                    if (st == SeedStrategy.IMM) {
                        double[] weight = new double[g.n];
                        Arrays.fill(weight, 1);
                        ReachableSets.Problem problem = new ReachableSets.Problem(g, model.p(), target, candidate,
                                weight, null, Integer.MAX_VALUE, k, 0.1, 1, 10_000, 2_000_000, 30_000_000L,
                                300_000_000L, seed, true, 2);
                        fixed[i] = new ReachableSets(problem).select().seeds().stream()
                                .mapToInt(ReachableSets.Choice::node).toArray();
                    } else if (!st.randomised()) {
                        fixed[i] = Strategies.pick(st, pool, k, SeedService.draws(seed, 0)).seeds();
                    }
                }
                int[] byDegree = fixed[strategies.indexOf(SeedStrategy.DEGREE)];
                int[] byCluster = fixed[strategies.indexOf(SeedStrategy.CLUSTERED)];
                Set<Integer> shared = new HashSet<>();
                Arrays.stream(byDegree).forEach(shared::add);
                long common = Arrays.stream(byCluster).filter(shared::contains).count();
                System.out.printf(Locale.ROOT, "%nseeds both degree and clustered chose: %d of %d%n", common, k);
                Cascades cascades = new Cascades(g, model.p(), model.c(), inTarget, seed);
                int[][] reach = new int[strategies.size()][sims];
                for (int from = 0; from < sims; from += LaneCascades.CHUNK) {
                    int count = Math.min(LaneCascades.CHUNK, sims - from);
                    for (int i = 0; i < strategies.size(); i++) {
                        if (fixed[i] != null) {
                            cascades.runChunk(from, count, fixed[i], null, reach[i]);
                            continue;
                        }
                        int[][] drawn = new int[count][];
                        for (int j = 0; j < count; j++) {
                            drawn[j] = Strategies.pick(strategies.get(i), pool, k, SeedService.draws(seed, from + j))
                                    .seeds();
                        }
                        cascades.runChunkEach(from, drawn, reach[i]);
                    }
                }
                ReachableSets.Estimate[] est = new ReachableSets.Estimate[strategies.size()];
                Integer[] order = new Integer[strategies.size()];
                for (int i = 0; i < strategies.size(); i++) {
                    est[i] = ReachableSets.estimate(reach[i], false);
                    order[i] = i;
                }
                Arrays.sort(order, (a, b) -> Double.compare(est[b].mean(), est[a].mean()));
                System.out.printf(Locale.ROOT, "%n#### %s, k = %d (%.1f s)%n%n| strategy | expected reach | 95 %% "
                        + "interval | share |%n|---|---|---|---|%n", model.name(), k, (System.nanoTime() - t0) / 1e9);
                for (int i : order) {
                    System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f – %.1f | %.2f %% |%n", strategies.get(i).code(),
                            est[i].mean(), est[i].low(), est[i].high(), 100 * est[i].mean() / g.n);
                }
                int best = order[0];
                System.out.printf(Locale.ROOT, "%nwinner %s: over %s %s; over random %s%n", strategies.get(best).code(),
                        strategies.get(order[1]).code(), margin(reach[best], reach[order[1]]),
                        best == strategies.indexOf(SeedStrategy.RANDOM) ? "(is random)"
                                : margin(reach[best], reach[strategies.indexOf(SeedStrategy.RANDOM)]));
            }
        }
    }

    private static String margin(int[] a, int[] b) {
        int[] d = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - b[i];
        }
        ReachableSets.Estimate e = ReachableSets.estimate(d, false);
        return String.format(Locale.ROOT, "%+.1f (95 %% interval %+.1f to %+.1f)", e.mean(), e.low(), e.high());
    }
}
