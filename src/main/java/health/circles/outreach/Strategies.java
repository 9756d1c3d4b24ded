package health.circles.outreach;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The seeding strategies other than influence maximisation, on the graph in memory. Every one chooses only among
 * {@code candidate} contacts (consenting for the channel, not do-not-contact, not excluded: the eligible-seed step of
 * {@link SeedService}) and honours the spread cap per sub-community; the random ones draw from the given generator
 * only, so the same seed gives the same seeds.
 */
final class Strategies {

    /**
     * What a strategy chooses from: the graph, who may be a seed, the target, whether seeds must be target members,
     * the sub-community of each node with the cap per sub-community (group null: no cap), and PageRank per node (null
     * unless asked).
     */
    record Pool(InfluenceGraph g, boolean[] candidate, boolean[] inTarget, int[] targetNodes, boolean onlyTarget,
                int[] group, int cap, double[] pagerank, boolean[] reach, int[] members) {

        /** The pool with its derived lists: who lies within reach, the target members who may be seeds. */
        static Pool of(InfluenceGraph g, boolean[] candidate, boolean[] inTarget, int[] targetNodes,
                       boolean onlyTarget, int[] group, int cap, double[] pagerank) {
            Pool p = new Pool(g, candidate, inTarget, targetNodes, onlyTarget, group, cap, pagerank, null, null);
            return new Pool(g, candidate, inTarget, targetNodes, onlyTarget, group, cap, pagerank, Strategies.reach(p),
                    Arrays.stream(targetNodes).filter(v -> candidate[v]).sorted().toArray());
        }
    }

    /** Seeds chosen, and why fewer than k when so (null otherwise). */
    record Picked(int[] seeds, String short_) {
    }

    private Strategies() {
    }

    static Picked pick(SeedStrategy strategy, Pool p, int k, SplittableRandom rng) {
        return switch (strategy) {
            case DEGREE -> ranked(p, k, p.g().degree == null ? null : toDouble(p.g().degree));
            case PAGERANK -> ranked(p, k, p.pagerank());
            case RANDOM -> random(p, k, rng);
            case NOMINATED_FRIEND -> nominated(p, k, rng, true);
            case ACQUAINTANCE -> nominated(p, k, rng, false);
            case CLUSTERED -> clustered(p, k);
            case IMM -> throw new IllegalArgumentException("imm is chosen by reverse-reachable sets");
        };
    }

    /** Candidates among the target's members and, unless seeds must come from it, their neighbours. */
    private static boolean[] reach(Pool p) {
        InfluenceGraph g = p.g();
        boolean[] pool = new boolean[g.n];
        for (int v : p.targetNodes()) {
            pool[v] = p.candidate()[v];
            if (!p.onlyTarget()) {
                for (int a = g.outStart[v]; a < g.outStart[v + 1]; a++) {
                    pool[g.outTo[a]] |= p.candidate()[g.outTo[a]];
                }
                for (int a = g.inStart[v]; a < g.inStart[v + 1]; a++) {
                    pool[g.inFrom[a]] |= p.candidate()[g.inFrom[a]];
                }
            }
        }
        return pool;
    }

    /** The k pool contacts of highest score (then most ties, then contact id), within the spread cap. */
    private static Picked ranked(Pool p, int k, double[] score) {
        InfluenceGraph g = p.g();
        boolean[] pool = p.reach();
        List<Integer> order = new ArrayList<>();
        for (int v = 0; v < g.n; v++) {
            if (pool[v]) {
                order.add(v);
            }
        }
        order.sort((a, b) -> score[a] != score[b] ? Double.compare(score[b], score[a])
                : g.degree[a] != g.degree[b] ? Integer.compare(g.degree[b], g.degree[a]) : Integer.compare(a, b));
        Cap cap = new Cap(p);
        int[] out = new int[k];
        int n = 0;
        for (int v : order) {
            if (n == k) {
                break;
            }
            if (cap.take(v)) {
                out[n++] = v;
            }
        }
        return done(out, n, k, "no further candidate within the spread limit");
    }

