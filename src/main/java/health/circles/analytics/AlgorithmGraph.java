package health.circles.analytics;

import health.circles.network.ActiveTie;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import jakarta.enterprise.context.ApplicationScoped;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.Value;

/**
 * The Graph Data Science side of a run: estimate, project, compute, write back, stream and drop. Every algorithm is
 * GDS's own; this class only builds their configurations (as maps) and runs parameterised Cypher.
 *
 * <p>Direction. All active ties are projected UNDIRECTED, directed types included, for every algorithm: Leiden
 * requires an undirected graph and Louvain's modularity is the undirected one; betweenness measures who sits on the
 * paths between groups, and a referral or a care relation carries word both ways; degree and strength count a
 * contact's ties whichever end it holds; and PageRank follows the same ties both ways because the direction of our
 * types names a role (a physician TREATS a patient, a person is a MEMBER_OF an organisation), not who listens to
 * whom, so a directed PageRank would pile authority on patients and organisations, the sinks of those roles.
 * Symmetric ties are stored once in Neo4j and become one undirected relationship; a directed tie and a symmetric
 * one between the same two contacts are two parallel relationships, each with its strength.
 *
 * <p>Betweenness is unweighted (hops): GDS reads a weight there as a distance, and strength is the opposite.
 */
@ApplicationScoped
public class AlgorithmGraph {

    static final String PAGERANK = "pagerank";
    static final String BETWEENNESS = "betweenness";
    static final String DEGREE = "degree";
    static final String STRENGTH = "strength";
    static final String LEVELS = "communityLevels";

    /**
     * Every contact and its active ties (ActiveTie, on the store's day), in one Cypher aggregation. The contacts come
     * first, ordered by their id read backwards, and GDS numbers a projection's nodes in the order it meets them. That
     * order is what sampled betweenness draws its sources from: GDS's sampler walks the nodes from the first and takes
     * each with a chance that grows with its degree until it has enough, so its sources are all among the first few
     * hundred nodes. A native projection numbers nodes in the store's order, which is the order contacts were created
     * (the first clinic imported, say), and the sample came from the oldest 1 % of the network. An id read backwards
     * starts with its random end (and a numbered id with its last digit), so the first nodes are spread over the whole
     * network, and the same contacts come first run after run. The order is also what makes Leiden's result the same
     * run after run: the aggregation reads on one thread. Missing strengths count 0.
     */
    static final String PROJECT = """
            CALL () {
                MATCH (c:Contact)
                RETURN c AS source, null AS target, null AS strength ORDER BY reverse(c.id)
                UNION ALL
                MATCH (c:Contact)-[t:TIE]->(o:Contact) WHERE %s
                RETURN c AS source, o AS target, coalesce(t.strength, 0.0) AS strength
            }
            WITH gds.graph.project($graph, source, target,
                    {relationshipType: 'TIE',
                     relationshipProperties: CASE WHEN target IS NULL THEN null ELSE {strength: strength} END},
                    {undirectedRelationshipTypes: ['TIE']}) AS g
            RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships"""
            .formatted(ActiveTie.ACTIVE_TODAY_CYPHER);

    private final Driver driver;

    AlgorithmGraph(Driver driver) {
        this.driver = driver;
    }

    /** A GDS memory estimate: the upper bound, in bytes, and GDS's own words for it. */
    record Estimate(long bytesMax, String requiredMemory) {
    }

    /** Estimate of the projection, from the database's own counts, before anything is loaded. */
    Estimate estimateProjection() {
        return estimate("""
                CALL gds.graph.project.estimate('Contact', {TIE: {orientation: 'UNDIRECTED', properties: 'strength'}})
                YIELD bytesMax, requiredMemory RETURN bytesMax, requiredMemory""", Map.of());
    }

    /**
     * Estimate of the algorithms' working memory on the projected graph: betweenness runs beside the others, which run
     * in turn, so a run holds betweenness' memory and the largest of the others' at once.
     */
    Estimate estimateAlgorithms(String graph, RunParameters p, long nodes) {
        List<Estimate> inTurn = new ArrayList<>();
        inTurn.add(estimate("CALL gds.pageRank.mutate.estimate($graph, $config) YIELD bytesMax, requiredMemory "
                + "RETURN bytesMax, requiredMemory", Map.of("graph", graph, "config", pageRankConfig(p))));
        String community = p.algorithm() == Algorithm.LEIDEN ? "gds.leiden" : "gds.louvain";
        inTurn.add(estimate("CALL " + community + ".mutate.estimate($graph, $config) YIELD bytesMax, requiredMemory "
                + "RETURN bytesMax, requiredMemory", Map.of("graph", graph, "config", communityConfig(p))));
        Estimate largest = inTurn.stream().max(java.util.Comparator.comparingLong(Estimate::bytesMax)).orElseThrow();
        Estimate betweenness = estimate("CALL gds.betweenness.mutate.estimate($graph, $config) "
                + "YIELD bytesMax, requiredMemory RETURN bytesMax, requiredMemory",
                Map.of("graph", graph, "config", betweennessConfig(p, nodes)));
        return new Estimate(betweenness.bytesMax() + largest.bytesMax(),
                betweenness.requiredMemory() + " (betweenness) + " + largest.requiredMemory());
    }

