package health.circles.outreach;

import health.circles.sync.GraphVersion;
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
        // As the service reads them: each tie under the contact it leaves, with its type's flow and its strength.
        Map<UUID, List<Tie>> out = new HashMap<>();
        rows(work.resolve("ties.csv"), r -> out.computeIfAbsent(UUID.fromString(r.get("from_id")), k -> new ArrayList<>())
                .add(new Tie(UUID.fromString(r.get("to_id")), InfluenceModel.flow(r.get("type")),
                        Float.parseFloat(r.get("strength")))));
        Map<UUID, StoredTies.Out> read = new HashMap<>();
        for (UUID id : ids) {
            List<Tie> mine = out.getOrDefault(id, List.of());
            UUID[] ends = new UUID[mine.size()];
            byte[] flows = new byte[mine.size()];
            float[] strengths = new float[mine.size()];
            for (int i = 0; i < ends.length; i++) {
                ends[i] = mine.get(i).to();
                flows[i] = (byte) mine.get(i).flow().ordinal();
                strengths[i] = mine.get(i).strength();
            }
            read.put(id, new StoredTies.Out(ends, flows, strengths));
        }
        InfluenceGraph g = StoredTies.EMPTY.with(ids, read).graph(new GraphVersion(0, null, LocalDate.now()),
                Instant.now(), 0, InfluenceGraph.Read.FULL, 0);
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

    /** A tie as ties.csv gives it, under the contact it leaves. */
    private record Tie(UUID to, InfluenceModel.Flow flow, float strength) {
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
