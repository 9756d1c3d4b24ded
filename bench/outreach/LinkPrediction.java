import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Offline evaluation of who-should-know-whom: hides 10 % of the ties of a generated network at random, scores pairs
 * on the remaining 90 % with Adamic-Adar, resource allocation, common neighbours and a random score (the formulas of
 * GDS's gds.alpha.linkprediction.* functions over an undirected simple graph), and reports
 * <ul>
 * <li>AUC: the chance that a hidden tie scores above a pair that is no tie at all (ties count half), over sampled
 *     pairs (Lü and Zhou 2011);</li>
 * <li>precision@10: for sampled contacts with a hidden tie, the share of their ten best-scored candidates (contacts two
 *     ties away in the training graph; for random, any non-neighbours) that are hidden ties, as the endpoint ranks
 *     them.</li>
 * </ul>
 * Standard library only; same seed, same figures.
 *
 * <pre>java bench/outreach/LinkPrediction.java WORK/ties.csv [hide=0.1] [pairs=20000] [nodes=1000] [seed=7]</pre>
 */
public class LinkPrediction {

    public static void main(String[] args) throws IOException {
        Path ties = Path.of(args[0]);
        double hide = args.length > 1 ? Double.parseDouble(args[1]) : 0.1;
        int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        int sampleNodes = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
        long seed = args.length > 4 ? Long.parseLong(args[4]) : 7;
        long started = System.nanoTime();

        Map<String, Integer> index = new HashMap<>();
        Set<Long> edgeSet = new HashSet<>();
        List<long[]> edges = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(ties)) {
            String header = in.readLine();
            List<String> cols = Arrays.asList(header.split(","));
            int from = cols.indexOf("from_id");
            int to = cols.indexOf("to_id");
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] f = line.split(",");
                int a = index.computeIfAbsent(f[from], k -> index.size());
                int b = index.computeIfAbsent(f[to], k -> index.size());
                if (a == b) {
                    continue;
                }
                long key = key(a, b);
                if (edgeSet.add(key)) {
                    edges.add(new long[] {Math.min(a, b), Math.max(a, b)});
                }
            }
        }
        int n = index.size();
        SplittableRandom rng = new SplittableRandom(seed);
        // Hide a random 10 %: shuffle, the first ones are the test ties.
        for (int i = edges.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            long[] t = edges.get(i);
            edges.set(i, edges.get(j));
            edges.set(j, t);
        }
        int hidden = (int) Math.round(edges.size() * hide);
        List<long[]> test = edges.subList(0, hidden);
        int[][] adj = adjacency(n, edges.subList(hidden, edges.size()));
        Set<Long> testSet = new HashSet<>();
        for (long[] e : test) {
            testSet.add(key((int) e[0], (int) e[1]));
        }

        String[] names = {"adamicAdar", "resourceAllocation", "commonNeighbors", "random"};
        double[] auc = new double[names.length];
        for (int s = 0; s < pairs; s++) {
            long[] pos = test.get(rng.nextInt(test.size()));
            int a;
            int b;
            do {
                a = rng.nextInt(n);
                b = rng.nextInt(n);
            } while (a == b || edgeSet.contains(key(a, b)));
            for (int m = 0; m < names.length; m++) {
                double sp = score(m, adj, (int) pos[0], (int) pos[1], rng);
                double sn = score(m, adj, a, b, rng);
                auc[m] += sp > sn ? 1 : sp == sn ? 0.5 : 0;
            }
        }
        for (int m = 0; m < names.length; m++) {
            auc[m] /= pairs;
        }

        // precision@10 over contacts with at least one hidden tie.
        Map<Integer, Set<Integer>> hiddenOf = new HashMap<>();
        for (long[] e : test) {
            hiddenOf.computeIfAbsent((int) e[0], k -> new HashSet<>()).add((int) e[1]);
            hiddenOf.computeIfAbsent((int) e[1], k -> new HashSet<>()).add((int) e[0]);
        }
        List<Integer> withHidden = new ArrayList<>(hiddenOf.keySet());
        withHidden.sort(null);
        double[] precision = new double[names.length];
        int asked = Math.min(sampleNodes, withHidden.size());
        for (int s = 0; s < asked; s++) {
            int v = withHidden.get(rng.nextInt(withHidden.size()));
            Set<Integer> truth = hiddenOf.get(v);
            for (int m = 0; m < names.length; m++) {
                List<Integer> top = top10(m, adj, v, n, rng);
                int hits = 0;
                for (int u : top) {
                    hits += truth.contains(u) ? 1 : 0;
                }
                precision[m] += hits / 10.0;
            }
        }
        for (int m = 0; m < names.length; m++) {
            precision[m] /= asked;
        }
        System.out.printf(Locale.ROOT, "network: %d contacts, %d distinct ties; hidden %d (%.0f %%); AUC over %d "
                + "pairs; precision@10 over %d contacts; seed %d; %.1f s%n", n, edges.size(), hidden, hide * 100, pairs,
                asked, seed, (System.nanoTime() - started) / 1e9);
        System.out.println("| measure | AUC | precision@10 |");
        System.out.println("|---|---|---|");
        for (int m = 0; m < names.length; m++) {
            System.out.printf(Locale.ROOT, "| %s | %.4f | %.4f |%n", names[m], auc[m], precision[m]);
        }
        System.out.printf(Locale.ROOT, "target link_prediction_auc = %.4f (adamicAdar)%n", auc[0]);
    }

    private static long key(int a, int b) {
        return ((long) Math.min(a, b) << 32) | Math.max(a, b);
    }

    private static int[][] adjacency(int n, List<long[]> edges) {
        int[] deg = new int[n];
        for (long[] e : edges) {
            deg[(int) e[0]]++;
            deg[(int) e[1]]++;
        }
        int[][] adj = new int[n][];
        for (int v = 0; v < n; v++) {
            adj[v] = new int[deg[v]];
        }
        int[] fill = new int[n];
        for (long[] e : edges) {
            adj[(int) e[0]][fill[(int) e[0]]++] = (int) e[1];
            adj[(int) e[1]][fill[(int) e[1]]++] = (int) e[0];
        }
        for (int[] row : adj) {
            Arrays.sort(row);
        }
        return adj;
    }

    /** Measure m between a and b: a sum over common neighbours (sorted rows, merged), or a random number. */
    private static double score(int m, int[][] adj, int a, int b, SplittableRandom rng) {
        if (m == 3) {
            return rng.nextDouble();
        }
        int[] x = adj[a];
        int[] y = adj[b];
        double s = 0;
        for (int i = 0, j = 0; i < x.length && j < y.length; ) {
            if (x[i] < y[j]) {
                i++;
            } else if (x[i] > y[j]) {
                j++;
            } else {
                int d = adj[x[i]].length;
                s += m == 0 ? (d > 1 ? 1 / Math.log(d) : 0) : m == 1 ? 1.0 / d : 1;
                i++;
                j++;
            }
        }
        return s;
    }

    /** The ten best candidates of v: two ties away (by score, then id), or for random ten random non-neighbours. */
    private static List<Integer> top10(int m, int[][] adj, int v, int n, SplittableRandom rng) {
        Set<Integer> near = new HashSet<>();
        for (int u : adj[v]) {
            near.add(u);
        }
        List<Integer> out = new ArrayList<>();
        if (m == 3) {
            Set<Integer> seen = new HashSet<>();
            while (out.size() < 10 && seen.size() < n - 1 - near.size()) {
                int u = rng.nextInt(n);
                if (u != v && !near.contains(u) && seen.add(u)) {
                    out.add(u);
                }
            }
            return out;
        }
        Map<Integer, Double> score = new HashMap<>();
        for (int u : adj[v]) {
            int d = adj[u].length;
            double w = m == 0 ? (d > 1 ? 1 / Math.log(d) : 0) : m == 1 ? 1.0 / d : 1;
            for (int x : adj[u]) {
                if (x != v && !near.contains(x)) {
                    score.merge(x, w, Double::sum);
                }
            }
        }
        score.entrySet().stream().sorted((p, q) -> p.getValue().equals(q.getValue()) ? Integer.compare(p.getKey(),
                        q.getKey()) : Double.compare(q.getValue(), p.getValue()))
                .limit(10).forEach(e -> out.add(e.getKey()));
        return out;
    }
}
