package health.circles.analytics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The figures of a run's snapshot, computed in memory from what the run found (each contact's scores and community
 * per level) and the active ties, in one pass over the ties per level: community sizes, internal and external
 * strength, density and modularity contribution, the links between communities, each contact's share of tie strength
 * per community (the overlapping memberships), parents across levels and ranks by each score. Arrays indexed by
 * contact, no object per tie: a graph of 100,000 contacts and 1,000,000 ties takes tens of megabytes and well under a
 * second, where the same aggregates as SQL joins over the tie table took most of a run.
 */
final class SnapshotFigures {

    /** One primary or secondary membership; {@code share} is null when the contact has no tie into the community. */
    record Membership(int contact, int level, long community, boolean primary, Double share) {
    }

    /** One community's summary; {@code parent} is null at level 0, the coarsest. */
    record Community(long id, int level, Long parent, int size, long internalTies, double internalStrength,
                     double externalStrength, double density, double modularityContribution,
                     Map<String, Integer> kindMix) {
    }

    /** Ties and strength between two communities of a level, {@code a < b}. */
    record Link(int level, long a, long b, long ties, double strength) {
    }

    /** The active ties between the snapshot's contacts, as indexes into its contacts. */
    record Ties(int[] from, int[] to, double[] strength) {
    }

    private final UUID[] contacts;
    private final String[] kinds;
    private final long[][] ids;
    private final int levels;
    private final Ties ties;

    final List<Membership> memberships = new ArrayList<>();
    final List<Community> communities = new ArrayList<>();
    final List<Link> links = new ArrayList<>();
    long secondary;

    /**
     * @param ids each contact's public community id per level, level 0 the coarsest
     */
    private SnapshotFigures(UUID[] contacts, String[] kinds, long[][] ids, int levels, Ties ties) {
        this.contacts = contacts;
        this.kinds = kinds;
        this.ids = ids;
        this.levels = levels;
        this.ties = ties;
    }

    /**
     * Computes every figure; {@code gamma} is the resolution modularity is measured at, {@code overlapShare} the share
     * of a contact's tie strength from which another community counts as a secondary membership.
     */
    static SnapshotFigures compute(UUID[] contacts, String[] kinds, long[][] ids, int levels, Ties ties, double gamma,
                                   double overlapShare) {
        SnapshotFigures f = new SnapshotFigures(contacts, kinds, ids, levels, ties);
        int[][] adjacency = f.adjacency();
        for (int level = 0; level < levels; level++) {
            Dense d = f.dense(level);
            f.summarise(level, d, gamma);
            f.overlap(level, d, adjacency, overlapShare);
        }
        return f;
    }

    /** Each contact's incident ties (indexes into the ties), both ends alike. */
    private int[][] adjacency() {
        int n = contacts.length;
        int[] degree = new int[n];
        for (int t = 0; t < ties.from().length; t++) {
            degree[ties.from()[t]]++;
            degree[ties.to()[t]]++;
        }
        int[][] out = new int[n][];
        for (int i = 0; i < n; i++) {
            out[i] = new int[degree[i]];
        }
        int[] filled = new int[n];
        for (int t = 0; t < ties.from().length; t++) {
            int a = ties.from()[t];
            int b = ties.to()[t];
            out[a][filled[a]++] = t;
            out[b][filled[b]++] = t;
        }
        return out;
    }

    /**
     * A level's communities numbered densely, 0 to {@code count − 1} in order of first appearance, so that the totals
     * are arrays: {@code of[contact]} is the contact's community, {@code ids[community]} its public id.
     */
    private record Dense(int[] of, long[] ids, int count) {
    }

    private Dense dense(int level) {
        Map<Long, Integer> index = new HashMap<>();
        int[] of = new int[contacts.length];
        long[] publicIds = new long[contacts.length];
        for (int i = 0; i < contacts.length; i++) {
            long id = ids[i][level];
            Integer known = index.get(id);
            if (known == null) {
                known = index.size();
                index.put(id, known);
                publicIds[known] = id;
            }
            of[i] = known;
        }
        return new Dense(of, Arrays.copyOf(publicIds, index.size()), index.size());
    }