    /** k random members of the target who may be seeds (their neighbours too when members run out). */
    private static Picked random(Pool p, int k, SplittableRandom rng) {
        InfluenceGraph g = p.g();
                Cap cap = new Cap(p);
        int[] out = new int[k];
        int n = 0;
        boolean[] taken = new boolean[g.n];
        Shuffle members = new Shuffle(p.members(), rng);
        for (int v = members.next(); v >= 0 && n < k; v = members.next()) {
            if (cap.take(v)) {
                taken[v] = true;
                out[n++] = v;
            }
        }
        if (n < k && !p.onlyTarget()) {
            boolean[] pool = p.reach();
            List<Integer> rest = new ArrayList<>();
            for (int v = 0; v < g.n; v++) {
                if (pool[v] && !taken[v]) {
                    rest.add(v);
                }
            }
            Shuffle others = new Shuffle(rest.stream().mapToInt(Integer::intValue).toArray(), rng);
            for (int v = others.next(); v >= 0 && n < k; v = others.next()) {
                if (cap.take(v)) {
                    out[n++] = v;
                }
            }
        }
        return done(out, n, k, "fewer candidates than seeds wanted");
    }

    /**
     * Nomination: random members who may be approached (in random order, each asked once) each name one neighbour who
     * may be a seed and is not one yet: by tie strength (a friend: the strength of the ties between them, summed) or
     * uniformly (an acquaintance). A member with no such neighbour names no one.
     */
    private static Picked nominated(Pool p, int k, SplittableRandom rng, boolean byStrength) {
        InfluenceGraph g = p.g();
        boolean[] pool = p.reach();
        Cap cap = new Cap(p);
        boolean[] taken = new boolean[g.n];
        int[] out = new int[k];
        int n = 0;
        int[] nbr = new int[16];
        double[] w = new double[16];
        Shuffle askers = new Shuffle(p.members(), rng);
        for (int asker = askers.next(); asker >= 0 && n < k; asker = askers.next()) {
            int m = 0;
            for (int side = 0; side < 2; side++) {
                int start = side == 0 ? g.outStart[asker] : g.inStart[asker];
                int end = side == 0 ? g.outStart[asker + 1] : g.inStart[asker + 1];
                for (int a = start; a < end; a++) {
                    int u = side == 0 ? g.outTo[a] : g.inFrom[a];
                    float s = side == 0 ? g.outStrength[a] : g.inStrength[a];
                    if (u == asker || !pool[u] || taken[u] || !cap.open(u)) {
                        continue;
                    }
                    int at = indexOf(nbr, m, u);
                    if (at < 0) {
                        if (m == nbr.length) {
                            nbr = Arrays.copyOf(nbr, m * 2);
                            w = Arrays.copyOf(w, m * 2);
                        }
                        nbr[m] = u;
                        w[m] = 0;
                        at = m++;
                    }
                    w[at] += Math.max(0, s);
                }
            }
            if (m == 0) {
                continue;
            }
            int chosen;
            if (byStrength) {
                double total = 0;
                for (int i = 0; i < m; i++) {
                    total += w[i];
                }
                chosen = nbr[m - 1];
                if (total > 0) {
                    double x = rng.nextDouble() * total;
                    for (int i = 0; i < m; i++) {
                        x -= w[i];
                        if (x < 0) {
                            chosen = nbr[i];
                            break;
                        }
                    }
                } else {
                    chosen = nbr[rng.nextInt(m)];
                }
            } else {
                chosen = nbr[rng.nextInt(m)];
            }
            cap.take(chosen);
            taken[chosen] = true;
            out[n++] = chosen;
        }
        return done(out, n, k, "the members who could be asked named no further contact who may be a seed");
    }

