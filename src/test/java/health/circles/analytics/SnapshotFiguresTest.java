package health.circles.analytics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The snapshot's figures on graphs small enough to work out by hand: two triangles joined by one tie, at two levels
 * (one community over all six, and the two triangles).
 */
class SnapshotFiguresTest {

    private static final UUID[] CONTACTS = {
            UUID.fromString("00000000-0000-0000-0000-000000000001"),
            UUID.fromString("00000000-0000-0000-0000-000000000002"),
            UUID.fromString("00000000-0000-0000-0000-000000000003"),
            UUID.fromString("00000000-0000-0000-0000-000000000004"),
            UUID.fromString("00000000-0000-0000-0000-000000000005"),
            // above every other uuid for PostgreSQL, which compares bytes unsigned; below them for UUID.compareTo
            UUID.fromString("f0000000-0000-0000-0000-000000000006")};
    private static final String[] KINDS = {"PATIENT", "PATIENT", "CAREGIVER", "PATIENT", "NURSE", "NURSE"};
    /** Level 0: everyone in community 100; level 1: the triangles 11 (contacts 0-2) and 12 (contacts 3-5). */
    private static final long[][] IDS = {{100, 11}, {100, 11}, {100, 11}, {100, 12}, {100, 12}, {100, 12}};
    /** Triangle 0-1-2 of strength 1, triangle 3-4-5 of strength 0.5, and the bridge 2-3 of strength 0.25. */
    private static final SnapshotFigures.Ties TIES = new SnapshotFigures.Ties(
            new int[] {0, 1, 2, 3, 4, 5, 2}, new int[] {1, 2, 0, 4, 5, 3, 3},
            new double[] {1, 1, 1, 0.5, 0.5, 0.5, 0.25});

    private final SnapshotFigures figures = SnapshotFigures.compute(CONTACTS, KINDS, IDS, 2, TIES, 1.0, 0.05);

    private Map<Long, SnapshotFigures.Community> communities() {
        return figures.communities.stream().collect(Collectors.toMap(SnapshotFigures.Community::id,
                Function.identity()));
    }

    @Test
    void communitiesCountTheirMembersTiesAndStrength() {
        SnapshotFigures.Community left = communities().get(11L);
        assertEquals(3, left.size());
        assertEquals(3, left.internalTies());
        assertEquals(3.0, left.internalStrength(), 1e-12);
        assertEquals(0.25, left.externalStrength(), 1e-12);
        assertEquals(1.0, left.density(), 1e-12);
        assertEquals(Map.of("CAREGIVER", 1, "PATIENT", 2), left.kindMix());
        SnapshotFigures.Community all = communities().get(100L);
        assertEquals(6, all.size());
        assertEquals(7, all.internalTies());
        assertEquals(0.0, all.externalStrength(), 1e-12);
        assertEquals(7 / 15.0, all.density(), 1e-12);
    }

    @Test
    void contributionsAddUpToTheLevelsModularity() {
        double w = 4.75;
        double expected = (3 / w - Math.pow((6 + 0.25) / (2 * w), 2)) + (1.5 / w - Math.pow((3 + 0.25) / (2 * w), 2));
        double sum = figures.communities.stream().filter(c -> c.level() == 1)
                .mapToDouble(SnapshotFigures.Community::modularityContribution).sum();
        assertEquals(expected, sum, 1e-12);
        assertEquals(0.0, communities().get(100L).modularityContribution(), 1e-12, "one community: modularity 0");
    }

    @Test
    void linksJoinTheTwoTrianglesOnce() {
        assertEquals(1, figures.links.size());
        SnapshotFigures.Link link = figures.links.get(0);
        assertEquals(new SnapshotFigures.Link(1, 11, 12, 1, 0.25), link);
    }

