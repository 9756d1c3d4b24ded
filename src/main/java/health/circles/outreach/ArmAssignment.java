package health.circles.outreach;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Randomises communities to strategy arms, stratified by size: the communities sorted by size (largest first, ties by
 * id) form blocks of as many communities as there are arms, and within each block the arms are shuffled, so every
 * arm gets one community of each size stratum (the last block, when short, gives its few communities to arms drawn at
 * random). The arms are taken in their canonical order and the draws come from one generator seeded with the random
 * seed alone: the same communities, arms and seed give the same assignment.
 */
final class ArmAssignment {

    private ArmAssignment() {
    }

    /** A community to assign: its id and its size. */
    record Community(long id, int size) {
    }

    /** A community as assigned: its stratum (block) and its arm; {@code order} is its place by size. */
    record Assigned(long id, int size, int stratum, int order, SeedStrategy arm) {
    }

    static List<Assigned> assign(List<Community> communities, List<SeedStrategy> arms, long randomSeed) {
        if (arms.isEmpty()) {
            throw new IllegalArgumentException("no arms");
        }
        List<Community> sorted = new ArrayList<>(communities);
        sorted.sort(Comparator.comparingInt(Community::size).reversed().thenComparingLong(Community::id));
        List<SeedStrategy> canonical = arms.stream().distinct().sorted().toList();
        SplittableRandom random = new SplittableRandom(randomSeed);
        List<Assigned> out = new ArrayList<>(sorted.size());
        int width = canonical.size();
        for (int start = 0, stratum = 0; start < sorted.size(); start += width, stratum++) {
            SeedStrategy[] block = canonical.toArray(new SeedStrategy[0]);
            for (int i = block.length - 1; i > 0; i--) { // Fisher-Yates
                int j = random.nextInt(i + 1);
                SeedStrategy t = block[i];
                block[i] = block[j];
                block[j] = t;
            }
            for (int i = 0; i < width && start + i < sorted.size(); i++) {
                Community c = sorted.get(start + i);
                out.add(new Assigned(c.id(), c.size(), stratum, start + i, block[i]));
            }
        }
        return out;
    }
}
