package health.circles.analytics;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntBinaryOperator;

/**
 * What a community's detail ({@code GET /communities/{id}}) lists, computed with the run's snapshot from the figures it
 * already holds in memory: per community its members by PageRank, its bridging members (those with a secondary
 * membership at the community's level) by betweenness, its secondary members by share, how many secondary members it
 * has, and the communities it is most tied to. Computed on a read, the same lists took
 * 200 to 400 ms per community at 100k contacts (sorting every member of a large community, an EXISTS per member); here
 * they are one pass over the contacts in rank order and one over the secondary memberships and links, each keeping
 * only the best few per community.
 *
 * <p>Only ids and orders are kept: names, kinds, scores and shares are joined when read, so that a renamed contact
 * shows its new name, and an erased contact (whose scores and memberships erasure deletes, and whom it takes out of
 * these lists) is never shown. Each contact list keeps {@link #SPARE}
 * more than the detail shows, so that erasures before the next run still leave it full.
 */
final class CommunityDetails {

    /** Members by PageRank a detail shows. */
    static final int TOP = 10;
    /** Bridging members by betweenness a detail shows. */
    static final int BRIDGING = 5;
    /** Secondary members by share a detail shows. */
    static final int SECONDARY = 20;
    /** Communities it is most tied to that a detail shows. */
    static final int BRIDGES = 10;
    /** Members kept per list beyond those shown: what a list can lose to erasures and still show in full. */
    static final int SPARE = 5;

    /**
     * One community's lists: contacts as indexes into the snapshot's contacts, best first, each with {@link #SPARE}
     * more than shown; the bridges strongest first.
     */
    record Lists(int[] top, int[] bridging, int[] secondary, long secondaryCount, long[] bridges, long[] bridgeTies,
                 double[] bridgeStrengths) {
    }

    /** Each community's lists, by its public id. */
    final Map<Long, Lists> lists = new HashMap<>();

    private CommunityDetails() {
    }

    /**
     * @param ids each contact's public community id per level, level 0 the coarsest
     * @param pagerankRanks each contact's rank by PageRank (1 the highest), as stored with its scores
     * @param betweennessRanks the same by betweenness
     */
    static CommunityDetails compute(UUID[] contacts, long[][] ids, int levels, SnapshotFigures figures,
                                    int[] pagerankRanks, int[] betweennessRanks) {
        int count = figures.communities.size();
        Map<Long, Integer> dense = new HashMap<>(count * 2);
        for (SnapshotFigures.Community c : figures.communities) {
            dense.put(c.id(), dense.size());
        }
        int[][] of = new int[levels][contacts.length];
        for (int i = 0; i < contacts.length; i++) {
            for (int level = 0; level < levels; level++) {
                of[level][i] = dense.get(ids[i][level]);
            }
        }
        boolean[][] secondary = new boolean[levels][contacts.length];
        long[] secondaryCount = new long[count];
        List<SnapshotFigures.Membership> memberships = figures.memberships;
        Best[] shares = new Best[count];
        for (int x = 0; x < memberships.size(); x++) {
            SnapshotFigures.Membership m = memberships.get(x);
            if (!m.primary()) {
                secondary[m.level()][m.contact()] = true;
                int c = dense.get(m.community());
                secondaryCount[c]++;
                if (shares[c] == null) {
                    shares[c] = new Best(SECONDARY + SPARE, (p, q) -> {
                        int byShare = Double.compare(memberships.get(q).share(), memberships.get(p).share());
                        return byShare != 0 ? byShare : SnapshotFigures.compareIds(
                                contacts[memberships.get(p).contact()], contacts[memberships.get(q).contact()]);
                    });
                }
                shares[c].offer(x);
            }
        }
        int[][] top = inRankOrder(TOP + SPARE, count, of, pagerankRanks, null);
        int[][] bridging = inRankOrder(BRIDGING + SPARE, count, of, betweennessRanks, secondary);
        List<SnapshotFigures.Link> links = figures.links;
        Best[] bridges = new Best[count];
        for (int x = 0; x < links.size(); x++) {
            SnapshotFigures.Link l = links.get(x);
            bridge(bridges, dense.get(l.a()), l.a(), x, links);
            bridge(bridges, dense.get(l.b()), l.b(), x, links);
        }
        CommunityDetails d = new CommunityDetails();
        for (int c = 0; c < count; c++) {
            long id = figures.communities.get(c).id();
            int[] shared = shares[c] == null ? new int[0] : shares[c].sorted();
            int[] secondaries = new int[shared.length];
            for (int k = 0; k < shared.length; k++) {
                secondaries[k] = memberships.get(shared[k]).contact();
            }
            int[] linked = bridges[c] == null ? new int[0] : bridges[c].sorted();
            long[] others = new long[linked.length];
            long[] ties = new long[linked.length];
            double[] strengths = new double[linked.length];
            for (int k = 0; k < linked.length; k++) {
                SnapshotFigures.Link l = links.get(linked[k]);
                others[k] = l.a() == id ? l.b() : l.a();
                ties[k] = l.ties();
                strengths[k] = l.strength();
            }
            d.lists.put(id, new Lists(top[c] == null ? new int[0] : top[c], bridging[c] == null ? new int[0]
                    : bridging[c], secondaries, secondaryCount[c], others, ties, strengths));
        }
        return d;
    }