    @Test
    void linksAreEveryTiedPairOnceWithItsTiesAndStrengthWhateverTheNumberOfCommunities() {
        // Level 0: 40 communities (a cell per pair); level 1: 1,500 (too many pairs for cells: a map entry a pair).
        int n = 3_000;
        java.util.Random random = new java.util.Random(5);
        UUID[] contacts = new UUID[n];
        String[] kinds = new String[n];
        long[][] ids = new long[n][];
        for (int i = 0; i < n; i++) {
            contacts[i] = new UUID(0, i + 1);
            kinds[i] = "PATIENT";
            ids[i] = new long[] {1_000 + i % 40, 10_000 + i % 1_500};
        }
        int m = 20_000;
        int[] from = new int[m];
        int[] to = new int[m];
        double[] strength = new double[m];
        for (int t = 0; t < m; t++) {
            from[t] = random.nextInt(n);
            to[t] = (from[t] + 1 + random.nextInt(n - 1)) % n;
            strength[t] = random.nextDouble();
        }
        SnapshotFigures.Ties ties = new SnapshotFigures.Ties(from, to, strength);
        SnapshotFigures f = SnapshotFigures.compute(contacts, kinds, ids, 2, ties, 1.0, 0.05);
        for (int level = 0; level < 2; level++) {
            Map<java.util.List<Long>, double[]> expected = new java.util.HashMap<>();
            for (int t = 0; t < m; t++) {
                long a = ids[from[t]][level];
                long b = ids[to[t]][level];
                if (a != b) {
                    double[] sum = expected.computeIfAbsent(java.util.List.of(Math.min(a, b), Math.max(a, b)),
                            k -> new double[2]);
                    sum[0]++;
                    sum[1] += strength[t];
                }
            }
            int l = level;
            Map<java.util.List<Long>, double[]> found = f.links.stream().filter(k -> k.level() == l)
                    .collect(Collectors.toMap(k -> java.util.List.of(k.a(), k.b()),
                            k -> new double[] {k.ties(), k.strength()}));
            assertEquals(expected.keySet(), found.keySet(), "the tied pairs of level " + level);
            expected.forEach((pair, sum) -> assertArrayEquals(sum, found.get(pair), 0, "pair " + pair));
        }
        assertEquals(f.links.size(), f.links.stream().map(k -> java.util.List.of(k.a(), k.b())).distinct().count());
    }

    @Test
    void parentsAreTheCommunityMostMembersShare() {
        assertEquals(100L, communities().get(11L).parent());
        assertNull(communities().get(100L).parent());
    }

    @Test
    void sharesOfTieStrengthMakeSecondaryMemberships() {
        // Contact 2 (index 2): strength 2 into its own triangle, 0.25 into the other: 8/9 and 1/9.
        SnapshotFigures.Membership own = figures.memberships.stream()
                .filter(m -> m.contact() == 2 && m.level() == 1 && m.primary()).findFirst().orElseThrow();
        assertEquals(0.888888889, own.share(), 0);
        SnapshotFigures.Membership other = figures.memberships.stream()
                .filter(m -> m.contact() == 2 && m.level() == 1 && !m.primary()).findFirst().orElseThrow();
        assertEquals(12L, other.community());
        assertEquals(0.111111111, other.share(), 0);
        // Contact 3: 1 of 1.25 at home, 0.25 of 1.25 across (0.2, above the threshold of 0.05).
        assertEquals(2, figures.secondary);
    }

    @Test
    void ranksPutTheHighestFirstAndEqualScoresInPostgresUuidOrder() {
        int[] ranks = figures.ranks(new double[] {0.1, 0.5, 0.5, 0.2, 0.0, 0.5});
        // 0.5 three times: contacts ...2, ...3, then f000...6 (unsigned order); then 0.2, 0.1, 0.0.
        assertArrayEquals(new int[] {5, 1, 2, 4, 6, 3}, ranks);
    }

    @Test
    void aContactWithoutTiesIntoItsCommunityHasNoShare() {
        SnapshotFigures lone = SnapshotFigures.compute(new UUID[] {CONTACTS[0], CONTACTS[1]},
                new String[] {"PATIENT", "PATIENT"}, new long[][] {{1}, {2}}, 1,
                new SnapshotFigures.Ties(new int[] {0}, new int[] {1}, new double[] {0.5}), 1.0, 0.25);
        SnapshotFigures.Membership own = lone.memberships.stream().filter(m -> m.contact() == 0 && m.primary())
                .findFirst().orElseThrow();
        assertNull(own.share());
        assertEquals(2, lone.secondary, "each holds all its strength in the other's community");
    }
}
