package health.circles.outreach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Stratified randomisation of communities to arms: balanced by size, and reproducible from its seed alone. */
class ArmAssignmentTest {

    private static final List<SeedStrategy> ARMS = List.of(SeedStrategy.NOMINATED_FRIEND, SeedStrategy.DEGREE,
            SeedStrategy.RANDOM);

    @Test
    void everyBlockOfSimilarSizeGivesEachArmOneCommunity() {
        List<ArmAssignment.Community> communities = communities(12);
        List<ArmAssignment.Assigned> assigned = ArmAssignment.assign(communities, ARMS, 7);
        assertEquals(12, assigned.size());
        for (int stratum = 0; stratum < 4; stratum++) {
            int s = stratum;
            List<ArmAssignment.Assigned> block = assigned.stream().filter(a -> a.stratum() == s).toList();
            assertEquals(Set.copyOf(ARMS), new HashSet<>(block.stream().map(ArmAssignment.Assigned::arm).toList()));
            // The block holds the next three by size: stratum 0 the three largest.
            int largest = 120 - 10 * 3 * s;
            assertEquals(Set.of(largest, largest - 10, largest - 20),
                    new HashSet<>(block.stream().map(ArmAssignment.Assigned::size).toList()));
        }
    }

    @Test
    void theSameCommunitiesArmsAndSeedGiveTheSameAssignmentInWhateverOrderTheyCome() {
        List<ArmAssignment.Community> communities = communities(12);
        Map<Long, SeedStrategy> first = arms(ArmAssignment.assign(communities, ARMS, 42));
        List<ArmAssignment.Community> shuffled = new ArrayList<>(communities);
        Collections.shuffle(shuffled, new Random(3));
        List<SeedStrategy> arms = new ArrayList<>(ARMS);
        Collections.reverse(arms);
        assertEquals(first, arms(ArmAssignment.assign(shuffled, arms, 42)));
        // Another seed, another assignment (for these inputs: the draws differ in the first block already).
        assertNotEquals(first, arms(ArmAssignment.assign(communities, ARMS, 43)));
    }

    @Test
    void aShortLastBlockGoesToArmsDrawnAtRandom() {
        List<ArmAssignment.Assigned> assigned = ArmAssignment.assign(communities(7), ARMS, 11);
        Map<SeedStrategy, Integer> counts = new EnumMap<>(SeedStrategy.class);
        assigned.forEach(a -> counts.merge(a.arm(), 1, Integer::sum));
        assertEquals(7, assigned.size());
        assertEquals(List.of(2, 2, 3), counts.values().stream().sorted().toList());
        assertEquals(2, assigned.get(6).stratum());
        assertEquals(10, assigned.get(6).size(), "the smallest is alone in the last block");
    }

    @Test
    void equalSizesAreOrderedById() {
        List<ArmAssignment.Community> same = List.of(new ArmAssignment.Community(9, 5),
                new ArmAssignment.Community(3, 5), new ArmAssignment.Community(6, 5));
        assertEquals(List.of(3L, 6L, 9L), ArmAssignment.assign(same, ARMS, 1).stream()
                .map(ArmAssignment.Assigned::id).toList());
    }

    /** Communities 1..n of sizes 10, 20, … 10n. */
    private static List<ArmAssignment.Community> communities(int n) {
        List<ArmAssignment.Community> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(new ArmAssignment.Community(i, 10 * i));
        }
        return out;
    }

    private static Map<Long, SeedStrategy> arms(List<ArmAssignment.Assigned> assigned) {
        Map<Long, SeedStrategy> out = new java.util.TreeMap<>();
        assigned.forEach(a -> out.put(a.id(), a.arm()));
        return out;
    }
}