    /** Offers link {@code x} to community {@code c} (public id {@code id}): strongest first, then the other's id. */
    private static void bridge(Best[] bridges, int c, long id, int x, List<SnapshotFigures.Link> links) {
        if (bridges[c] == null) {
            bridges[c] = new Best(BRIDGES, (p, q) -> {
                SnapshotFigures.Link lp = links.get(p);
                SnapshotFigures.Link lq = links.get(q);
                int byStrength = Double.compare(lq.strength(), lp.strength());
                return byStrength != 0 ? byStrength
                        : Long.compare(lp.a() == id ? lp.b() : lp.a(), lq.a() == id ? lq.b() : lq.a());
            });
        }
        bridges[c].offer(x);
    }

    /**
     * Each community's first {@code kept} primary members in the order of {@code ranks}, at every level at once; with
     * {@code only}, those of them marked at the community's level.
     */
    private static int[][] inRankOrder(int kept, int count, int[][] of, int[] ranks, boolean[][] only) {
        int[] byRank = new int[ranks.length];
        for (int i = 0; i < ranks.length; i++) {
            byRank[ranks[i] - 1] = i;
        }
        int[][] lists = new int[count][];
        int[] listed = new int[count];
        for (int i : byRank) {
            for (int level = 0; level < of.length; level++) {
                if (only != null && !only[level][i]) {
                    continue;
                }
                int c = of[level][i];
                if (listed[c] < kept) {
                    if (lists[c] == null) {
                        lists[c] = new int[kept];
                    }
                    lists[c][listed[c]++] = i;
                }
            }
        }
        for (int c = 0; c < count; c++) {
            if (lists[c] != null) {
                lists[c] = Arrays.copyOf(lists[c], listed[c]);
            }
        }
        return lists;
    }

    /**
     * The best {@code k} of the items offered (ints) by an order, the best first: a sorted array that most offers
     * leave at one comparison with its last.
     */
    private static final class Best {
        private final int[] kept;
        private final IntBinaryOperator order;
        private int size;

        Best(int k, IntBinaryOperator order) {
            this.kept = new int[k];
            this.order = order;
        }

        void offer(int item) {
            if (size == kept.length && order.applyAsInt(item, kept[size - 1]) >= 0) {
                return;
            }
            int at = size == kept.length ? size - 1 : size++;
            while (at > 0 && order.applyAsInt(item, kept[at - 1]) < 0) {
                kept[at] = kept[at - 1];
                at--;
            }
            kept[at] = item;
        }

        int[] sorted() {
            return Arrays.copyOf(kept, size);
        }
    }
}