    /** The projection's size: contacts and undirected relationships (each tie counted once). */
    record Projected(long nodes, long ties) {
    }

    /** Projects every contact and its active ties ({@link #PROJECT}) into {@code graph}. */
    Projected project(String graph) {
        try (Session session = driver.session()) {
            Record r = session.run(PROJECT, Map.of("graph", graph)).single();
            return new Projected(r.get("nodes").asLong(), r.get("relationships").asLong() / 2);
        }
    }

    void pageRank(String graph, RunParameters p) {
        call("CALL gds.pageRank.mutate($graph, $config) YIELD nodePropertiesWritten RETURN nodePropertiesWritten",
                graph, pageRankConfig(p));
    }

    /** Exact betweenness up to the configured node count, sampled with a fixed seed beyond it; says which. */
    String betweenness(String graph, RunParameters p, long nodes) {
        Map<String, Object> config = betweennessConfig(p, nodes);
        call("CALL gds.betweenness.mutate($graph, $config) YIELD nodePropertiesWritten RETURN nodePropertiesWritten",
                graph, config);
        return config.containsKey("samplingSize") ? "SAMPLED " + config.get("samplingSize") : "EXACT";
    }

    void degrees(String graph, RunParameters p) {
        call("CALL gds.degree.mutate($graph, $config) YIELD nodePropertiesWritten RETURN nodePropertiesWritten",
                graph, Map.of("mutateProperty", DEGREE, "concurrency", p.concurrency()));
        call("CALL gds.degree.mutate($graph, $config) YIELD nodePropertiesWritten RETURN nodePropertiesWritten",
                graph, Map.of("mutateProperty", STRENGTH, "relationshipWeightProperty", "strength",
                        "concurrency", p.concurrency()));
    }

    /** What the community algorithm reported: modularity per level fine to coarse, as GDS orders them. */
    record Communities(double modularity, List<Double> modularitiesFineToCoarse, long communityCount, int levels) {
    }

    Communities communities(String graph, RunParameters p) {
        String procedure = p.algorithm() == Algorithm.LEIDEN ? "gds.leiden.mutate" : "gds.louvain.mutate";
        try (Session session = driver.session()) {
            Record r = session.run("CALL " + procedure + "($graph, $config) "
                            + "YIELD modularity, modularities, communityCount, ranLevels "
                            + "RETURN modularity, modularities, communityCount, ranLevels",
                    Map.of("graph", graph, "config", communityConfig(p))).single();
            return new Communities(r.get("modularity").asDouble(), r.get("modularities").asList(Value::asDouble),
                    r.get("communityCount").asLong(), r.get("ranLevels").asInt());
        }
    }

    /** GDS writes the scores to the Contact nodes; community ids follow once they are made stable. */
    void writeScores(String graph, RunParameters p) {
        try (Session session = driver.session()) {
            session.run("""
                    CALL gds.graph.nodeProperties.write($graph, $properties, ['*'], $config)
                    YIELD propertiesWritten RETURN propertiesWritten""",
                    Map.of("graph", graph, "properties", List.of(PAGERANK, BETWEENNESS, DEGREE, STRENGTH),
                            "config", Map.of("concurrency", p.concurrency(), "writeConcurrency", p.concurrency())))
                    .consume();
        }
    }

    /**
     * One contact's results as computed; {@code levels} fine to coarse, as GDS orders them. {@code written} is the
     * public community ids (coarse to fine) its node holds when streamed, null when it holds none or they disagree with
     * each other: what a run need not write again.
     */
    record NodeResult(String id, String kind, double pagerank, double betweenness, double degree, double strength,
                      long[] levels, long[] written) {
    }

    /**
     * Streams every projected contact with its scores and community per level: the levels from the projection, one
     * row a contact, and the scores as {@link #writeScores} has just written them to the contact's node (no grouping of
     * one row per property, which took seconds at 100k contacts).
     */
    void stream(String graph, Consumer<NodeResult> sink) {
        try (Session session = driver.session()) {
            session.run("""
                    CALL gds.graph.nodeProperty.stream($graph, $levels)
                    YIELD nodeId, propertyValue
                    WITH gds.util.asNode(nodeId) AS c, propertyValue AS levels
                    RETURN c.id AS id, c.kind AS kind, c[$pagerank] AS pagerank, c[$betweenness] AS betweenness,
                           c[$degree] AS degree, c[$strength] AS strength, levels,
                           c.community AS community, c.communityLevels AS written""",
                    Map.of("graph", graph, "levels", LEVELS, "pagerank", PAGERANK, "betweenness", BETWEENNESS,
                            "degree", DEGREE, "strength", STRENGTH))
                    .forEachRemaining(r -> sink.accept(nodeResult(r)));
        }
    }

