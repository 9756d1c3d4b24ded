package health.circles.analytics;

import health.circles.network.ActiveTie;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;
import jakarta.enterprise.context.ApplicationScoped;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.Transaction;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.Value;
import org.neo4j.driver.types.IsoDuration;

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

    // The store's day (as the active-tie rule reads it: Neo4j's date()), as an epoch day, and whether any tie in the
    // graph ended by then: the index tie_until holds only ties that have an end, so this reads those alone.
    private static final String ENDED = """
            WITH date() AS today
            RETURN %2$s AS today,
                   EXISTS { MATCH ()-[t:TIE]->() WHERE t.until <= today } AS ended,
                   EXISTS { MATCH ()-[t:TIE]->() WHERE t.until IS NOT NULL AND t.%1$s IS NULL } AS unnumbered"""
            .formatted(ActiveTie.UNTIL_DAY, ActiveTie.EPOCH_DAY_CYPHER.formatted("today"));

    // Ties written before untilDay existed get it (through the same index), in batches of their own.
    private static final String NUMBER_UNTIL = """
            MATCH ()-[t:TIE]->() WHERE t.until IS NOT NULL AND t.%1$s IS NULL
            CALL (t) { SET t.%1$s = %2$s } IN TRANSACTIONS OF 10000 ROWS"""
            .formatted(ActiveTie.UNTIL_DAY, ActiveTie.EPOCH_DAY_CYPHER.formatted("t.until"));

    // Every contact and every tie, natively: a Cypher projection of the same graph took 2-3 times as long. Missing
    // strengths count 0, as before. Read with the run's concurrency: GDS numbers the nodes in the order its readers
    // meet them, and at 1 that order, hence the communities found, is the same run after run.
    private static final String PROJECT = """
            CALL gds.graph.project($graph, 'Contact', {TIE: {orientation: 'UNDIRECTED', properties: $properties}},
                                   {readConcurrency: $concurrency})
            YIELD nodeCount, relationshipCount RETURN nodeCount AS nodes, relationshipCount AS relationships""";

    // The active ties only (ActiveTie: no until, or one after today), from a projection that holds them all.
    private static final String ACTIVE = """
            CALL gds.graph.filter($graph, $all, '*', 'r.%s > $today',
                                  {parameters: {today: $today}, concurrency: $concurrency})
            YIELD nodeCount, relationshipCount RETURN nodeCount AS nodes, relationshipCount AS relationships"""
            .formatted(ActiveTie.UNTIL_DAY);

    /**
     * The graph betweenness runs on: every contact and its active ties (ActiveTie, on the store's day), without
     * strengths (betweenness counts hops), in one Cypher aggregation that reads the contacts first, ordered by their id
     * read backwards. GDS's sampled betweenness takes its sources among a projection's first nodes: it walks them from
     * the first, taking each with a chance that grows with its degree, until it has enough, so 200 sources come from the
     * first thousand or so. A native projection numbers nodes in the store's order, the order contacts were created,
     * and the sources all came from the oldest 1 % of the network (the first clinic imported, say). GDS numbers an
     * aggregation's nodes in the order it meets them; an id read backwards starts with its random end (a numbered id
     * with its last digit), so the first nodes are spread over the whole network, the same ones every run. The other
     * algorithms keep the native projection and its order, on which Leiden was measured and tested.
     *
     * <p>A sample in parts ({@link #betweennessParts}): part {@code $part} of {@code $parts} starts that order at its
     * share of the way along and wraps round, so that each part's sources are taken among other contacts (part 0 is
     * the order itself). Parameters: {@code $graph}, {@code $part}, {@code $parts}.
     *
     * <p>The ties are read without their ends' labels: a TIE only ever joins two contacts (TieGraph creates it between
     * two :Contact nodes, rebuild and reconcile create ties through TieGraph too, and a contact's node is deleted with
     * its ties; the sync's reads of ties, ElementGraph, rely on it as well). Checking both ends' labels, two million node reads at 100k / 1M,
     * made the read about half as long again (1.7-1.9 s against 1.1-1.3 s alone, the same graph and the same
     * betweenness; bench/RESULTS.md, issue 17, forty-fourth session).
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
                MATCH (c)-[t:TIE]->(o) %s
                RETURN c AS source, o AS target
            }
            WITH gds.graph.project($graph, source, target, {relationshipType: 'TIE'},
                    {undirectedRelationshipTypes: ['TIE']}) AS g
            RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships""";

    /** {@link #SOURCES} of the active ties, when some tie has ended by the store's day. */
    static final String SOURCES_ACTIVE = SOURCES.formatted("WHERE " + ActiveTie.ACTIVE_TODAY_CYPHER);

    /**
     * {@link #SOURCES} of every tie, when none has ended by the store's day (as {@link #project} then projects
     * natively): no tie's end is read, which took a third of the aggregation's time at 100k / 1M (2.6 s against 1.8).
     */
    static final String SOURCES_ALL = SOURCES.formatted("");

    /** Betweenness to the contacts' nodes by id ({@code $rows}: id, betweenness); nodes holding it already untouched. */
    private static final String WRITE_BETWEENNESS = """
            UNWIND $rows AS row
            MATCH (c:Contact {id: row.id})
            WHERE c.%1$s IS NULL OR c.%1$s <> row.betweenness
            SET c.%1$s = row.betweenness""".formatted(BETWEENNESS);

    /** A tie without an end, as {@link #ACTIVE} compares it: after every day. */
    private static final double NO_END = Double.MAX_VALUE;

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

    /** Estimate of betweenness' own graph ({@link #SOURCES}): every contact and tie, without properties. */
    Estimate estimateSources() {
        return estimate("""
                CALL gds.graph.project.estimate('Contact', {TIE: {orientation: 'UNDIRECTED'}})
                YIELD bytesMax, requiredMemory RETURN bytesMax, requiredMemory""", Map.of());
    }

    /**
     * Estimate of the algorithms' working memory on the projected graph: betweenness runs beside the others, which run
     * in turn, on a graph of its own ({@link #SOURCES}) for each of its parts ({@link #betweennessParts}), so a run
     * holds those graphs, each part's betweenness memory and the largest of the others' at once; {@code sources} is one
     * such graph's estimate ({@link #estimateSources}).
     */
    Estimate estimateAlgorithms(String graph, RunParameters p, long nodes, Estimate sources) {
        List<Estimate> inTurn = new ArrayList<>();
        inTurn.add(estimate("CALL gds.pageRank.mutate.estimate($graph, $config) YIELD bytesMax, requiredMemory "
                + "RETURN bytesMax, requiredMemory", Map.of("graph", graph, "config", pageRankConfig(p))));
        String community = p.algorithm() == Algorithm.LEIDEN ? "gds.leiden" : "gds.louvain";
        inTurn.add(estimate("CALL " + community + ".mutate.estimate($graph, $config) YIELD bytesMax, requiredMemory "
                + "RETURN bytesMax, requiredMemory", Map.of("graph", graph, "config", communityConfig(p))));
        Estimate largest = inTurn.stream().max(java.util.Comparator.comparingLong(Estimate::bytesMax)).orElseThrow();
        int parts = betweennessParts(p, nodes);
        Estimate betweenness = estimate("CALL gds.betweenness.mutate.estimate($graph, $config) "
                + "YIELD bytesMax, requiredMemory RETURN bytesMax, requiredMemory",
                Map.of("graph", graph, "config", betweennessConfig(p, nodes, 0, parts)));
        return new Estimate(parts * (sources.bytesMax() + betweenness.bytesMax()) + largest.bytesMax(),
                parts + " x (" + sources.requiredMemory() + " (betweenness' graph) + " + betweenness.requiredMemory()
                        + " (betweenness)) + " + largest.requiredMemory());
    }

    /** The projection's size: contacts and undirected relationships (each tie counted once). */
    record Projected(long nodes, long ties) {
    }

    /**
     * Projects every contact and its active ties. When no tie has ended by the store's day, that is the whole graph,
     * projected natively. Otherwise the whole graph is projected with each tie's end as a number and filtered to the
     * ties open today into {@code graph}; the projection of them all is dropped at once (for that moment both are held,
     * the filtered one no larger than the other).
     */
    Projected project(String graph, RunParameters p) {
        try (Session session = driver.session()) {
            Record day = session.run(ENDED).single();
            if (day.get("unnumbered").asBoolean()) {
                session.run(NUMBER_UNTIL).consume();
            }
            Map<String, Object> strength = Map.of("defaultValue", 0.0);
            Record r;
            if (!day.get("ended").asBoolean()) {
                r = session.run(PROJECT, Map.of("graph", graph, "properties", Map.of(STRENGTH, strength),
                        "concurrency", p.concurrency())).single();
            } else {
                String all = graph + "-all";
                session.run(PROJECT, Map.of("graph", all, "properties", Map.of(STRENGTH, strength,
                        ActiveTie.UNTIL_DAY, Map.of("defaultValue", NO_END)), "concurrency", p.concurrency())).consume();
                try {
                    r = session.run(ACTIVE, Map.of("graph", graph, "all", all, "today", day.get("today").asDouble(),
                            "concurrency", p.concurrency())).single();
                } finally {
                    drop(all);
                }
            }
            return new Projected(r.get("nodes").asLong(), r.get("relationships").asLong() / 2);
        }
    }

    /**
     * Generates a graph of {@code nodes} contacts with {@code averageDegree} undirected ties each on average, strengths
     * as a run projects them, in GDS's catalog only: nothing of it is in the store. Like a contact network, and unlike
     * a uniformly random graph, it is made of circles: contacts fall into groups of 20 to 400, and most of a contact's
     * ties stay inside its own, so that the community algorithm meets what it meets on a real network (several
     * levels, moves and refinements); on a random power-law graph it took other branches, and the first run after a
     * start recompiled its inner loops (bench/RESULTS.md, issue 17). The same graph for the same {@code seed}.
     * Whoever calls this drops it on every way out ({@link #drop}).
     */
    void generate(String graph, int nodes, int averageDegree, long seed) {
        try (Session session = driver.session()) {
            session.run("""
                    UNWIND $ties AS tie
                    WITH gds.graph.project($graph, tie[0], tie[1],
                            {relationshipType: 'TIE', relationshipProperties: {strength: tie[2]}},
                            {undirectedRelationshipTypes: ['TIE']}) AS g
                    RETURN g.nodeCount AS nodes""",
                    Map.of("graph", graph, "ties", clusteredTies(nodes, averageDegree, seed))).consume();
        }
    }

    /** Share of a generated contact's ties that leave its group. */
    private static final double BRIDGING = 0.15;

    /**
     * {@link #generate}'s ties: [from, to, strength], none from a contact to itself; a pair drawn twice is two ties, as
     * two ties between the same contacts are in a run's projection.
     */
    static List<List<Object>> clusteredTies(int nodes, int averageDegree, long seed) {
        Random random = new Random(seed);
        int[] groupStart = new int[nodes];
        int[] groupSize = new int[nodes];
        for (int first = 0; first < nodes; ) {
            int size = Math.min(nodes - first, 20 + random.nextInt(381));
            for (int i = first; i < first + size; i++) {
                groupStart[i] = first;
                groupSize[i] = size;
            }
            first += size;
        }
        long count = (long) nodes * averageDegree / 2;
        List<List<Object>> ties = new ArrayList<>((int) count);
        for (long t = 0; t < count; t++) {
            int from = random.nextInt(nodes);
            int to = random.nextDouble() < BRIDGING || groupSize[from] == 1
                    ? random.nextInt(nodes)
                    : groupStart[from] + random.nextInt(groupSize[from]);
            if (to != from) {
                ties.add(List.of(from, to, 0.1 + 0.9 * random.nextDouble()));
            }
        }
        return ties;
    }

    void pageRank(String graph, RunParameters p) {
        call("CALL gds.pageRank.mutate($graph, $config) YIELD nodePropertiesWritten RETURN nodePropertiesWritten",
                graph, pageRankConfig(p));
    }

    /**
     * Projects betweenness' own graph ({@link #SOURCES}) for part {@code part} of {@code parts} under the name
     * {@link #sourcesOf(String, int)} of the run's {@code graph}; returns the milliseconds it took. A run projects the
     * first part's beside its native projection: each is one reader on one core. Whoever calls this drops the graph
     * on every way out ({@link #drop}).
     */
    long projectSources(String graph, int part, int parts) {
        long started = System.nanoTime();
        try (Session session = driver.session()) {
            boolean ended = session.run(ENDED).single().get("ended").asBoolean();
            session.run(ended ? SOURCES_ACTIVE : SOURCES_ALL, sourcesParameters(sourcesOf(graph, part), part, parts))
                    .consume();
        }
        return (System.nanoTime() - started) / 1_000_000;
    }

    /** Betweenness' whole graph ({@link #SOURCES}, one part of one) for the run's {@code graph}. */
    long projectSources(String graph) {
        return projectSources(graph, 0, 1);
    }

    /** The parameters of {@link #SOURCES}: the graph's name and which part of how many it is for. */
    static Map<String, Object> sourcesParameters(String name, int part, int parts) {
        return Map.of("graph", name, "part", part, "parts", parts);
    }

    /** The name of betweenness' own graph for the run's {@code graph} (its first part's). */
    static String sourcesOf(String graph) {
        return sourcesOf(graph, 0);
    }

    /** The name of betweenness' graph for part {@code part} of the run's {@code graph}. */
    static String sourcesOf(String graph, int part) {
        return part == 0 ? graph + "-sources" : graph + "-sources-" + part;
    }

    /**
     * In how many parts betweenness is computed: one when it is exact (every contact a source), otherwise the
     * configured number (circles.analytics.betweenness.sample-parts), at most one a source. Each part is a sampled
     * betweenness of its share of the sources, on a graph of its own ordered so that it takes other sources
     * ({@link #SOURCES}), at concurrency 1, on a thread of its own; a contact's betweenness is the sum of its parts'
     * (GDS's sampled betweenness is the sum over its sources, unscaled). Each part's result is GDS's own at
     * concurrency 1, so a run is reproduced exactly, on any machine.
     */
    static int betweennessParts(RunParameters p, long nodes) {
        if (nodes <= p.betweennessExactMaxNodes()) {
            return 1;
        }
        long sources = Math.min(p.samplingSize(), nodes);
        return (int) Math.max(1, Math.min(p.betweennessSampleParts(), sources));
    }

    /** What a run's betweenness was: "EXACT", or "SAMPLED" and its sources in all. */
    static String betweennessKind(RunParameters p, long nodes) {
        Map<String, Object> config = betweennessConfig(p, nodes);
        return config.containsKey("samplingSize") ? "SAMPLED " + config.get("samplingSize") : "EXACT";
    }

    /**
     * Betweenness of part {@code part} of {@code parts} ({@link #betweennessParts}): exact up to the configured node
     * count, sampled with a fixed seed beyond it. Runs on that part's graph ({@link #projectSources}) and keeps the
     * scores there ({@link #streamBetweenness} reads them, {@link #writeBetweenness} writes them to the contacts'
     * nodes); whoever projected it drops it.
     */
    void betweenness(String graph, RunParameters p, long nodes, int part, int parts) {
        Map<String, Object> config = betweennessConfig(p, nodes, part, parts);
        try (Session session = driver.session()) {
            session.run("CALL gds.betweenness.mutate($graph, $config) YIELD nodePropertiesWritten "
                    + "RETURN nodePropertiesWritten", Map.of("graph", sourcesOf(graph, part), "config", config))
                    .consume();
        }
    }

    /**
     * Betweenness as {@link #betweenness} left it on its {@code parts} graphs: one score a contact, the sum of its
     * parts', by the node's id in the store. A part whose graph misses a node the first part holds is a fault.
     */
    Map<Long, Double> streamBetweenness(String graph, int parts) {
        Map<Long, Double> scores = new HashMap<>();
        try (Session session = driver.session()) {
            for (int part = 0; part < parts; part++) {
                boolean first = part == 0;
                session.run("""
                        CALL gds.graph.nodeProperty.stream($graph, $betweenness) YIELD nodeId, propertyValue
                        RETURN nodeId, propertyValue""",
                        Map.of("graph", sourcesOf(graph, part), "betweenness", BETWEENNESS))
                        .forEachRemaining(r -> {
                            long node = r.get(0).asLong();
                            double score = r.get(1).asDouble();
                            if (first) {
                                scores.put(node, score);
                            } else if (scores.computeIfPresent(node, (k, sum) -> sum + score) == null) {
                                throw new IllegalStateException("node " + node + " of betweenness' part " + graph
                                        + " is not in its first part");
                            }
                        });
            }
        }
        return scores;
    }

    /**
     * Betweenness summed over its parts to the contacts' nodes, found by id, in batches; a node holding the same value
     * already is left alone, and a node gone is skipped. {@link #writeBetweenness(String, RunParameters)} writes a
     * betweenness of one part.
     */
    void writeBetweenness(List<NodeResult> nodes, int batchSize) {
        List<Map<String, Object>> rows = new ArrayList<>(nodes.size());
        for (NodeResult n : nodes) {
            rows.add(Map.of("id", n.id(), "betweenness", n.betweenness()));
        }
        writeByContactId(WRITE_BETWEENNESS, rows, batchSize);
    }

    /** Transaction metadata that marks an exact betweenness computed after a run ({@link #exactBetweenness}). */
    static final Map<String, Object> EXACT_BETWEENNESS_TX = Map.of("circles", "exact-betweenness");

    /**
     * Exact betweenness (every contact a source) of run {@code run} on betweenness' graph {@code sources}, as it
     * stands, at betweenness' concurrency: each contact's score by its id; a node erased since the projection is left
     * out. Runs in a transaction marked {@link #EXACT_BETWEENNESS_TX} and with the run's id, which
     * {@link #terminateExactBetweenness(UUID)} ends from any replica (they share Neo4j).
     */
    Map<String, Double> exactBetweenness(UUID run, String sources, RunParameters p) {
        Map<String, Double> scores = new HashMap<>();
        Map<String, Object> mark = Map.of("circles", EXACT_BETWEENNESS_TX.get("circles"), "run", run.toString());
        // An explicit transaction: a managed one would retry a terminated computation from the start.
        try (Session session = driver.session();
             Transaction tx = session.beginTransaction(TransactionConfig.builder().withMetadata(mark).build())) {
            // GDS's job id is the run's, so that exactBetweennessProgress finds it from any replica.
            tx.run("""
                    CALL gds.betweenness.stream($graph, {concurrency: $concurrency, jobId: $run}) YIELD nodeId, score
                    WITH gds.util.asNode(nodeId) AS c, score WHERE c IS NOT NULL
                    RETURN c.id AS id, score""",
                    Map.of("graph", sources, "concurrency", p.betweennessConcurrency(), "run", run.toString()))
                    .forEachRemaining(r -> scores.put(r.get(0).asString(), r.get(1).asDouble()));
            tx.commit();
        }
        return scores;
    }

    /**
     * GDS's estimate, bytes, of exact betweenness on the projected graph {@code sources} at betweenness' concurrency,
     * the graph itself included.
     */
    long estimateExactBetweenness(String sources, RunParameters p) {
        return estimate("""
                CALL gds.betweenness.stream.estimate($graph, {concurrency: $concurrency})
                YIELD bytesMax, requiredMemory RETURN bytesMax, requiredMemory""",
                Map.of("graph", sources, "concurrency", p.betweennessConcurrency())).bytesMax()
                + estimate("""
                CALL gds.graph.list($graph) YIELD sizeInBytes RETURN sizeInBytes AS bytesMax,
                     toString(sizeInBytes) + ' bytes' AS requiredMemory""", Map.of("graph", sources)).bytesMax();
    }

    /**
     * Ends the exact betweenness of run {@code run} ({@link #exactBetweenness}) if it is computing, whichever replica
     * runs it; GDS stops at its next check. Returns how many transactions were ended (0 or 1).
     */
    int terminateExactBetweenness(UUID run) {
        return terminate("metaData.circles = $mark AND metaData.run = $run",
                Map.of("mark", EXACT_BETWEENNESS_TX.get("circles"), "run", run.toString()));
    }

    /**
     * How far the exact betweenness of run {@code run} has come, whichever replica computes it: GDS's progress of the
     * job named by the run's id, and the time its transaction has taken; empty when it is not computing.
     */
    Optional<ExactProgress> exactBetweennessProgress(UUID run) {
        try (Session session = driver.session()) {
            List<Record> computing = session.run("""
                    SHOW TRANSACTIONS YIELD metaData, elapsedTime
                    WHERE metaData.circles = $mark AND metaData.run = $run RETURN elapsedTime""",
                    Map.of("mark", EXACT_BETWEENNESS_TX.get("circles"), "run", run.toString())).list();
            if (computing.isEmpty()) {
                return Optional.empty();
            }
            IsoDuration taken = computing.get(0).get(0).asIsoDuration();
            Duration elapsed = Duration.ofSeconds(taken.seconds(), taken.nanoseconds());
            Double percent = session.run("CALL gds.listProgress($run) YIELD progress RETURN progress",
                    Map.of("run", run.toString())).list(r -> ExactProgress.percent(r.get(0).asString(null))).stream()
                    .filter(Objects::nonNull).findFirst().orElse(null);
            return Optional.of(ExactProgress.of(percent, Instant.now(), elapsed));
        }
    }

    /** Ends every exact betweenness in progress, of every replica ({@link #exactBetweenness}). */
    int terminateExactBetweenness() {
        return terminate("metaData.circles = $mark", Map.of("mark", EXACT_BETWEENNESS_TX.get("circles")));
    }

    private int terminate(String where, Map<String, Object> params) {
        try (Session session = driver.session()) {
            List<String> ids = session.run("SHOW TRANSACTIONS YIELD transactionId, metaData WHERE " + where
                    + " RETURN transactionId", params).list(r -> r.get(0).asString());
            if (!ids.isEmpty()) {
                session.run("TERMINATE TRANSACTIONS $ids", Map.of("ids", ids)).consume();
            }
            return ids.size();
        }
    }

    /**
     * Betweenness by contact id to the contacts' nodes, in batches; a node holding the same value already is left
     * alone, and a node gone is skipped.
     */
    void writeBetweenness(Map<String, Double> scores, int batchSize) {
        List<Map<String, Object>> rows = new ArrayList<>(scores.size());
        scores.forEach((id, score) -> rows.add(Map.of("id", id, "betweenness", score)));
        writeByContactId(WRITE_BETWEENNESS, rows, batchSize);
    }

    /** GDS writes betweenness from its own graph (of one part) to the contacts' nodes. */
    void writeBetweenness(String graph, RunParameters p) {
        try (Session session = driver.session()) {
            session.run("""
                    CALL gds.graph.nodeProperties.write($graph, $properties, ['*'], $config)
                    YIELD propertiesWritten RETURN propertiesWritten""",
                    Map.of("graph", sourcesOf(graph), "properties", List.of(BETWEENNESS),
                            "config", Map.of("concurrency", p.betweennessConcurrency(),
                                    "writeConcurrency", p.betweennessConcurrency()))).consume();
        }
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

    /**
     * GDS writes PageRank, degree and strength to the Contact nodes ({@link #writeBetweenness} writes betweenness);
     * community ids follow once they are made stable.
     */
    void writeScores(String graph, RunParameters p) {
        try (Session session = driver.session()) {
            session.run("""
                    CALL gds.graph.nodeProperties.write($graph, $properties, ['*'], $config)
                    YIELD propertiesWritten RETURN propertiesWritten""",
                    Map.of("graph", graph, "properties", List.of(PAGERANK, DEGREE, STRENGTH),
                            "config", Map.of("concurrency", p.concurrency(), "writeConcurrency", p.concurrency())))
                    .consume();
        }
    }

    /**
     * The scores of {@code nodes} to their contacts' nodes, found by id, in batches: for a run some of whose contacts
     * were erased while it ran, whose nodes GDS's own write would fail on. A node gone is skipped.
     */
    void writeScores(List<NodeResult> nodes, int batchSize) {
        List<Map<String, Object>> rows = new ArrayList<>(nodes.size());
        for (NodeResult n : nodes) {
            rows.add(Map.of("id", n.id(), "pagerank", n.pagerank(), "betweenness", n.betweenness(),
                    "degree", n.degree(), "strength", n.strength()));
        }
        writeByContactId("""
                UNWIND $rows AS row
                MATCH (c:Contact {id: row.id})
                SET c.%s = row.pagerank, c.%s = row.betweenness, c.%s = row.degree, c.%s = row.strength"""
                .formatted(PAGERANK, BETWEENNESS, DEGREE, STRENGTH), rows, batchSize);
    }

    /**
     * One contact's results as computed; {@code levels} fine to coarse, as GDS orders them. {@code written} is the
     * public community ids (coarse to fine) its node holds when streamed, null when it holds none or they disagree with
     * each other: what a run need not write again. {@code node} is the node's id in the store, as GDS streams it.
     */
    record NodeResult(String id, String kind, double pagerank, double betweenness, double degree, double strength,
                      long[] levels, long[] written, long node) {

        NodeResult withBetweenness(double score) {
            return new NodeResult(id, kind, pagerank, score, degree, strength, levels, written, node);
        }
    }

    /**
     * Streams every projected contact with its community per level, PageRank, degree and strength as the projection
     * holds them, and the ids its node holds; betweenness NaN ({@link #streamBetweenness}): what a snapshot needs but
     * betweenness, read as soon as the communities are computed, while betweenness still runs.
     */
    void streamComputed(String graph, Consumer<NodeResult> sink) {
        try (Session session = driver.session()) {
            session.run("""
                    CALL gds.graph.nodeProperty.stream($graph, $levels)
                    YIELD nodeId, propertyValue
                    WITH nodeId, gds.util.asNode(nodeId) AS c, propertyValue AS levels
                    RETURN nodeId, c.id AS id, c.kind AS kind, levels,
                           gds.util.nodeProperty($graph, nodeId, $pagerank) AS pagerank,
                           gds.util.nodeProperty($graph, nodeId, $degree) AS degree,
                           gds.util.nodeProperty($graph, nodeId, $strength) AS strength,
                           c.community AS community, c.communityLevels AS written""",
                    Map.of("graph", graph, "levels", LEVELS, "pagerank", PAGERANK, "degree", DEGREE,
                            "strength", STRENGTH))
                    .forEachRemaining(r -> sink.accept(nodeResult(r)));
        }
    }

    /**
     * Writes the public (stable) community ids: the coarsest as {@code community}, all of them coarse to fine. The
     * caller sends only the nodes whose ids differ from what they held when streamed; the statement checks again, so a
     * node changed since is written and an unchanged one is not.
     */
    void writeCommunities(List<Map<String, Object>> rows, int batchSize) {
        writeByContactId("""
                UNWIND $rows AS row
                MATCH (c:Contact {id: row.id})
                WHERE c.community IS NULL OR c.community <> row.community
                   OR c.communityLevels IS NULL OR c.communityLevels <> row.levels
                SET c.community = row.community, c.communityLevels = row.levels""", rows, batchSize);
    }

    /** Runs {@code statement} over {@code rows} (one a contact, {@code $rows}), a transaction a batch. */
    private void writeByContactId(String statement, List<Map<String, Object>> rows, int batchSize) {
        try (Session session = driver.session()) {
            for (int from = 0; from < rows.size(); from += batchSize) {
                List<Map<String, Object>> batch = rows.subList(from, Math.min(rows.size(), from + batchSize));
                session.executeWriteWithoutResult(tx -> tx.run(statement, Map.of("rows", batch)).consume());
            }
        }
    }

    /** Removes what {@link #pageRank} and {@link #communities} added to {@code graph}, so that they can run on it again. */
    void dropComputed(String graph) {
        try (Session session = driver.session()) {
            session.run("""
                    CALL gds.graph.nodeProperties.drop($graph, $properties, {failIfMissing: false})
                    YIELD propertiesRemoved RETURN propertiesRemoved""",
                    Map.of("graph", graph, "properties", List.of(PAGERANK, LEVELS))).consume();
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
                score(r, "pagerank"), score(r, "betweenness"), score(r, "degree"), score(r, "strength"), levels,
                written(r.get("community"), r.get("written")), r.get("nodeId").asLong());
    }

    /** A score of a streamed row; NaN where the stream has none (betweenness in {@link #streamComputed}). */
    private static double score(Record r, String key) {
        return r.containsKey(key) ? r.get(key).asDouble() : Double.NaN;
    }

    private Map<String, Object> pageRankConfig(RunParameters p) {
        return Map.of("mutateProperty", PAGERANK, "relationshipWeightProperty", "strength",
                "dampingFactor", 0.85, "maxIterations", p.pageRankMaxIterations(), "tolerance", p.pageRankTolerance(),
                "concurrency", p.concurrency());
    }

    /** Exact on a graph of at most the run's threshold of contacts, sampled above it: the whole sample. */
    static Map<String, Object> betweennessConfig(RunParameters p, long nodes) {
        return betweennessConfig(p, nodes, 0, 1);
    }

    /**
     * Part {@code part} of {@code parts} of {@link #betweennessConfig(RunParameters, long)}: its share of the sources,
     * the first parts one more when they do not divide evenly.
     */
    static Map<String, Object> betweennessConfig(RunParameters p, long nodes, int part, int parts) {
        Map<String, Object> config = new HashMap<>();
        config.put("mutateProperty", BETWEENNESS);
        config.put("concurrency", p.betweennessConcurrency());
        if (nodes > p.betweennessExactMaxNodes()) {
            long sources = Math.min(p.samplingSize(), nodes);
            config.put("samplingSize", sources / parts + (part < sources % parts ? 1 : 0));
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