    /**
     * Sizes, kind mixes, internal and external strength and links of a level's communities. Modularity contribution
     * of a community c is in_c / W − γ · (vol_c / 2W)², with W the total strength and vol_c = 2·in_c + out_c: summed
     * over the level it is the level's modularity. Links are keyed by the pair of dense numbers as one long.
     */
    private void summarise(int level, Dense d, double gamma) {
        int count = d.count();
        int[] size = new int[count];
        long[] internalTies = new long[count];
        double[] internalStrength = new double[count];
        double[] externalStrength = new double[count];
        List<Map<String, Integer>> kindMix = new ArrayList<>(count);
        List<Map<Long, Integer>> parents = new ArrayList<>(count);
        for (int c = 0; c < count; c++) {
            kindMix.add(new TreeMap<>());
            parents.add(new HashMap<>());
        }
        for (int i = 0; i < contacts.length; i++) {
            int c = d.of()[i];
            size[c]++;
            kindMix.get(c).merge(kinds[i], 1, Integer::sum);
            if (level > 0) {
                parents.get(c).merge(ids[i][level - 1], 1, Integer::sum);
            }
        }
        Between between = (long) count * count <= DENSE_PAIRS ? new DensePairs(count) : new SparsePairs();
        double total = 0;
        for (int t = 0; t < ties.from().length; t++) {
            int a = d.of()[ties.from()[t]];
            int b = d.of()[ties.to()[t]];
            double w = ties.strength()[t];
            total += w;
            if (a == b) {
                internalTies[a]++;
                internalStrength[a] += w;
            } else {
                externalStrength[a] += w;
                externalStrength[b] += w;
                between.add((long) Math.min(a, b) * count + Math.max(a, b), w);
            }
        }
        for (int c = 0; c < count; c++) {
            double density = size[c] > 1 ? internalTies[c] / (size[c] * (size[c] - 1) / 2.0) : 0;
            double contribution = total == 0 ? 0 : internalStrength[c] / total
                    - gamma * Math.pow((2 * internalStrength[c] + externalStrength[c]) / (2 * total), 2);
            communities.add(new Community(d.ids()[c], level, level == 0 ? null : mostCommon(parents.get(c)), size[c],
                    internalTies[c], internalStrength[c], externalStrength[c], density, contribution,
                    kindMix.get(c)));
        }
        between.forEach((pair, n, w) -> {
            long a = d.ids()[(int) (pair / count)];
            long b = d.ids()[(int) (pair % count)];
            links.add(new Link(level, Math.min(a, b), Math.max(a, b), n, w));
        });
    }

    /** Levels with at most this many pairs of communities sum their links in arrays (8 MB at most), not a map. */
    private static final long DENSE_PAIRS = 1 << 19;

    /**
     * Ties and strength summed per pair of a level's communities (keyed by dense numbers as {@code a · count + b}), in
     * the order the ties come, so both forms give the same sums to the last bit.
     */
    private interface Between {
        void add(long pair, double w);

        void forEach(PairSink sink);
    }

    private interface PairSink {
        void accept(long pair, long ties, double strength);
    }

    /** A cell per pair: at 100k / 1M, most pairs of a level's few hundred communities are tied (a million boxes). */
    private static final class DensePairs implements Between {
        private final long[] ties;
        private final double[] strength;

        DensePairs(int count) {
            ties = new long[count * count];
            strength = new double[count * count];
        }

        @Override
        public void add(long pair, double w) {
            ties[(int) pair]++;
            strength[(int) pair] += w;
        }

        @Override
        public void forEach(PairSink sink) {
            for (int pair = 0; pair < ties.length; pair++) {
                if (ties[pair] > 0) {
                    sink.accept(pair, ties[pair], strength[pair]);
                }
            }
        }
    }