    /**
     * Writes the public (stable) community ids: the coarsest as {@code community}, all of them coarse to fine. The
     * caller sends only the nodes whose ids differ from what they held when streamed; the statement checks again, so a
     * node changed since is written and an unchanged one is not.
     */
    void writeCommunities(List<Map<String, Object>> rows, int batchSize) {
        try (Session session = driver.session()) {
            for (int from = 0; from < rows.size(); from += batchSize) {
                List<Map<String, Object>> batch = rows.subList(from, Math.min(rows.size(), from + batchSize));
                session.executeWriteWithoutResult(tx -> tx.run("""
                        UNWIND $rows AS row
                        MATCH (c:Contact {id: row.id})
                        WHERE c.community IS NULL OR c.community <> row.community
                           OR c.communityLevels IS NULL OR c.communityLevels <> row.levels
                        SET c.community = row.community, c.communityLevels = row.levels""",
                        Map.of("rows", batch)).consume());
            }
        }
    }

    /** Drops the projection if it exists; called on every path out of a run. */
    void drop(String graph) {
        try (Session session = driver.session()) {
            session.run("CALL gds.graph.drop($graph, false) YIELD graphName RETURN graphName", Map.of("graph", graph))
                    .consume();
        }
    }

    boolean exists(String graph) {
        try (Session session = driver.session()) {
            return session.run("CALL gds.graph.exists($graph) YIELD exists RETURN exists", Map.of("graph", graph))
                    .single().get("exists").asBoolean();
        }
    }

    /**
     * The ids a node holds, coarse to fine; null when it holds none, holds something else than integers (written by
     * hand), or a community that is not its coarsest.
     */
    static long[] written(Value community, Value levels) {
        if (community.isNull() || levels.isNull()) {
            return null;
        }
        try {
            long[] ids = levels.asList(Value::asLong).stream().mapToLong(Long::longValue).toArray();
            return ids.length > 0 && ids[0] == community.asLong() ? ids : null;
        } catch (org.neo4j.driver.exceptions.value.ValueException e) {
            return null;
        }
    }

    private static NodeResult nodeResult(Record r) {
        Value levelsValue = r.get("levels");
        long[] levels;
        if ("INTEGER".equals(levelsValue.type().name())) {
            levels = new long[] {levelsValue.asLong()}; // a single level comes as a plain id
        } else {
            levels = levelsValue.asList(Value::asLong).stream().mapToLong(Long::longValue).toArray();
        }
        return new NodeResult(r.get("id").asString(), r.get("kind").isNull() ? "OTHER" : r.get("kind").asString(),
                r.get("pagerank").asDouble(), r.get("betweenness").asDouble(), r.get("degree").asDouble(),
                r.get("strength").asDouble(), levels, written(r.get("community"), r.get("written")));
    }

    private Map<String, Object> pageRankConfig(RunParameters p) {
        return Map.of("mutateProperty", PAGERANK, "relationshipWeightProperty", "strength",
                "dampingFactor", 0.85, "maxIterations", p.pageRankMaxIterations(), "tolerance", p.pageRankTolerance(),
                "concurrency", p.concurrency());
    }

    private Map<String, Object> betweennessConfig(RunParameters p, long nodes) {
        Map<String, Object> config = new HashMap<>();
        config.put("mutateProperty", BETWEENNESS);
        config.put("concurrency", p.betweennessConcurrency());
        if (nodes > p.betweennessExactMaxNodes()) {
            config.put("samplingSize", (long) Math.min(p.samplingSize(), nodes));
            config.put("samplingSeed", p.samplingSeed());
        }
        return config;
    }

    private Map<String, Object> communityConfig(RunParameters p) {
        Map<String, Object> config = new HashMap<>();
        config.put("mutateProperty", LEVELS);
        config.put("relationshipWeightProperty", "strength");
        config.put("includeIntermediateCommunities", true);
        config.put("maxLevels", p.maxLevels());
        config.put("tolerance", p.tolerance());
        config.put("concurrency", p.concurrency());
        if (p.algorithm() == Algorithm.LEIDEN) {
            config.put("gamma", p.resolution());
            config.put("randomSeed", p.randomSeed());
        }
        return config;
    }

    private Estimate estimate(String cypher, Map<String, Object> params) {
        try (Session session = driver.session()) {
            Record r = session.run(cypher, params).single();
            return new Estimate(r.get("bytesMax").asLong(), r.get("requiredMemory").asString());
        }
    }

    private void call(String cypher, String graph, Map<String, Object> config) {
        try (Session session = driver.session()) {
            session.run(cypher, Map.of("graph", graph, "config", config)).consume();
        }
    }
}
