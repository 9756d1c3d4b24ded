package health.circles.analytics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Independent measures of a partition, for checking what the service reports. */
final class Partitions {

    private Partitions() {
    }

    /** Normalised mutual information 2·I(X;Y) / (H(X) + H(Y)) of two labelings of the same items. */
    static double nmi(List<String> truth, List<Long> found) {
        int n = truth.size();
        Map<String, Integer> a = new HashMap<>();
        Map<Long, Integer> b = new HashMap<>();
        Map<String, Integer> joint = new HashMap<>();
        for (int i = 0; i < n; i++) {
            a.merge(truth.get(i), 1, Integer::sum);
            b.merge(found.get(i), 1, Integer::sum);
            joint.merge(truth.get(i) + "\u0000" + found.get(i), 1, Integer::sum);
        }
        double mutual = 0;
        for (Map.Entry<String, Integer> cell : joint.entrySet()) {
            String[] parts = cell.getKey().split("\u0000");
            double pxy = cell.getValue() / (double) n;
            double px = a.get(parts[0]) / (double) n;
            double py = b.get(Long.parseLong(parts[1])) / (double) n;
            mutual += pxy * Math.log(pxy / (px * py));
        }
        double ha = entropy(a.values(), n);
        double hb = entropy(b.values(), n);
        return ha + hb == 0 ? 1 : 2 * mutual / (ha + hb);
    }

    private static double entropy(java.util.Collection<Integer> counts, int n) {
        double h = 0;
        for (int c : counts) {
            double p = c / (double) n;
            h -= p * Math.log(p);
        }
        return h;
    }

    /** An undirected weighted tie. */
    record Tie(String a, String b, double weight) {
    }

    /** Newman's modularity of a partition of an undirected weighted graph: Σ_c in_c/W − (vol_c / 2W)². */
    static double modularity(List<Tie> ties, Map<String, Long> community) {
        double total = 0;
        Map<Long, Double> inside = new HashMap<>();
        Map<Long, Double> volume = new HashMap<>();
        for (Tie t : ties) {
            Long ca = community.get(t.a());
            Long cb = community.get(t.b());
            if (ca == null || cb == null) {
                continue;
            }
            total += t.weight();
            volume.merge(ca, t.weight(), Double::sum);
            volume.merge(cb, t.weight(), Double::sum);
            if (ca.equals(cb)) {
                inside.merge(ca, t.weight(), Double::sum);
            }
        }
        double q = 0;
        for (Map.Entry<Long, Double> v : volume.entrySet()) {
            double in = inside.getOrDefault(v.getKey(), 0.0);
            q += in / total - Math.pow(v.getValue() / (2 * total), 2);
        }
        return q;
    }
}