    /**
     * Seeds packed into cohesive groups, for complex contagion: the first seed is the candidate embedded in most closed
     * triangles (ties among its own neighbours); each next one the candidate that reinforces most, i.e. has the most
     * target neighbours already tied to a seed (plus one when it is tied to a seed itself), then most triangles. When
     * nothing is left to reinforce, a new group starts from the most embedded candidate left.
     */
    private static Picked clustered(Pool p, int k) {
        InfluenceGraph g = p.g();
        boolean[] pool = p.reach();
        int[][] nbrs = neighbours(g);
        int[] triangles = new int[g.n];
        boolean[] mark = new boolean[g.n];
        for (int v = 0; v < g.n; v++) {
            if (!pool[v]) {
                continue;
            }
            for (int u : nbrs[v]) {
                mark[u] = true;
            }
            int t = 0;
            for (int u : nbrs[v]) {
                for (int x : nbrs[u]) {
                    if (x > u && mark[x]) {
                        t++;
                    }
                }
            }
            for (int u : nbrs[v]) {
                mark[u] = false;
            }
            triangles[v] = t;
        }
        // reinforce[v]: target neighbours of v (not seeds) already tied to a seed, kept up to date as seeds are added.
        int[] seedTies = new int[g.n];
        int[] reinforce = new int[g.n];
        boolean[] seeded = new boolean[g.n];
        Cap cap = new Cap(p);
        int[] out = new int[k];
        int n = 0;
        while (n < k) {
            int best = -1;
            long bestScore = -1;
            for (int v = 0; v < g.n; v++) {
                if (!pool[v] || seeded[v] || !cap.open(v)) {
                    continue;
                }
                long gain = reinforce[v] + (seedTies[v] > 0 ? 1 : 0);
                long score = (gain << 40) + ((long) Math.min(triangles[v], (1 << 30) - 1) << 8)
                        + Math.min(g.degree[v], 255);
                if (score > bestScore) {
                    bestScore = score;
                    best = v;
                }
            }
            if (best < 0) {
                break;
            }
            cap.take(best);
            seeded[best] = true;
            out[n++] = best;
            if (p.inTarget()[best] && seedTies[best] > 0) {
                for (int x : nbrs[best]) {
                    reinforce[x]--; // a seed needs no reinforcing
                }
            }
            for (int u : nbrs[best]) {
                if (++seedTies[u] == 1 && p.inTarget()[u] && !seeded[u]) {
                    for (int x : nbrs[u]) {
                        reinforce[x]++;
                    }
                }
            }
        }
        return done(out, n, k, "no further candidate within the spread limit");
    }

    /** Distinct neighbours of every node, whichever way their ties run. */
    static int[][] neighbours(InfluenceGraph g) {
        int[][] out = new int[g.n][];
        int[] buf = new int[16];
        for (int v = 0; v < g.n; v++) {
            int m = 0;
            int size = g.outStart[v + 1] - g.outStart[v] + g.inStart[v + 1] - g.inStart[v];
            if (buf.length < size) {
                buf = new int[size];
            }
            for (int a = g.outStart[v]; a < g.outStart[v + 1]; a++) {
                buf[m++] = g.outTo[a];
            }
            for (int a = g.inStart[v]; a < g.inStart[v + 1]; a++) {
                buf[m++] = g.inFrom[a];
            }
            Arrays.sort(buf, 0, m);
            int d = 0;
            for (int i = 0; i < m; i++) {
                if (buf[i] != v && (d == 0 || buf[d - 1] != buf[i])) {
                    buf[d++] = buf[i];
                }
            }
            out[v] = Arrays.copyOf(buf, d);
        }
        return out;
    }

    /**
     * A uniformly random order of the given nodes, drawn as it is read (Fisher-Yates one step per node): a draw that
     * needs k nodes costs k steps, not the length of the list (apart from one copy).
     */
    private static final class Shuffle {
        private final int[] x;
        private final SplittableRandom rng;
        private int i;

        Shuffle(int[] nodes, SplittableRandom rng) {
            this.x = nodes.clone();
            this.rng = rng;
        }

        int next() {
            if (i == x.length) {
                return -1;
            }
            int j = i + rng.nextInt(x.length - i);
            int t = x[i];
            x[i] = x[j];
            x[j] = t;
            return x[i++];
        }
    }

    private static int indexOf(int[] a, int m, int v) {
        for (int i = 0; i < m; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }

    private static double[] toDouble(int[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    private static Picked done(int[] out, int n, int k, String why) {
        return new Picked(Arrays.copyOf(out, n), n < k ? why : null);
    }

    /** Seeds per sub-community, against the spread cap. */
    private static final class Cap {
        private final int[] group;
        private final int cap;
        private final java.util.Map<Integer, Integer> taken = new java.util.HashMap<>();

        Cap(Pool p) {
            this.group = p.group();
            this.cap = p.cap();
        }

        boolean open(int v) {
            return group == null || group[v] < 0 || taken.getOrDefault(group[v], 0) < cap;
        }

        boolean take(int v) {
            if (!open(v)) {
                return false;
            }
            if (group != null && group[v] >= 0) {
                taken.merge(group[v], 1, Integer::sum);
            }
            return true;
        }
    }
}
