package health.circles.analytics;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
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

    /** Shares keep nine decimals, so that the order ties are summed in cannot tell two runs apart. */
    private static final MathContext DOUBLE_DIGITS = new MathContext(15);

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
            f.summarise(level, gamma);
            f.overlap(level, adjacency, overlapShare);
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

    /** Mutable totals of one community at one level. */
    private static final class Totals {
        int size;
        long internalTies;
        double internalStrength;
        double externalStrength;
        final Map<String, Integer> kinds = new TreeMap<>();
        final Map<Long, Integer> parents = new HashMap<>();
    }

    /**
     * Sizes, kind mixes, internal and external strength and links of a level's communities. Modularity contribution
     * of a community c is in_c / W − γ · (vol_c / 2W)², with W the total strength and vol_c = 2·in_c + out_c: summed
     * over the level it is the level's modularity.
     */
    private void summarise(int level, double gamma) {
        Map<Long, Totals> totals = new HashMap<>();
        for (int i = 0; i < contacts.length; i++) {
            Totals t = totals.computeIfAbsent(ids[i][level], k -> new Totals());
            t.size++;
            t.kinds.merge(kinds[i], 1, Integer::sum);
            if (level > 0) {
                t.parents.merge(ids[i][level - 1], 1, Integer::sum);
            }
        }
        Map<List<Long>, double[]> between = new HashMap<>();
        double total = 0;
        for (int t = 0; t < ties.from().length; t++) {
            long a = ids[ties.from()[t]][level];
            long b = ids[ties.to()[t]][level];
            double w = ties.strength()[t];
            total += w;
            if (a == b) {
                Totals inside = totals.get(a);
                inside.internalTies++;
                inside.internalStrength += w;
            } else {
                totals.get(a).externalStrength += w;
                totals.get(b).externalStrength += w;
                double[] link = between.computeIfAbsent(List.of(Math.min(a, b), Math.max(a, b)), k -> new double[2]);
                link[0]++;
                link[1] += w;
            }
        }
        for (Map.Entry<Long, Totals> e : totals.entrySet()) {
            Totals t = e.getValue();
            double density = t.size > 1 ? t.internalTies / (t.size * (t.size - 1) / 2.0) : 0;
            double contribution = total == 0 ? 0 : t.internalStrength / total
                    - gamma * Math.pow((2 * t.internalStrength + t.externalStrength) / (2 * total), 2);
            communities.add(new Community(e.getKey(), level, level == 0 ? null : mostCommon(t.parents), t.size,
                    t.internalTies, t.internalStrength, t.externalStrength, density, contribution, t.kinds));
        }
        between.forEach((pair, link) -> links.add(new Link(level, pair.get(0), pair.get(1), (long) link[0], link[1])));
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
     * or above {@code threshold} becomes a secondary membership.
     */
    private void overlap(int level, int[][] adjacency, double threshold) {
        Map<Long, Double> weights = new HashMap<>();
        for (int i = 0; i < contacts.length; i++) {
            weights.clear();
            double sum = 0;
            for (int t : adjacency[i]) {
                int other = ties.from()[t] == i ? ties.to()[t] : ties.from()[t];
                double w = ties.strength()[t];
                weights.merge(ids[other][level], w, Double::sum);
                sum += w;
            }
            long own = ids[i][level];
            Double ownWeight = weights.get(own);
            memberships.add(new Membership(i, level, own, true, ownWeight == null ? null : share(ownWeight, sum)));
            for (Map.Entry<Long, Double> e : weights.entrySet()) {
                if (e.getKey() != own && sum > 0) {
                    double share = share(e.getValue(), sum);
                    if (share >= threshold) {
                        memberships.add(new Membership(i, level, e.getKey(), false, share));
                        secondary++;
                    }
                }
            }
        }
    }

    /** {@code w / sum} to nine decimals; 0 when the contact's ties have no strength at all. */
    private static double share(double w, double sum) {
        if (sum == 0) {
            return 0;
        }
        return new BigDecimal(w / sum, DOUBLE_DIGITS).setScale(9, RoundingMode.HALF_UP).doubleValue();
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
            if (byScore != 0) {
                return byScore;
            }
            int high = Long.compareUnsigned(contacts[x].getMostSignificantBits(), contacts[y].getMostSignificantBits());
            return high != 0 ? high
                    : Long.compareUnsigned(contacts[x].getLeastSignificantBits(), contacts[y].getLeastSignificantBits());
        });
        int[] ranks = new int[contacts.length];
        for (int r = 0; r < order.length; r++) {
            ranks[order[r]] = r + 1;
        }
        return ranks;
    }
}
