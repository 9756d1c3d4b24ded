package health.circles.analytics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.UUID;

/**
 * What a community's detail ({@code GET /communities/{id}}) lists, computed with the run's snapshot from the figures it
 * already holds in memory: per community its members by PageRank, its bridging members (those with a secondary
 * membership at the community's level) by betweenness, its secondary members by share with their primary community,
 * how many secondary members it has, and the communities it is most tied to. Computed on a read, the same lists took
 * 200 to 400 ms per community at 100k contacts (sorting every member of a large community, an EXISTS per member); here
 * they are one pass over the contacts in rank order and one over the secondary memberships and links, each keeping
 * only the best few per community.
 *
 * <p>Only ids and orders are kept: names, kinds and scores are joined when read, so that a renamed contact shows its
 * new name, and an erased contact (whose rows erasure deletes) is never shown. Each contact list keeps {@link #SPARE}
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

    /** The lists, as stored ({@code analytics_community_member.list}). */
    enum Kind {
        TOP("top", CommunityDetails.TOP), BRIDGING("bridging", CommunityDetails.BRIDGING),
        SECONDARY("secondary", CommunityDetails.SECONDARY);

        final String stored;
        final int shown;

        Kind(String stored, int shown) {
            this.stored = stored;
            this.shown = shown;
        }

        int kept() {
            return shown + SPARE;
        }
    }

    /**
     * One contact in one list of a community, at {@code position} (from 0); {@code share} and {@code primaryCommunity}
     * for secondary members only.
     */
    record Entry(long community, Kind kind, int position, int contact, Double share, Long primaryCommunity) {
    }

    /** A community's secondary member count and the communities it is most tied to, strongest first. */
    record Summary(long secondaryCount, List<Bridge> bridges) {
    }

    /** Ties from a community to another of its level. */
    record Bridge(long other, long ties, double strength) {
    }

    final List<Entry> entries = new ArrayList<>();
    final Map<Long, Summary> summaries = new HashMap<>();

    private CommunityDetails() {
    }

    /**
     * @param ids each contact's public community id per level, level 0 the coarsest
     * @param pagerankRanks each contact's rank by PageRank (1 the highest), as stored with its scores
     * @param betweennessRanks the same by betweenness
     */
    static CommunityDetails compute(UUID[] contacts, long[][] ids, int levels, SnapshotFigures figures,
                                    int[] pagerankRanks, int[] betweennessRanks) {
        CommunityDetails d = new CommunityDetails();
        boolean[][] secondary = new boolean[levels][contacts.length];
        Map<Long, Best<SnapshotFigures.Membership>> shares = new HashMap<>();
        Map<Long, long[]> counts = new HashMap<>();
        Comparator<SnapshotFigures.Membership> byShare = Comparator
                .comparingDouble((SnapshotFigures.Membership m) -> -m.share())
                .thenComparing((x, y) -> SnapshotFigures.compareIds(contacts[x.contact()], contacts[y.contact()]));
        for (SnapshotFigures.Membership m : figures.memberships) {
            if (!m.primary()) {
                secondary[m.level()][m.contact()] = true;
                counts.computeIfAbsent(m.community(), k -> new long[1])[0]++;
                shares.computeIfAbsent(m.community(), k -> new Best<>(Kind.SECONDARY.kept(), byShare)).offer(m);
            }
        }
        d.inRankOrder(Kind.TOP, ids, levels, pagerankRanks, null);
        d.inRankOrder(Kind.BRIDGING, ids, levels, betweennessRanks, secondary);
        shares.forEach((community, best) -> {
            List<SnapshotFigures.Membership> found = best.sorted();
            for (int p = 0; p < found.size(); p++) {
                SnapshotFigures.Membership m = found.get(p);
                d.entries.add(new Entry(community, Kind.SECONDARY, p, m.contact(), m.share(),
                        ids[m.contact()][m.level()]));
            }
        });
        Map<Long, Best<Bridge>> bridges = new HashMap<>();
        Comparator<Bridge> byStrength = Comparator.comparingDouble((Bridge b) -> -b.strength())
                .thenComparingLong(Bridge::other);
        for (SnapshotFigures.Link l : figures.links) {
            bridges.computeIfAbsent(l.a(), k -> new Best<>(BRIDGES, byStrength))
                    .offer(new Bridge(l.b(), l.ties(), l.strength()));
            bridges.computeIfAbsent(l.b(), k -> new Best<>(BRIDGES, byStrength))
                    .offer(new Bridge(l.a(), l.ties(), l.strength()));
        }
        for (SnapshotFigures.Community c : figures.communities) {
            long[] count = counts.get(c.id());
            Best<Bridge> best = bridges.get(c.id());
            d.summaries.put(c.id(), new Summary(count == null ? 0 : count[0],
                    best == null ? List.of() : best.sorted()));
        }
        return d;
    }

    /**
     * Each community's first primary members in the order of {@code ranks}, at every level at once; with
     * {@code only}, those of them marked at the community's level.
     */
    private void inRankOrder(Kind kind, long[][] ids, int levels, int[] ranks, boolean[][] only) {
        int[] byRank = new int[ranks.length];
        for (int i = 0; i < ranks.length; i++) {
            byRank[ranks[i] - 1] = i;
        }
        Map<Long, int[]> listed = new HashMap<>();
        for (int i : byRank) {
            for (int level = 0; level < levels; level++) {
                if (only != null && !only[level][i]) {
                    continue;
                }
                long community = ids[i][level];
                int[] n = listed.computeIfAbsent(community, k -> new int[1]);
                if (n[0] < kind.kept()) {
                    entries.add(new Entry(community, kind, n[0]++, i, null, null));
                }
            }
        }
    }

    /** The best {@code k} of what is offered by an order (the first of the order the best), without sorting all. */
    private static final class Best<T> {
        private final int k;
        private final Comparator<T> order;
        private final PriorityQueue<T> kept;

        Best(int k, Comparator<T> order) {
            this.k = k;
            this.order = order;
            this.kept = new PriorityQueue<>(order.reversed());
        }

        void offer(T value) {
            if (kept.size() < k) {
                kept.add(value);
            } else if (order.compare(value, kept.peek()) < 0) {
                kept.poll();
                kept.add(value);
            }
        }

        List<T> sorted() {
            List<T> out = new ArrayList<>(kept);
            out.sort(order);
            return out;
        }
    }
}
