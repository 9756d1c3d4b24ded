package health.circles.analytics;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * Gives the communities of a run public ids that survive from run to run: a community takes over the id of the
 * previous run's community at the same level whose members it shares most (Jaccard similarity at or above a
 * threshold, best pairs first, each old id used once); every other community gets a new id. GDS's own ids are
 * arbitrary labels that change whenever the graph does, so they never leave the run.
 */
@ApplicationScoped
public class CommunityIdentity {

    /** Public id per node (same order as the nodes), and how many communities kept an old id. */
    record Assignment(long[] ids, int communities, int nonSingletons, int kept) {
    }

    Assignment assign(List<AlgorithmGraph.NodeResult> nodes, long[] raw, Map<UUID, Long> before,
                      Map<Long, Integer> beforeSizes, double threshold, IntFunction<long[]> newIds) {
        Map<Long, Integer> sizes = new HashMap<>();
        Map<Long, Map<Long, Integer>> overlaps = new HashMap<>();
        for (int i = 0; i < raw.length; i++) {
            sizes.merge(raw[i], 1, Integer::sum);
            Long old = before.get(UUID.fromString(nodes.get(i).id()));
            if (old != null) {
                overlaps.computeIfAbsent(raw[i], k -> new HashMap<>()).merge(old, 1, Integer::sum);
            }
        }
        record Pair(long raw, long old, double jaccard, int shared) {
        }
        List<Pair> candidates = new ArrayList<>();
        overlaps.forEach((community, shared) -> shared.forEach((old, n) -> {
            int oldSize = beforeSizes.getOrDefault(old, n);
            double jaccard = n / (double) (sizes.get(community) + oldSize - n);
            if (jaccard >= threshold) {
                candidates.add(new Pair(community, old, jaccard, n));
            }
        }));
        // Best matches first; ties broken by ids so that the outcome does not depend on hash order.
        candidates.sort((a, b) -> a.jaccard() != b.jaccard() ? Double.compare(b.jaccard(), a.jaccard())
                : a.shared() != b.shared() ? Integer.compare(b.shared(), a.shared())
                : a.old() != b.old() ? Long.compare(a.old(), b.old()) : Long.compare(a.raw(), b.raw()));
        Map<Long, Long> publicOf = new HashMap<>();
        Set<Long> used = new HashSet<>();
        for (Pair p : candidates) {
            if (!publicOf.containsKey(p.raw()) && used.add(p.old())) {
                publicOf.put(p.raw(), p.old());
            }
        }
        int kept = publicOf.size();
        // New ids in a fixed order (largest community first, then GDS's label) so that equal runs number equally.
        List<Long> fresh = sizes.keySet().stream().filter(k -> !publicOf.containsKey(k))
                .sorted((a, b) -> !sizes.get(a).equals(sizes.get(b)) ? Integer.compare(sizes.get(b), sizes.get(a))
                        : Long.compare(a, b))
                .toList();
        long[] allocated = newIds.apply(fresh.size());
        for (int i = 0; i < fresh.size(); i++) {
            publicOf.put(fresh.get(i), allocated[i]);
        }
        long[] ids = new long[raw.length];
        for (int i = 0; i < raw.length; i++) {
            ids[i] = publicOf.get(raw[i]);
        }
        int nonSingletons = (int) sizes.values().stream().filter(s -> s > 1).count();
        return new Assignment(ids, sizes.size(), nonSingletons, kept);
    }
}
