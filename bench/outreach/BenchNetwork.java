package health.circles.outreach;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A network written by generate.py (contacts.csv, consent.csv, ties.csv) as the service's {@link InfluenceGraph}, with
 * the seeding problem the offline programs pose on it: the whole network as target, EMAIL consent GRANTED and not
 * do-not-contact as candidates. Shared by StrategyBench and SeedTiming; compile it with them.
 */
record BenchNetwork(InfluenceGraph graph, boolean[] candidate, boolean[] inTarget, int[] target, int candidates) {

    static BenchNetwork read(Path work) throws IOException {
        Map<String, String> kind = new HashMap<>();
        Set<String> dnc = new HashSet<>();
        rows(work.resolve("contacts.csv"), r -> {
            kind.put(r.get("id"), r.get("kind"));
            if ("true".equals(r.get("do_not_contact"))) {
                dnc.add(r.get("id"));
            }
        });
        Set<String> granted = new HashSet<>();
        rows(work.resolve("consent.csv"), r -> {
            if ("EMAIL".equals(r.get("channel")) && "GRANTED".equals(r.get("status"))) {
                granted.add(r.get("contact_id"));
            }
        });
        UUID[] ids = kind.keySet().stream().map(UUID::fromString).sorted().toArray(UUID[]::new);
        Map<UUID, Integer> node = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            node.put(ids[i], i);
        }
        List<int[]> arcs = new ArrayList<>();
        List<Float> strength = new ArrayList<>();
        int[] degree = new int[ids.length];
        long[] ties = {0};
        rows(work.resolve("ties.csv"), r -> {
            int a = node.get(UUID.fromString(r.get("from_id")));
            int b = node.get(UUID.fromString(r.get("to_id")));
            float s = Float.parseFloat(r.get("strength"));
            InfluenceModel.Flow flow = InfluenceModel.flow(r.get("type"));
            if (flow != InfluenceModel.Flow.BACKWARD) {
                arcs.add(new int[] {a, b});
                strength.add(s);
            }
            if (flow != InfluenceModel.Flow.FORWARD) {
                arcs.add(new int[] {b, a});
                strength.add(s);
            }
            degree[a]++;
            degree[b]++;
            ties[0]++;
        });
        int m = arcs.size();
        int[] from = new int[m];
        int[] to = new int[m];
        float[] str = new float[m];
        for (int i = 0; i < m; i++) {
            from[i] = arcs.get(i)[0];
            to[i] = arcs.get(i)[1];
            str[i] = strength.get(i);
        }
        InfluenceGraph g = new InfluenceGraph(ids, from, to, str, m, degree, ties[0],
                new InfluenceGraph.GraphVersion(0, null, LocalDate.now()), Instant.now(), 0);
        boolean[] candidate = new boolean[g.n];
        boolean[] inTarget = new boolean[g.n];
        int[] target = new int[g.n];
        int candidates = 0;
        for (int v = 0; v < g.n; v++) {
            String id = g.id(v).toString();
            candidate[v] = granted.contains(id) && !dnc.contains(id);
            candidates += candidate[v] ? 1 : 0;
            inTarget[v] = true;
            target[v] = v;
        }
        return new BenchNetwork(g, candidate, inTarget, target, candidates);
    }

    private interface RowSink {
        void accept(Map<String, String> row);
    }

    /** A CSV written by generate.py (no quoted commas in the columns read here). */
    private static void rows(Path file, RowSink sink) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file)) {
            String[] header = in.readLine().split(",");
            Map<String, String> row = new HashMap<>();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] f = line.split(",", -1);
                row.clear();
                for (int i = 0; i < header.length && i < f.length; i++) {
                    row.put(header[i], f[i]);
                }
                sink.accept(row);
            }
        }
    }
}