    /** A map entry per tied pair, for levels with too many communities for a cell per pair. */
    private static final class SparsePairs implements Between {
        private final Map<Long, double[]> pairs = new HashMap<>();

        @Override
        public void add(long pair, double w) {
            double[] link = pairs.computeIfAbsent(pair, k -> new double[2]);
            link[0]++;
            link[1] += w;
        }

        @Override
        public void forEach(PairSink sink) {
            pairs.forEach((pair, link) -> sink.accept(pair, (long) link[0], link[1]));
        }
    }

    /** The parent most of a community's members share; the smallest id among equals. */
    private static Long mostCommon(Map<Long, Integer> parents) {
        return parents.entrySet().stream()
                .max((x, y) -> x.getValue().equals(y.getValue())
                        ? Long.compare(y.getKey(), x.getKey()) : Integer.compare(x.getValue(), y.getValue()))
                .map(Map.Entry::getKey).orElse(null);
    }

    /**
     * Overlapping membership at a level: the share of each contact's tie strength that each community holds. The own
     * community's share goes with the primary membership (null when no tie leads into it); every other community at
     * or above {@code threshold} becomes a secondary membership, in the order the contact's ties first reach them.
     */
    private void overlap(int level, Dense d, int[][] adjacency, double threshold) {
        double[] weight = new double[d.count()];
        int[] seenBy = new int[d.count()];
        Arrays.fill(seenBy, -1);
        int[] reached = new int[d.count()];
        for (int i = 0; i < contacts.length; i++) {
            int found = 0;
            double sum = 0;
            for (int t : adjacency[i]) {
                int other = ties.from()[t] == i ? ties.to()[t] : ties.from()[t];
                int c = d.of()[other];
                double w = ties.strength()[t];
                if (seenBy[c] != i) {
                    seenBy[c] = i;
                    weight[c] = 0;
                    reached[found++] = c;
                }
                weight[c] += w;
                sum += w;
            }
            int own = d.of()[i];
            Double ownShare = seenBy[own] == i ? share(weight[own], sum) : null;
            memberships.add(new Membership(i, level, d.ids()[own], true, ownShare));
            for (int r = 0; r < found; r++) {
                int c = reached[r];
                if (c != own && sum > 0) {
                    double share = share(weight[c], sum);
                    if (share >= threshold) {
                        memberships.add(new Membership(i, level, d.ids()[c], false, share));
                        secondary++;
                    }
                }
            }
        }
    }

    /**
     * {@code w / sum} to nine decimals, half up; 0 when the contact's ties have no strength at all. The share is first
     * rounded to 1e-15, so that the last bits a different order of summing leaves cannot move the ninth decimal.
     * Plain arithmetic (a share is in [0, 1], so both products stay far inside a double's exact integers): a run
     * rounds millions of shares.
     */
    static double share(double w, double sum) {
        if (sum == 0) {
            return 0;
        }
        double settled = Math.rint(w / sum * 1e15) / 1e15;
        return Math.floor(settled * 1e9 + 0.5) / 1e9;
    }

    /** Contact ids in the order PostgreSQL gives uuids (unsigned, byte by byte), which {@code UUID} does not. */
    static int compareIds(UUID x, UUID y) {
        int high = Long.compareUnsigned(x.getMostSignificantBits(), y.getMostSignificantBits());
        return high != 0 ? high : Long.compareUnsigned(x.getLeastSignificantBits(), y.getLeastSignificantBits());
    }

    /**
     * Ranks by a score: 1 for the highest, equal scores in the order of their contact ids as PostgreSQL orders uuids
     * (unsigned, byte by byte).
     */
    int[] ranks(double[] scores) {
        Integer[] order = new Integer[contacts.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> {
            int byScore = Double.compare(scores[y], scores[x]);
            return byScore != 0 ? byScore : compareIds(contacts[x], contacts[y]);
        });
        int[] ranks = new int[contacts.length];
        for (int r = 0; r < order.length; r++) {
            ranks[order[r]] = r + 1;
        }
        return ranks;
    }
}
