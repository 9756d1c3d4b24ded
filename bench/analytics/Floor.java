import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;

/**
 * The GDS floor: what Neo4j and Graph Data Science alone take for the work of an analytics run on the graph the
 * service holds, with no Circles code in between. On the same in-process Neo4j (over its Bolt port), with the run's
 * default settings: a native undirected projection of every Contact and TIE with its strength, weighted PageRank,
 * betweenness (on a graph of its own, projected as a run projects it, {@link #SOURCES}, and written by GDS; sampled
 * as a run samples it beyond 10,000 contacts), degree and strength, Leiden with intermediate levels, then every score
 * and the community levels written back to the nodes as node properties (under names of their own, so the service's
 * properties stay as they are), and the projections dropped. Each step is timed.
 *
 * <p>Then two accuracy checks, which a run's settings rest on:
 * <ul>
 *   <li>PageRank to a tolerance: for each tolerance, the iterations GDS ran, its time, and how its ranking compares
 *       with a converged one (tolerance 1e-12, up to 500 iterations): overlap of the top 20, 100 and 1000, and the
 *       largest rank displacement within the exact top 100;</li>
 *   <li>sampled betweenness (only when the graph has at most {@code --exact-betweenness-max} contacts, 20,000 by
 *       default, because exact betweenness is quadratic): for each sampling size, its time and the overlap of its top
 *       100 with exact betweenness's top 100, on betweenness' graph as a run projects it and on a native one, which
 *       numbers contacts in the order they were created (GDS samples its sources among the first nodes), and how many
 *       of each top 100 are among the oldest tenth of the contacts (about 10 when the sources come from the whole
 *       network).</li>
 * </ul>
 * Prints one JSON object. Usage:
 * {@code java -cp <service lib/main jars> Floor.java bolt://127.0.0.1:PORT [--concurrency 1] [--sampling 200]}
 */
public class Floor {

    /**
     * Betweenness' own graph in a run (health.circles.analytics.AlgorithmGraph.SOURCES, with ActiveTie's rule on the
     * store's day when some tie has ended by then, without it otherwise), its name filled in: kept the same as the
     * service's. {@code $part} of {@code $parts}: a sampled run's parts start the contacts' order at their share of the
     * way along (part 0 of 1 is the whole order).
     */
    static final String SOURCES = """
            CALL () {
                MATCH (c:Contact)
                WITH c ORDER BY reverse(c.id)
                WITH collect(c) AS contacts
                WITH contacts, size(contacts) * $part / $parts AS first
                UNWIND contacts[first..] + contacts[..first] AS c
                RETURN c AS source, null AS target
                UNION ALL
                MATCH (c:Contact)-[t:TIE]->(o:Contact) %s
                RETURN c AS source, o AS target
            }
            WITH gds.graph.project('%s', source, target, {relationshipType: 'TIE'},
                    {undirectedRelationshipTypes: ['TIE']}) AS g
            RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships""";

    public static void main(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "1"));
        int sampling = Integer.parseInt(options.getOrDefault("sampling", "200"));
        long exactBetweennessMax = Long.parseLong(options.getOrDefault("exact-betweenness-max", "20000"));
        Map<String, Object> out = new LinkedHashMap<>();
        try (Driver driver = GraphDatabase.driver(args[0], AuthTokens.none()); Session s = driver.session()) {
            s.run("CALL gds.graph.drop('floor', false) YIELD graphName RETURN graphName").consume();
            Map<String, Long> ms = new LinkedHashMap<>();
            long t = System.nanoTime();
            Record p = s.run("""
                    CALL gds.graph.project('floor', 'Contact', {TIE: {orientation: 'UNDIRECTED', properties: 'strength'}})
                    YIELD nodeCount AS nodes, relationshipCount AS relationships
                    RETURN nodes, relationships""").single();
            ms.put("project", since(t));
            long nodes = p.get("nodes").asLong();
            out.put("nodes", nodes);
            out.put("relationships_undirected", p.get("relationships").asLong() / 2);

            t = System.nanoTime();
            Record pr = s.run("CALL gds.pageRank.mutate('floor', $c) YIELD ranIterations RETURN ranIterations",
                    Map.of("c", Map.of("mutateProperty", "floorPagerank", "relationshipWeightProperty", "strength",
                            "dampingFactor", 0.85, "maxIterations", 40, "tolerance", 1e-7,
                            "concurrency", concurrency))).single();
            ms.put("pagerank", since(t));
            out.put("pagerank_iterations", pr.get("ranIterations").asLong());

            Map<String, Object> betweenness = new HashMap<>(Map.of("writeProperty", "floorBetweenness",
                    "concurrency", concurrency, "writeConcurrency", concurrency));
            if (nodes > 10_000) {
                betweenness.put("samplingSize", (long) sampling);
                betweenness.put("samplingSeed", 42L);
            }
            t = System.nanoTime();
            s.run("CALL gds.graph.drop('floor-sources', false) YIELD graphName RETURN graphName").consume();
            // As a run does: the ties' ends are read only when some tie has ended by the store's day.
            boolean ended = s.run("RETURN EXISTS { MATCH ()-[t:TIE]->() WHERE t.until <= date() } AS ended").single()
                    .get("ended").asBoolean();
            s.run(SOURCES.formatted(ended ? "WHERE (t.until IS NULL OR t.until > date())" : "", "floor-sources"),
                    Map.of("part", 0, "parts", 1)).consume();
            s.run("CALL gds.betweenness.write('floor-sources', $c) YIELD nodePropertiesWritten "
                    + "RETURN nodePropertiesWritten", Map.of("c", betweenness)).consume();
            ms.put("betweenness", since(t));

            t = System.nanoTime();
            s.run("CALL gds.degree.mutate('floor', $c) YIELD nodePropertiesWritten RETURN nodePropertiesWritten",
                    Map.of("c", Map.of("mutateProperty", "floorDegree", "concurrency", concurrency))).consume();
            s.run("CALL gds.degree.mutate('floor', $c) YIELD nodePropertiesWritten RETURN nodePropertiesWritten",
                    Map.of("c", Map.of("mutateProperty", "floorStrength", "relationshipWeightProperty", "strength",
                            "concurrency", concurrency))).consume();
            ms.put("degree", since(t));

            t = System.nanoTime();
            Record leiden = s.run("""
                    CALL gds.leiden.mutate('floor', $c) YIELD modularity, communityCount, ranLevels
                    RETURN modularity, communityCount, ranLevels""",
                    Map.of("c", Map.of("mutateProperty", "floorLevels", "relationshipWeightProperty", "strength",
                            "includeIntermediateCommunities", true, "maxLevels", 10, "tolerance", 0.0001,
                            "gamma", 1.0, "randomSeed", 42L, "concurrency", concurrency))).single();
            ms.put("communities", since(t));
            out.put("modularity", leiden.get("modularity").asDouble());
            out.put("levels", leiden.get("ranLevels").asLong());

            t = System.nanoTime();
            s.run("""
                    CALL gds.graph.nodeProperties.write('floor', $properties, ['*'], $c)
                    YIELD propertiesWritten RETURN propertiesWritten""",
                    Map.of("properties", List.of("floorPagerank", "floorDegree", "floorStrength", "floorLevels"),
                            "c", Map.of("concurrency", concurrency, "writeConcurrency", concurrency))).consume();
            ms.put("write_back", since(t));

            out.put("pagerank_tolerance", pageRankStability(s, concurrency));
            if (nodes <= exactBetweennessMax) {
                out.put("betweenness_sampling", betweennessAccuracy(s, concurrency));
            }

            t = System.nanoTime();
            s.run("CALL gds.graph.drop('floor') YIELD graphName RETURN graphName").consume();
            s.run("CALL gds.graph.drop('floor-sources') YIELD graphName RETURN graphName").consume();
            ms.put("drop", since(t));
            long total = ms.values().stream().mapToLong(Long::longValue).sum();
            ms.put("total", total);
            out.put("timings_ms", ms);
        }
        System.out.println(json(out));
    }

    /** PageRank at several tolerances against a converged ranking. */
    private static List<Map<String, Object>> pageRankStability(Session s, int concurrency) {
        int[] exact = pageRankOrder(s, 1e-12, 500, concurrency, new LinkedHashMap<>());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (double tolerance : new double[] {1e-2, 1e-3, 1e-4, 1e-5, 1e-7}) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("tolerance", tolerance);
            int[] order = pageRankOrder(s, tolerance, 500, concurrency, row);
            row.put("top20_overlap", overlap(exact, order, 20));
            row.put("top100_overlap", overlap(exact, order, 100));
            row.put("top1000_overlap", overlap(exact, order, 1000));
            row.put("top100_max_displacement", maxDisplacement(exact, order, 100));
            rows.add(row);
        }
        return rows;
    }

    /** Node ids by descending PageRank (ties by id), streamed; records iterations and time in {@code row}. */
    private static int[] pageRankOrder(Session s, double tolerance, int maxIterations, int concurrency,
                                       Map<String, Object> row) {
        long t = System.nanoTime();
        Record stats = s.run("CALL gds.pageRank.stats('floor', $c) YIELD ranIterations, didConverge "
                        + "RETURN ranIterations, didConverge",
                Map.of("c", Map.of("relationshipWeightProperty", "strength", "dampingFactor", 0.85,
                        "maxIterations", maxIterations, "tolerance", tolerance, "concurrency", concurrency))).single();
        row.put("ms", since(t));
        row.put("iterations", stats.get("ranIterations").asLong());
        row.put("converged", stats.get("didConverge").asBoolean());
        return s.run("""
                        CALL gds.pageRank.stream('floor', $c) YIELD nodeId, score
                        RETURN nodeId ORDER BY score DESC, nodeId LIMIT 1000""",
                        Map.of("c", Map.of("relationshipWeightProperty", "strength", "dampingFactor", 0.85,
                                "maxIterations", maxIterations, "tolerance", tolerance, "concurrency", concurrency)))
                .list(r -> r.get("nodeId").asInt()).stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Exact betweenness against sampled betweenness at several sampling sizes: top-100 overlap, on betweenness' graph
     * as a run projects it and on a native one (contacts numbered as created), both against exact betweenness (the same
     * on either).
     */
    private static List<Map<String, Object>> betweennessAccuracy(Session s, int concurrency) {
        s.run("CALL gds.graph.drop('floor-native', false) YIELD graphName RETURN graphName").consume();
        s.run("""
                CALL gds.graph.project('floor-native', 'Contact', {TIE: {orientation: 'UNDIRECTED'}},
                                       {readConcurrency: 1})
                YIELD nodeCount RETURN nodeCount""").consume();
        // A run's second part of betweenness (circles.analytics.betweenness.sample-parts = 2): its own graph.
        boolean ended = s.run("RETURN EXISTS { MATCH ()-[t:TIE]->() WHERE t.until <= date() } AS ended").single()
                .get("ended").asBoolean();
        s.run("CALL gds.graph.drop('floor-sources-1', false) YIELD graphName RETURN graphName").consume();
        s.run(SOURCES.formatted(ended ? "WHERE (t.until IS NULL OR t.until > date())" : "", "floor-sources-1"),
                Map.of("part", 1, "parts", 2)).consume();
        try {
            // The oldest tenth of the contacts: the store numbers nodes as they are created.
            List<Integer> created = s.run("MATCH (c:Contact) RETURN id(c) AS n ORDER BY n")
                    .list(r -> r.get("n").asInt());
            Set<Integer> oldest = new HashSet<>(created.subList(0, created.size() / 10));
            long t = System.nanoTime();
            int[] exact = betweennessOrder(s, "floor-sources", Map.of("concurrency", concurrency));
            List<Map<String, Object>> rows = new ArrayList<>();
            rows.add(Map.of("sampling", "exact", "ms", since(t), "top100_in_oldest_tenth", among(exact, oldest)));
            for (long size : new long[] {100, 200, 500, 1000, 2000}) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("sampling", size);
                t = System.nanoTime();
                Map<String, Object> config = Map.of("concurrency", concurrency, "samplingSize", size,
                        "samplingSeed", 42L);
                int[] order = betweennessOrder(s, "floor-sources", config);
                row.put("ms", since(t));
                row.put("top100_overlap", overlap(exact, order, 100));
                row.put("top20_overlap", overlap(exact, order, 20));
                int[] nativeOrder = betweennessOrder(s, "floor-native", config);
                row.put("native_top100_overlap", overlap(exact, nativeOrder, 100));
                row.put("native_top20_overlap", overlap(exact, nativeOrder, 20));
                row.put("top100_in_oldest_tenth", among(order, oldest));
                row.put("native_top100_in_oldest_tenth", among(nativeOrder, oldest));
                // As a run samples it in two parts: half the sources on each part's graph, the scores summed.
                int[] parts = twoPartsOrder(s, size, concurrency);
                row.put("two_parts_top100_overlap", overlap(exact, parts, 100));
                row.put("two_parts_top20_overlap", overlap(exact, parts, 20));
                row.put("two_parts_top100_in_oldest_tenth", among(parts, oldest));
                rows.add(row);
            }
            return rows;
        } finally {
            s.run("CALL gds.graph.drop('floor-native', false) YIELD graphName RETURN graphName").consume();
            s.run("CALL gds.graph.drop('floor-sources-1', false) YIELD graphName RETURN graphName").consume();
        }
    }

    /**
     * Sampled betweenness in two parts, as a run computes it: the first half of the sources (one more when odd) on
     * 'floor-sources', the rest on 'floor-sources-1', each score the sum of the two; the top 100 as
     * {@link #betweennessOrder} orders them.
     */
    private static int[] twoPartsOrder(Session s, long size, int concurrency) {
        Map<Integer, Double> sum = new HashMap<>();
        String[] graphs = {"floor-sources", "floor-sources-1"};
        for (int part = 0; part < 2; part++) {
            long share = size / 2 + (part < size % 2 ? 1 : 0);
            s.run("CALL gds.betweenness.stream($graph, $c) YIELD nodeId, score RETURN nodeId, score",
                    Map.of("graph", graphs[part], "c", Map.of("concurrency", concurrency, "samplingSize", share,
                            "samplingSeed", 42L)))
                    .forEachRemaining(r -> sum.merge(r.get("nodeId").asInt(), r.get("score").asDouble(), Double::sum));
        }
        return sum.entrySet().stream()
                .sorted(Map.Entry.<Integer, Double>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(100).mapToInt(Map.Entry::getKey).toArray();
    }

    /** Neo4j's node ids (the same in both projections) by descending betweenness, ties by id: the top 100. */
    private static int[] betweennessOrder(Session s, String graph, Map<String, Object> config) {
        return s.run("""
                        CALL gds.betweenness.stream($graph, $c) YIELD nodeId, score
                        RETURN nodeId ORDER BY score DESC, nodeId LIMIT 100""", Map.of("graph", graph, "c", config))
                .list(r -> r.get("nodeId").asInt()).stream().mapToInt(Integer::intValue).toArray();
    }

    /** How many of the nodes are in the set. */
    private static long among(int[] nodes, Set<Integer> set) {
        return Arrays.stream(nodes).filter(set::contains).count();
    }

    private static double overlap(int[] a, int[] b, int k) {
        int n = Math.min(k, Math.min(a.length, b.length));
        Set<Integer> top = Arrays.stream(a, 0, n).boxed().collect(Collectors.toSet());
        long shared = Arrays.stream(b, 0, n).filter(top::contains).count();
        return n == 0 ? 1.0 : (double) shared / n;
    }

    /** The largest |rank in b − rank in a| over a's first k (a node missing from b's list counts as b's length). */
    private static int maxDisplacement(int[] a, int[] b, int k) {
        Map<Integer, Integer> rankInB = new HashMap<>();
        for (int i = 0; i < b.length; i++) {
            rankInB.put(b[i], i);
        }
        int worst = 0;
        for (int i = 0; i < Math.min(k, a.length); i++) {
            worst = Math.max(worst, Math.abs(rankInB.getOrDefault(a[i], b.length) - i));
        }
        return worst;
    }

    private static long since(long t) {
        return (System.nanoTime() - t) / 1_000_000;
    }

    private static String json(Object value) {
        if (value instanceof Map<?, ?> m) {
            return m.entrySet().stream().map(e -> "\"" + e.getKey() + "\": " + json(e.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        if (value instanceof List<?> l) {
            return l.stream().map(Floor::json).collect(Collectors.joining(", ", "[", "]"));
        }
        if (value instanceof String str) {
            return "\"" + str + "\"";
        }
        return String.valueOf(value);
    }
}
