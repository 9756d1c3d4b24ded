package health.circles.analytics;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import health.circles.AsRole;
import health.circles.TestTokens;
import health.circles.security.AuditRows;
import health.circles.sync.GraphRelay;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.w3c.dom.Document;

/**
 * Analytics over HTTP on a planted graph in the real stores. Runs are global to the database, so the steps share one
 * graph and go in order: no run yet, a first run, a repeat on the same graph, a run after a light change.
 */
@QuarkusTest
@AsRole("admin")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AnalyticsApiTest {

    private static final String RUN_BODY = """
            {"overlapShare": 0.25}""";
    /**
     * For the steps that are not about betweenness: sampled from 100 sources instead of exact on the planted graph
     * and whatever else the suite's database holds by then (a tenth of a second instead of ten or more).
     */
    private static final String QUICK_RUN_BODY = """
            {"overlapShare": 0.25, "samplingSize": 100}""";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ObjectMapper json;

    @Inject
    GraphRelay relay;

    @Inject
    AnalyticsTriggers triggers;

    @Inject
    Driver driver;

    @Inject
    AnalyticsConfig config;

    @Inject
    AnalyticsRunner runner;

    @Inject
    AlgorithmGraph algorithms;

    @Inject
    ExactBetweenness exact;

    @Inject
    ExactBetweennessStore exactStore;

    private final PlantedGraph graph = new PlantedGraph(7);
    /** Mixing each class of ten groups is built with; the realised mixing is measured and reported. */
    private static final double[] NOMINAL_MIXING = {0.1, 0.2, 0.32, 0.45};
    private List<List<PlantedGraph.Node>> main;
    private PlantedGraph.Node hub;
    private PlantedGraph.Node bridge;
    private UUID loner;
    private String firstRun;
    private String secondRun;

    @BeforeAll
    void plantGraph() throws Exception {
        // Forty groups of a hundred, ten at each mixing, external ties spread over the whole component (LFR-style);
        // one more group on its own, joined to the rest only through the bridge; the hub ties into three groups.
        double[] mixing = new double[40];
        for (int g = 0; g < mixing.length; g++) {
            mixing[g] = NOMINAL_MIXING[g / 10];
        }
        main = graph.component("main", 100, 16, mixing);
        List<List<PlantedGraph.Node>> apart = graph.component("apart", 200, 16, 0.0);
        hub = graph.hub("Hub <&> \"Leader\" O'Neil", main, 24, 18, 18);
        bridge = graph.bridge("Bridge Keeper", main.get(5), apart.get(0));
        // A contact with no ties is a community of one: its figures must not show its postal code.
        PlantedGraph.Node lone = new PlantedGraph.Node(UUID.randomUUID(), "PATIENT", "Lone Postcode", null, "en", "LONE1");
        graph.nodes.add(lone);
        loner = lone.id();
        long position = graph.write(dataSource, json);
        assertTrue(relay.awaitApplied(position, Duration.ofMinutes(5)), "the relay projected the planted graph");
    }

    @Test
    @Order(1)
    void readsSayClearlyThatNoRunHasSucceededYet() {
        given().when().get("/api/v1/influencers")
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", containsString("no-analytics-run"))
                .body("detail", containsString("POST /api/v1/analytics/runs"));
        given().when().get("/api/v1/communities").then().statusCode(409);
        given().when().get("/api/v1/contacts/" + hub.id() + "/communities").then().statusCode(409);
        // What outreach builds on the analytics results says the same (this class runs first: no run exists yet).
        given().contentType(ContentType.JSON).body("{\"community\":1,\"k\":3,\"channel\":\"EMAIL\"}")
                .when().post("/api/v1/outreach/seeds")
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", containsString("no-analytics-run"))
                .body("detail", containsString("POST /api/v1/analytics/runs"));
        given().contentType(ContentType.JSON)
                .body("{\"name\":\"Before any run\",\"filter\":{\"communities\":[1]}}")
                .when().post("/api/v1/segments")
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", containsString("no-analytics-run"));
    }

    @Test
    @Order(2)
    void invalidRunParametersAreRefused() {
        given().contentType(ContentType.JSON).body("{\"algorithm\":\"KMEANS\"}")
                .when().post("/api/v1/analytics/runs").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"resolution\":-1}")
                .when().post("/api/v1/analytics/runs").then().statusCode(400).body("errors.field", hasItem("resolution"));
        given().contentType(ContentType.JSON).body("{\"algorithm\":\"LOUVAIN\",\"resolution\":2}")
                .when().post("/api/v1/analytics/runs").then().statusCode(400).body("detail", containsString("LEIDEN"));
        given().contentType(ContentType.JSON).body("{\"memoryBudgetMib\":999999999}")
                .when().post("/api/v1/analytics/runs").then().statusCode(400);
        // A run asking for betweenness from 100,000 sources would take hours, holding the run lock throughout.
        given().contentType(ContentType.JSON).body("{\"samplingSize\":100000}")
                .when().post("/api/v1/analytics/runs").then().statusCode(400)
                .body("errors[0].field", equalTo("samplingSize"))
                .body("errors[0].reason", containsString("max-sampling-size"));
        given().contentType(ContentType.JSON).body("{\"exactBetweenness\":\"yes\"}")
                .when().post("/api/v1/analytics/runs").then().statusCode(400)
                .contentType("application/problem+json");
    }

    /**
     * A requested sample size is also the threshold: a graph with more contacts is sampled from that many sources,
     * however far below the configured threshold it is, and a graph with no more is exact. Left out, the configured
     * threshold and size hold.
     */
    @Test
    @Order(2)
    void aRequestedSampleSizeSamplesAGraphOfMoreContactsAndIsExactUpToIt() {
        RunParameters asked = RunParameters.of(new RunRequest(null, null, null, null, 500, null, null, null, null), config);
        assertEquals(500, asked.samplingSize());
        assertEquals(500, asked.betweennessExactMaxNodes());
        assertEquals(500L, AlgorithmGraph.betweennessConfig(asked, 501).get("samplingSize"));
        assertEquals(500L, AlgorithmGraph.betweennessConfig(asked, 9000).get("samplingSize"));
        assertFalse(AlgorithmGraph.betweennessConfig(asked, 500).containsKey("samplingSize"), "exact up to 500");

        RunParameters configured = RunParameters.of(RunRequest.defaults(), config);
        assertEquals(config.betweenness().exactMaxNodes(), configured.betweennessExactMaxNodes());
        assertFalse(AlgorithmGraph.betweennessConfig(configured, config.betweenness().exactMaxNodes())
                .containsKey("samplingSize"));
        assertEquals((long) config.betweenness().samplingSize(), AlgorithmGraph.betweennessConfig(configured,
                config.betweenness().exactMaxNodes() + 1L).get("samplingSize"));

        // Exact betweenness after a run: scheduled runs by default, others when they ask.
        assertFalse(configured.exactBetweenness(), "a client's run asks for it");
        assertFalse(RunParameters.of(null, config, "GRAPH_CHANGE").exactBetweenness());
        assertEquals(config.betweenness().exactOnSchedule(),
                RunParameters.of(null, config, "SCHEDULE").exactBetweenness());
        assertTrue(RunParameters.of(new RunRequest(null, null, null, null, null, null, null, null, true), config)
                .exactBetweenness());
    }

    @Test
    @Order(3)
    void runAboveTheMemoryBudgetIsRefusedWithAProblem() {
        given().contentType(ContentType.JSON).body("{\"memoryBudgetMib\":1}")
                .when().post("/api/v1/analytics/runs")
                .then().statusCode(422).contentType("application/problem+json")
                .body("type", containsString("memory-budget-exceeded"))
                .body("detail", containsString("budget of 1 MiB"));
    }

    /**
     * A run that fails once both projections have started (betweenness' graph is projected beside the run's), or once
     * betweenness has run (with the steps beside it still going), leaves neither graph behind in GDS's catalogue, nor
     * a snapshot.
     */
    @ParameterizedTest
    @EnumSource(value = AnalyticsRunner.Phase.class, names = {"PROJECT", "BETWEENNESS"})
    @Order(3)
    void aRunFailingAfterItsProjectionsLeavesNoGraphBehind(AnalyticsRunner.Phase phase) throws Exception {
        runner.failAfter(phase);
        JsonPath run;
        try {
            String location = given().contentType(ContentType.JSON).body(QUICK_RUN_BODY)
                    .when().post("/api/v1/analytics/runs")
                    .then().statusCode(202).extract().header("Location");
            run = awaitRun(location.substring(location.lastIndexOf('/') + 1));
        } finally {
            runner.failAfter(null);
        }
        assertEquals("FAILED", run.getString("state"), run.prettify());
        assertEquals(phase.name(), run.getString("phase"));
        assertTrue(run.getString("error").contains("simulated failure"), run.getString("error"));
        // The run is recorded FAILED before its projections are dropped, on the way out; betweenness' graph may still
        // be projecting then, so the catalogue is checked once the run has ended (and released the run lock).
        await("the failed run to end").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(runner::idle);
        assertEquals(List.of(), runGraphs(), "the failed run's projections are dropped");
        long[] scores = new long[1];
        query("SELECT count(*) FROM analytics_score WHERE run_id = ?", List.of(UUID.fromString(run.getString("id"))),
                r -> scores[0] = r.getLong(1));
        assertEquals(0, scores[0], "no snapshot of the failed run");
    }

    /** The GDS graphs of analytics runs held now (betweenness' own graphs included). */
    private List<String> runGraphs() {
        try (Session session = driver.session()) {
            return session.run("CALL gds.graph.list() YIELD graphName "
                            + "WHERE graphName STARTS WITH 'circles-analytics-' RETURN graphName")
                    .list(r -> r.get(0).asString());
        }
    }

    @Test
    @Order(4)
    void aSecondRunWhileOneIsRunningGetsConflictWithItsLink() {
        String location = given().contentType(ContentType.JSON).body(RUN_BODY)
                .when().post("/api/v1/analytics/runs")
                .then().statusCode(202).body("state", equalTo("RUNNING"))
                .body("parameters.algorithm", equalTo("LEIDEN"))
                .extract().header("Location");
        firstRun = location.substring(location.lastIndexOf('/') + 1);
        given().contentType(ContentType.JSON).body(RUN_BODY)
                .when().post("/api/v1/analytics/runs")
                .then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("/api/v1/analytics/runs/" + firstRun));
        JsonPath run = awaitRun(firstRun);
        assertEquals("SUCCEEDED", run.getString("state"), () -> "run failed: " + run.getString("error"));
        assertEquals(100, run.getInt("percent"));
        assertEquals(graph.nodes.size(), run.getLong("quality.nodeCount"));
        assertEquals(graph.edges.size(), run.getLong("quality.tieCount"));
        assertEquals("EXACT", run.getString("quality.betweenness"));
        for (String phase : List.of("estimate", "project", "pagerank", "betweenness", "degree", "communities",
                "compute", "writeBack", "snapshot", "total")) {
            assertTrue(run.getMap("timings").containsKey(phase), "timing of " + phase);
        }
        // total is the run's time start to end: at least every phase, though write-back overlaps the snapshot.
        long total = run.getLong("timings.total");
        for (String phase : List.of("project", "compute", "writeBack", "snapshot")) {
            assertTrue(total >= run.getLong("timings." + phase), phase + " within total " + run.getMap("timings"));
        }
        assertTrue(total >= run.getLong("timings.project") + run.getLong("timings.compute")
                + run.getLong("timings.snapshot"), "the phases that follow each other fit in total");
        // Betweenness' own graph is projected beside the run's, from the projection's start to betweenness' end.
        assertTrue(run.getMap("timings").containsKey("betweennessGraph"), "timing of betweenness' graph");
        assertTrue(run.getLong("timings.betweennessGraph") <= total, run.getMap("timings").toString());
        assertTrue(run.getList("quality.communityCounts").size() >= 1);
        assertEquals(run.getList("quality.modularities").size(), run.getList("quality.communityCounts").size());
        assertEquals(List.of(), runGraphs(), "a finished run drops both its projections");
    }

    @Test
    @Order(5)
    void plantedCommunitiesAreRecoveredAtEveryMixing() throws Exception {
        Map<UUID, Long> found = primaryCommunities(firstRun, 0);
        StringBuilder report = new StringBuilder();
        double[] realised = new double[NOMINAL_MIXING.length];
        double[] nmi = new double[NOMINAL_MIXING.length];
        for (int c = 0; c < NOMINAL_MIXING.length; c++) {
            List<List<PlantedGraph.Node>> groups = main.subList(c * 10, c * 10 + 10);
            realised[c] = graph.mixing(groups);
            nmi[c] = nmi(groups, found);
            report.append(String.format("mixing %.2f: NMI %.4f; ", realised[c], nmi[c]));
        }
        double overall = nmi(main, found);
        System.out.println("Planted communities recovered: " + report + "all 40 groups: NMI " + overall);
        assertTrue(realised[2] >= 0.29 && nmi[2] >= 0.9, "NMI >= 0.9 at mixing 0.3: " + report);
        assertTrue(nmi[0] >= 0.9 && nmi[1] >= 0.9, report.toString());
        assertTrue(realised[3] >= 0.38 && nmi[3] >= 0.8, report.toString());
        assertTrue(overall >= 0.9, "over all groups: " + overall);
    }

    @Test
    @Order(6)
    void reportedModularityEqualsAnIndependentComputation() throws Exception {
        JsonPath run = getRun(firstRun);
        Map<UUID, Long> found = primaryCommunities(firstRun, 0);
        Map<String, Long> community = new HashMap<>();
        found.forEach((k, v) -> community.put(k.toString(), v));
        List<Partitions.Tie> ties = new ArrayList<>();
        query("SELECT from_id, to_id, strength FROM tie WHERE until IS NULL OR until > current_date", List.of(),
                r -> ties.add(new Partitions.Tie(r.getString(1), r.getString(2), r.getDouble(3))));
        double independent = Partitions.modularity(ties, community);
        double reported = run.getDouble("quality.modularity");
        assertEquals(independent, reported, 1e-6, "modularity reported by the run");
        // The per-community contributions of the snapshot add up to the same figure.
        double[] sum = new double[1];
        query("SELECT sum(modularity_contribution) FROM analytics_community WHERE run_id = ? AND level = 0",
                List.of(UUID.fromString(firstRun)), r -> sum[0] = r.getDouble(1));
        assertEquals(independent, sum[0], 1e-6, "sum of the communities' modularity contributions");
    }

    @Test
    @Order(7)
    void plantedHubRanksFirstByPageRankWithItsReasons() {
        given().queryParam("metric", "pagerank").queryParam("limit", 1)
                .when().get("/api/v1/influencers")
                .then().statusCode(200)
                .body("items[0].contactId", equalTo(hub.id().toString()))
                .body("items[0].rank", equalTo(1))
                .body("items[0].explanation.ties", equalTo(60))
                .body("items[0].explanation.communitiesBridged", greaterThanOrEqualTo(2))
                .body("items[0].explanation.strongestNeighbours.size()", equalTo(3))
                .body("items[0].explanation.summary", containsString("60 active ties"))
                .body("items[0].previousRank", equalTo(null));
    }

    @Test
    @Order(8)
    void plantedBridgeRanksFirstByBetweenness() {
        given().queryParam("metric", "betweenness").queryParam("limit", 1)
                .when().get("/api/v1/influencers")
                .then().statusCode(200)
                .body("items[0].contactId", equalTo(bridge.id().toString()))
                .body("items[0].explanation.ties", equalTo(4));
    }

    @Test
    @Order(9)
    void influencersPageWithCursorsAndFilter() {
        JsonPath first = given().queryParam("metric", "strength").queryParam("limit", 10)
                .when().get("/api/v1/influencers").then().statusCode(200)
                .body("items.size()", equalTo(10)).extract().jsonPath();
        given().queryParam("metric", "strength").queryParam("limit", 10).queryParam("cursor", first.getString("next"))
                .when().get("/api/v1/influencers").then().statusCode(200)
                .body("items[0].rank", equalTo(11)).body("items[9].rank", equalTo(20));
        given().queryParam("kind", "NURSE").queryParam("limit", 50)
                .when().get("/api/v1/influencers").then().statusCode(200)
                .body("items.kind", everyItem(equalTo("NURSE")));
        long community = given().queryParam("limit", 1).when().get("/api/v1/influencers")
                .then().extract().jsonPath().getLong("items[0].community");
        given().queryParam("community", community).queryParam("limit", 50)
                .when().get("/api/v1/influencers").then().statusCode(200)
                .body("items.community", everyItem(equalTo((int) community)));
        given().queryParam("metric", "fame").when().get("/api/v1/influencers").then().statusCode(400);
        given().queryParam("cursor", "not-a-cursor").when().get("/api/v1/influencers").then().statusCode(400);
        given().queryParam("community", 987654321).when().get("/api/v1/influencers").then().statusCode(404);
    }

    @Test
    @Order(10)
    void communitiesAreListedLargestFirstAndDescribed() {
        JsonPath page = given().queryParam("level", 0).queryParam("minSize", 50).queryParam("limit", 5)
                .when().get("/api/v1/communities").then().statusCode(200)
                .body("items.size()", equalTo(5))
                .body("items.size", everyItem(greaterThanOrEqualTo(50)))
                .body("next", notNullValue()).extract().jsonPath();
        given().queryParam("level", 0).queryParam("minSize", 50).queryParam("limit", 5)
                .queryParam("cursor", page.getString("next"))
                .when().get("/api/v1/communities").then().statusCode(200)
                .body("items[0].size", lessThanOrEqualTo(page.getInt("items[4].size")));
        long hubCommunity = given().when().get("/api/v1/contacts/" + hub.id() + "/communities").then()
                .extract().jsonPath().getLong("memberships.find { it.primary && it.level == 0 }.communityId");
        given().when().get("/api/v1/communities/" + hubCommunity)
                .then().statusCode(200)
                .body("summary.size", greaterThanOrEqualTo(90))
                .body("summary.kindMix", hasKey("PATIENT"))
                .body("summary.density", greaterThan(0f))
                .body("summary.internalStrength", greaterThan(0f))
                .body("summary.externalStrength", greaterThan(0f))
                .body("summary.languages[0].value", equalTo("en"))
                .body("summary.postalCodes.size()", greaterThan(0))
                // The hub's own postal code (99999), which no other member shares, would point at the hub.
                .body("summary.postalCodes.value", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem("99999")))
                .body("summary.postalCodes.count", everyItem(greaterThanOrEqualTo(3)))
                .body("topInfluencers[0].contactId", equalTo(hub.id().toString()))
                .body("bridges.size()", greaterThan(0))
                .body("children", notNullValue());
        long lonerCommunity = given().when().get("/api/v1/contacts/" + loner + "/communities").then().statusCode(200)
                .extract().jsonPath().getLong("memberships.find { it.primary && it.level == 0 }.communityId");
        given().when().get("/api/v1/communities/" + lonerCommunity).then().statusCode(200)
                .body("summary.size", equalTo(1)).body("summary.postalCodes", org.hamcrest.Matchers.empty());
        given().when().get("/api/v1/communities/987654321").then().statusCode(404)
                .body("detail", containsString("latest analytics run"));
        given().when().get("/api/v1/communities/abc").then().statusCode(400);
    }

    @Test
    @Order(11)
    void aContactBelongsToEveryCommunityHoldingEnoughOfItsStrength() {
        JsonPath memberships = given().when().get("/api/v1/contacts/" + hub.id() + "/communities")
                .then().statusCode(200).body("runId", equalTo(firstRun)).extract().jsonPath();
        List<Map<String, Object>> level0 = memberships.getList("memberships.findAll { it.level == 0 }");
        assertEquals(1, level0.stream().filter(m -> (Boolean) m.get("primary")).count(), "one primary membership");
        List<Map<String, Object>> secondary = level0.stream().filter(m -> !(Boolean) m.get("primary")).toList();
        assertTrue(secondary.size() >= 2, "the hub's ties reach three planted groups: " + level0);
        assertTrue(secondary.stream().allMatch(m -> ((Number) m.get("share")).doubleValue() >= 0.25), level0.toString());
        given().when().get("/api/v1/communities/" + secondary.get(0).get("communityId"))
                .then().statusCode(200)
                .body("secondaryMemberCount", greaterThanOrEqualTo(1))
                .body("secondaryMembers.contactId", hasItem(hub.id().toString()));
        given().when().get("/api/v1/contacts/" + UUID.randomUUID() + "/communities").then().statusCode(404);
    }

    @Test
    @Order(12)
    void mapsComeAsCytoscapeGraphmlAndGexfWithEscapedText() throws Exception {
        long hubCommunity = given().when().get("/api/v1/contacts/" + hub.id() + "/communities").then()
                .extract().jsonPath().getLong("memberships.find { it.primary && it.level == 0 }.communityId");
        JsonPath map = given().when().get("/api/v1/maps/communities/" + hubCommunity)
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("truncated", equalTo(false))
                .body("elements.nodes.data.community", everyItem(equalTo((int) hubCommunity)))
                .body("elements.nodes.data.id", hasItem(hub.id().toString()))
                .body("elements.edges.size()", greaterThan(0))
                .extract().jsonPath();
        int nodes = map.getList("elements.nodes").size();
        String graphml = given().accept("application/graphml+xml")
                .when().get("/api/v1/maps/communities/" + hubCommunity)
                .then().statusCode(200).contentType("application/graphml+xml").extract().asString();
        Document doc = parse(graphml);
        assertEquals(nodes, doc.getElementsByTagName("node").getLength());
        assertTrue(graphml.contains("Hub &lt;&amp;&gt;"), "markup in names is escaped");
        String label = null;
        var data = doc.getElementsByTagName("data");
        for (int i = 0; i < data.getLength(); i++) {
            if (data.item(i).getTextContent().startsWith("Hub")) {
                label = data.item(i).getTextContent();
            }
        }
        assertEquals(hub.name(), label, "the name reads back intact");
        String gexf = given().queryParam("format", "gexf").when().get("/api/v1/maps/communities/" + hubCommunity)
                .then().statusCode(200).contentType("application/gexf+xml").extract().asString();
        assertEquals(nodes, parse(gexf).getElementsByTagName("node").getLength());
        // Two rings around the hub reach far more than the test bound of 300 contacts.
        given().queryParam("depth", 2).when().get("/api/v1/maps/contacts/" + hub.id())
                .then().statusCode(200)
                .body("truncated", equalTo(true))
                .body("note", containsString("300"))
                .body("nodeCount", equalTo(300))
                .body("elements.nodes[0].data.id", equalTo(hub.id().toString()));
        given().queryParam("depth", 1).when().get("/api/v1/maps/contacts/" + bridge.id())
                .then().statusCode(200).body("truncated", equalTo(false)).body("nodeCount", equalTo(5))
                .body("edgeCount", greaterThanOrEqualTo(4));
        given().queryParam("depth", 4).when().get("/api/v1/maps/contacts/" + hub.id()).then().statusCode(400);
        given().queryParam("format", "svg").when().get("/api/v1/maps/contacts/" + hub.id()).then().statusCode(400);
    }

    @Test
    @Order(12)
    void insightReadsAndMapDownloadsAreAuditedNamingTheContactsTheyShow() {
        String me = AuditRows.subject("insight-auditor");
        Supplier<RequestSpecification> analyst = () -> TestTokens.bearer(TestTokens.token(me, Set.of("analyst")));
        List<String> expected = new ArrayList<>();

        JsonPath influencers = analyst.get().queryParam("limit", 3).when().get("/api/v1/influencers")
                .then().statusCode(200).extract().jsonPath();
        Set<UUID> named = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            named.addAll(ids(influencers.getList("items[" + i + "].explanation.strongestNeighbours.contactId")));
            named.add(UUID.fromString(influencers.getString("items[" + i + "].contactId")));
        }
        expected.add(AuditRows.listing("list", "influencer", influencers.getList("items.contactId"), named, "GET",
                200));

        long hubCommunity = given().when().get("/api/v1/contacts/" + hub.id() + "/communities").then()
                .extract().jsonPath().getLong("memberships.find { it.primary && it.level == 0 }.communityId");
        JsonPath detail = analyst.get().when().get("/api/v1/communities/" + hubCommunity)
                .then().statusCode(200).extract().jsonPath();
        Set<UUID> members = ids(detail.getList("topInfluencers.contactId"));
        members.addAll(ids(detail.getList("bridgeContacts.contactId")));
        members.addAll(ids(detail.getList("secondaryMembers.contactId")));
        assertTrue(members.contains(hub.id()), "the hub is among its community's top influencers");
        expected.add(AuditRows.row("read", "community", hubCommunity, members, "GET", 200));

        analyst.get().when().get("/api/v1/communities").then().statusCode(200); // sizes and mixes only: no row
        analyst.get().when().get("/api/v1/contacts/" + hub.id() + "/communities").then().statusCode(200);
        expected.add(AuditRows.row("read", "contact-communities", hub.id(), Set.of(hub.id()), "GET", 200));

        Set<UUID> communityNodes = ids(analyst.get().when().get("/api/v1/maps/communities/" + hubCommunity)
                .then().statusCode(200).extract().jsonPath().getList("elements.nodes.data.id"));
        assertTrue(communityNodes.size() > 10, "the community map draws its members");
        expected.add(AuditRows.row("export", "map", hubCommunity, communityNodes, "GET", 200));
        analyst.get().queryParam("format", "gexf").when().get("/api/v1/maps/communities/" + hubCommunity)
                .then().statusCode(200);
        expected.add(AuditRows.row("export", "map", hubCommunity, communityNodes, "GET", 200));

        Set<UUID> around = ids(given().when().get("/api/v1/maps/contacts/" + bridge.id())
                .then().statusCode(200).extract().jsonPath().getList("elements.nodes.data.id"));
        assertEquals(5, around.size());
        analyst.get().accept("application/graphml+xml").when().get("/api/v1/maps/contacts/" + bridge.id())
                .then().statusCode(200).contentType("application/graphml+xml");
        expected.add(AuditRows.row("export", "map", bridge.id(), around, "GET", 200));
        UUID unknown = UUID.randomUUID();
        analyst.get().when().get("/api/v1/maps/contacts/" + unknown).then().statusCode(404);
        expected.add(AuditRows.row("export", "map", unknown, Set.of(unknown), "GET", 404));

        assertEquals(expected, AuditRows.sorted(dataSource, me));
    }

    private static Set<UUID> ids(List<Object> values) {
        Set<UUID> ids = new java.util.HashSet<>();
        values.forEach(v -> ids.add(UUID.fromString(v.toString())));
        return ids;
    }

    @Test
    @Order(13)
    void twoRunsOnTheSameGraphGiveIdenticalResults() throws Exception {
        secondRun = startAndAwait(RUN_BODY);
        Map<UUID, List<Object>> a = scores(firstRun);
        Map<UUID, List<Object>> b = scores(secondRun);
        assertEquals(a, b, "scores and coarsest community of every contact");
        assertEquals(memberships(firstRun), memberships(secondRun), "memberships at every level, with shares");
        JsonPath first = getRun(firstRun);
        JsonPath second = getRun(secondRun);
        assertEquals(first.getDouble("quality.modularity"), second.getDouble("quality.modularity"));
        assertEquals((Object) first.getList("quality.communityCounts"), second.getList("quality.communityCounts"));
        given().queryParam("limit", 1).when().get("/api/v1/influencers").then()
                .body("items[0].previousRank", equalTo(1)).body("items[0].rankChange", equalTo(0));
    }

    /**
     * A run computes PageRank, degrees and communities beside betweenness; each score must still be what GDS gives for
     * that algorithm run alone on the same projection (betweenness on its own graph) with the run's defaults, to the
     * last bit, and the coarsest
     * communities the same partition as Leiden's own.
     */
    @Test
    @Order(13)
    void everyScoreEqualsItsAlgorithmRunAlone() throws Exception {
        Map<UUID, List<Object>> stored = scores(firstRun);
        Map<UUID, double[]> alone = new HashMap<>();
        Map<UUID, Long> leiden = new HashMap<>();
        try (Session session = driver.session()) {
            session.run("""
                    CALL gds.graph.project('alone', 'Contact',
                        {TIE: {orientation: 'UNDIRECTED', properties: {strength: {defaultValue: 0.0}}}},
                        {readConcurrency: 1})""").consume();
            try {
                stream(session, "alone", "gds.pageRank", Map.of("relationshipWeightProperty", "strength",
                        "dampingFactor", 0.85, "maxIterations", 100, "tolerance", 0.001, "concurrency", 1), alone, 0);
                session.run(AlgorithmGraph.SOURCES_ACTIVE, AlgorithmGraph.sourcesParameters("alone-sources", 0, 1)).consume();
                try {
                    stream(session, "alone-sources", "gds.betweenness", Map.of("concurrency", 1), alone, 1);
                } finally {
                    session.run("CALL gds.graph.drop('alone-sources')").consume();
                }
                stream(session, "alone", "gds.degree", Map.of("concurrency", 1), alone, 2);
                stream(session, "alone", "gds.degree", Map.of("relationshipWeightProperty", "strength", "concurrency", 1),
                        alone, 3);
                session.run("""
                        CALL gds.leiden.stream('alone', {relationshipWeightProperty: 'strength', gamma: 1.0,
                            includeIntermediateCommunities: true, maxLevels: 10, tolerance: 0.0001, randomSeed: 42,
                            concurrency: 1})
                        YIELD nodeId, communityId RETURN gds.util.asNode(nodeId).id AS id, communityId""")
                        .forEachRemaining(r -> leiden.put(UUID.fromString(r.get("id").asString()),
                                r.get("communityId").asLong()));
            } finally {
                session.run("CALL gds.graph.drop('alone')").consume();
            }
        }
        assertEquals(stored.keySet(), alone.keySet(), "the same contacts");
        for (Map.Entry<UUID, List<Object>> e : stored.entrySet()) {
            double[] expected = alone.get(e.getKey());
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], (double) e.getValue().get(i), 0.0, "score " + i + " of " + e.getKey());
            }
        }
        Map<Long, Long> runToAlone = new HashMap<>();
        Map<Long, Long> aloneToRun = new HashMap<>();
        primaryCommunities(firstRun, 0).forEach((contact, community) -> {
            Long theirs = leiden.get(contact);
            assertEquals(theirs, runToAlone.computeIfAbsent(community, k -> theirs), "one community of " + contact);
            assertEquals(community, aloneToRun.computeIfAbsent(theirs, k -> community), "one community of " + contact);
        });
        assertEquals(leiden.size(), primaryCommunities(firstRun, 0).size());
    }

    /**
     * GDS's sampled betweenness takes its sources among the first nodes of a projection (it walks them from the
     * first, taking each with a chance that grows with its degree, until it has enough). A native projection numbers
     * contacts in the order they were created, so the sources were the oldest contacts; betweenness' own graph numbers
     * them by their id read backwards, which spreads the first nodes over the whole network, the same way every run.
     */
    @Test
    @Order(13)
    void betweennessGraphNumbersContactsInAnOrderUnrelatedToWhenTheyWereCreated() {
        try (Session session = driver.session()) {
            algorithms.projectSources("order");
            try {
                // No tie has ended yet: every tie is in it, read without their ends.
                assertEquals(0L, session.run("MATCH ()-[t:TIE]->() WHERE t.until <= date() RETURN count(t) AS n")
                        .single().get("n").asLong());
                assertEquals(2 * session.run("MATCH (:Contact)-[t:TIE]->(:Contact) RETURN count(t) AS n").single()
                                .get("n").asLong(),
                        session.run("CALL gds.graph.list('order-sources') YIELD relationshipCount "
                                + "RETURN relationshipCount").single().get(0).asLong(), "every tie, both ways");
                List<org.neo4j.driver.Record> rows = session.run("""
                        CALL gds.degree.stream('order-sources', {concurrency: 1}) YIELD nodeId
                        RETURN nodeId, gds.util.asNode(nodeId).id AS id""").list();
                List<String> byReversedId = session.run("MATCH (c:Contact) RETURN c.id AS id ORDER BY reverse(c.id)")
                        .list(r -> r.get("id").asString());
                assertEquals(byReversedId, rows.stream().map(r -> r.get("id").asString()).toList(),
                        "contacts numbered by their id read backwards");
                // The store numbers nodes as they are created: the projection's order must not follow it.
                long[] created = rows.stream().mapToLong(r -> r.get("nodeId").asLong()).toArray();
                assertTrue(rows.size() > 4000, "the planted graph and more: " + rows.size());
                double rho = rankCorrelationWithPosition(created);
                assertTrue(Math.abs(rho) < 0.1, "rank correlation of position and creation: " + rho);
                // A sampled run's second part of two starts that order half way along, and wraps round.
                algorithms.projectSources("order", 1, 2);
                List<String> second = session.run("""
                        CALL gds.degree.stream('order-sources-1', {concurrency: 1}) YIELD nodeId
                        RETURN gds.util.asNode(nodeId).id AS id""").list(r -> r.get("id").asString());
                int half = byReversedId.size() / 2;
                List<String> rotated = new ArrayList<>(byReversedId.subList(half, byReversedId.size()));
                rotated.addAll(byReversedId.subList(0, half));
                assertEquals(rotated, second, "the second part's contacts: from half way along, wrapping round");
                assertEquals(2 * session.run("MATCH (:Contact)-[t:TIE]->(:Contact) RETURN count(t) AS n").single()
                                .get("n").asLong(),
                        session.run("CALL gds.graph.list('order-sources-1') YIELD relationshipCount "
                                + "RETURN relationshipCount").single().get(0).asLong(), "the same ties");
            } finally {
                session.run("CALL gds.graph.drop('order-sources', false)").consume();
                session.run("CALL gds.graph.drop('order-sources-1', false)").consume();
            }
        }
    }

    /** Spearman's correlation between each value's position and its rank among the values (all distinct). */
    private static double rankCorrelationWithPosition(long[] values) {
        int n = values.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Long.compare(values[x], values[y]));
        double sum = 0;
        for (int rank = 0; rank < n; rank++) {
            double d = rank - order[rank];
            sum += d * d;
        }
        return 1 - 6 * sum / ((double) n * ((double) n * n - 1));
    }

    private static void stream(Session session, String graph, String algorithm, Map<String, Object> config,
                               Map<UUID, double[]> into, int slot) {
        session.run("CALL " + algorithm + ".stream($graph, $config) YIELD nodeId, score "
                        + "RETURN gds.util.asNode(nodeId).id AS id, score AS value",
                        Map.of("graph", graph, "config", config))
                .forEachRemaining(r -> into.computeIfAbsent(UUID.fromString(r.get("id").asString()),
                        k -> new double[4])[slot] = r.get("value").asDouble());
    }

    @Test
    @Order(14)
    void communityIdsSurviveALightChangeOfTheGraph() throws Exception {
        long position = graph.lightlyChange(dataSource, json, graph.components.get("main"), 320);
        assertTrue(relay.awaitApplied(position, Duration.ofMinutes(5)));
        // Some ended ties as a graph written before ties carried their end as a number: the run numbers them first.
        try (Session session = driver.session()) {
            long unnumbered = session.executeWrite(tx -> tx.run("""
                    MATCH ()-[t:TIE]->() WHERE t.until IS NOT NULL WITH t LIMIT 100
                    REMOVE t.untilDay RETURN count(t) AS n""").single().get("n").asLong());
            assertEquals(100L, unnumbered);
        }
        // What the graph-change trigger counts: the applied changes since the last run started.
        assertTrue(triggers.changesSinceLastRun() >= 640, "changes seen: " + triggers.changesSinceLastRun());
        String third = startAndAwait(RUN_BODY);
        Map<UUID, Long> before = primaryCommunities(secondRun, 0);
        Map<UUID, Long> after = primaryCommunities(third, 0);
        List<List<PlantedGraph.Node>> groups = main;
        int same = 0;
        for (List<PlantedGraph.Node> group : groups) {
            if (majority(group, before).equals(majority(group, after))) {
                same++;
            }
        }
        assertTrue(same >= groups.size() * 0.9, same + " of " + groups.size() + " planted groups kept their id");
        assertTrue(getRun(third).getInt("quality.communitiesKept") > 0);
        assertNotEquals(scores(secondRun), scores(third), "the change did reach the graph");
        // The ended ties left the projection: the run counted and weighed the active ties of PostgreSQL, no more.
        try (Session session = driver.session()) {
            assertEquals(0L, session.run("""
                    MATCH ()-[t:TIE]->() WHERE t.until IS NOT NULL AND t.untilDay IS NULL
                    RETURN count(t) AS n""").single().get("n").asLong(), "every ended tie numbered");
        }
        List<Partitions.Tie> active = new ArrayList<>();
        query("SELECT from_id, to_id, strength FROM tie WHERE until IS NULL OR until > current_date", List.of(),
                r -> active.add(new Partitions.Tie(r.getString(1), r.getString(2), r.getDouble(3))));
        assertEquals(graph.edges.size() - 320, active.size());
        assertEquals(active.size(), getRun(third).getLong("quality.tieCount"), "ties in the run");
        // Betweenness' own graph holds them alone too.
        algorithms.projectSources("ended");
        try (Session session = driver.session()) {
            assertEquals(2L * active.size(), session.run("CALL gds.graph.list('ended-sources') "
                    + "YIELD relationshipCount RETURN relationshipCount").single().get(0).asLong(),
                    "betweenness' graph: the active ties, both ways");
        } finally {
            algorithms.drop(AlgorithmGraph.sourcesOf("ended"));
        }
        Map<String, Long> community = new HashMap<>();
        primaryCommunities(third, 0).forEach((k, v) -> community.put(k.toString(), v));
        assertEquals(Partitions.modularity(active, community), getRun(third).getDouble("quality.modularity"), 1e-6,
                "modularity over the active ties");
        // The graph's nodes carry the snapshot's public ids (some kept, some new), written beside the snapshot's load.
        assertNodesCarry(third);
    }

    private void assertNodesCarry(String run) throws Exception {
        int levels = getRun(run).getList("quality.communityCounts").size();
        Map<UUID, List<Long>> snapshot = new HashMap<>();
        for (int level = 0; level < levels; level++) {
            int l = level;
            primaryCommunities(run, level).forEach((contact, id) -> snapshot.computeIfAbsent(contact,
                    k -> new ArrayList<>(Collections.nCopies(levels, -1L))).set(l, id));
        }
        Map<UUID, List<Long>> onNodes = new HashMap<>();
        try (Session session = driver.session()) {
            session.run("""
                    MATCH (c:Contact) WHERE c.communityLevels IS NOT NULL
                    RETURN c.id AS id, c.community AS community, c.communityLevels AS levels""").forEachRemaining(r -> {
                        List<Long> ids = r.get("levels").asList(v -> v.asLong());
                        assertEquals(ids.get(0), r.get("community").asLong(), "community is the coarsest level's");
                        onNodes.put(UUID.fromString(r.get("id").asString()), ids);
                    });
        }
        assertEquals(snapshot, onNodes, "every contact's community ids, level by level, on its node");
        // And the snapshot's scores, as GDS wrote them from the two projections.
        Map<UUID, List<Object>> scores = new HashMap<>();
        scores(run).forEach((contact, row) -> scores.put(contact, row.subList(0, 4)));
        Map<UUID, List<Object>> nodeScores = new HashMap<>();
        try (Session session = driver.session()) {
            session.run("""
                    MATCH (c:Contact) WHERE c.id IN $ids
                    RETURN c.id AS id, c.pagerank AS pagerank, c.betweenness AS betweenness, c.degree AS degree,
                           c.strength AS strength""", Map.of("ids", scores.keySet().stream().map(UUID::toString).toList()))
                    .forEachRemaining(r -> nodeScores.put(UUID.fromString(r.get("id").asString()),
                            List.of(r.get("pagerank").asDouble(), r.get("betweenness").asDouble(),
                                    r.get("degree").asDouble(), r.get("strength").asDouble())));
        }
        assertEquals(scores, nodeScores, "every contact's PageRank, betweenness, degree and strength on its node");
    }

    @Test
    @Order(15)
    void runHistoryIsPagedNewestFirst() {
        JsonPath page = given().queryParam("limit", 2).when().get("/api/v1/analytics/runs")
                .then().statusCode(200).body("items.size()", equalTo(2))
                .body("items.state", everyItem(equalTo("SUCCEEDED"))).extract().jsonPath();
        given().queryParam("limit", 2).queryParam("cursor", page.getString("next"))
                .when().get("/api/v1/analytics/runs").then().statusCode(200)
                .body("items[0].id", equalTo(firstRun));
        given().when().get("/api/v1/analytics/runs/" + UUID.randomUUID()).then().statusCode(404);
    }

    /**
     * A sampled betweenness is computed in two parts, half the sources each on a graph of its own: every contact's
     * score, in the snapshot and on its node, is the sum of what GDS gives for each part alone, to the last bit.
     */
    @Test
    @Order(16)
    void aSampledBetweennessIsTheSumOfItsTwoPartsEachAsGdsComputesItAlone() throws Exception {
        String run = startAndAwait(QUICK_RUN_BODY);
        JsonPath view = getRun(run);
        assertEquals("SAMPLED 100", view.getString("quality.betweenness"));
        assertEquals(2, view.getInt("parameters.betweennessSampleParts"));
        assertTrue(view.getMap("timings").containsKey("betweenness1"), view.getMap("timings").toString());
        assertTrue(view.getMap("timings").containsKey("betweennessGraph1"), view.getMap("timings").toString());
        Map<UUID, Double> first = new HashMap<>();
        Map<UUID, Double> sum = new HashMap<>();
        Map<UUID, Double> held = new HashMap<>();
        try (Session session = driver.session()) {
            for (int part = 0; part < 2; part++) {
                String graph = AlgorithmGraph.sourcesOf("parts", part);
                algorithms.projectSources("parts", part, 2);
                try {
                    Map<UUID, Double> into = part == 0 ? first : new HashMap<>();
                    session.run("""
                            CALL gds.betweenness.stream($graph, $config) YIELD nodeId, score
                            RETURN gds.util.asNode(nodeId).id AS id, score""",
                            Map.of("graph", graph, "config", Map.of("concurrency", 1, "samplingSize", 50L,
                                    "samplingSeed", config.betweenness().samplingSeed())))
                            .forEachRemaining(r -> into.put(UUID.fromString(r.get("id").asString()),
                                    r.get("score").asDouble()));
                    into.forEach((contact, score) -> sum.merge(contact, score, Double::sum));
                } finally {
                    algorithms.drop(graph);
                }
            }
            session.run("MATCH (c:Contact) RETURN c.id AS id, c.betweenness AS b").forEachRemaining(r ->
                    held.put(UUID.fromString(r.get("id").asString()), r.get("b").asDouble()));
        }
        Map<UUID, List<Object>> stored = scores(run);
        assertEquals(stored.keySet(), sum.keySet(), "the same contacts");
        for (Map.Entry<UUID, List<Object>> e : stored.entrySet()) {
            assertEquals(sum.get(e.getKey()), (double) e.getValue().get(1), 0.0, "betweenness of " + e.getKey());
            assertEquals(sum.get(e.getKey()), held.get(e.getKey()), 0.0, "betweenness on the node of " + e.getKey());
        }
        assertNotEquals(first, sum, "the second part took sources of its own");
    }

    /**
     * A sampled run asking for exact betweenness gets it after it is published: once its quality says so, its snapshot
     * (every score and rank, and each community's bridging members) and the graph's nodes are what a run computing
     * exact betweenness itself gives on the same graph, and no graph of either is left in GDS's catalogue.
     */
    @Test
    @Order(16)
    void aSampledRunAskingForExactBetweennessGetsItAfterwardsAsAnExactRunComputesIt() throws Exception {
        String sampled = startAndAwait("""
                {"overlapShare": 0.25, "samplingSize": 100, "exactBetweenness": true}""");
        JsonPath view = await("exact betweenness of run " + sampled).atMost(Duration.ofMinutes(10))
                .pollInterval(Duration.ofMillis(250)).until(() -> getRun(sampled),
                        run -> !"RUNNING".equals(run.getString("quality.exactBetweenness")));
        assertEquals(ExactBetweenness.SUCCEEDED, view.getString("quality.exactBetweenness"));
        assertEquals("EXACT", view.getString("quality.betweenness"));
        assertTrue(view.getBoolean("parameters.exactBetweenness"));
        assertTrue(view.getMap("timings").containsKey("exactBetweenness"), view.getMap("timings").toString());
        await("exact betweenness' graph dropped").atMost(Duration.ofSeconds(30)).until(() -> runGraphs().isEmpty());
        assertNodesCarry(sampled);
        // Clients that follow the feed learn that the run's betweenness ranks changed.
        await("the event of run " + sampled).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> given().queryParam("types", "analytics-run.exact-betweenness").queryParam("limit", 1000)
                        .when().get("/api/v1/events").then().statusCode(200).extract().jsonPath()
                        .<String>getList("items.subject.id"), ids -> ids.contains(sampled));

        String exact = startAndAwait(RUN_BODY);
        assertEquals("EXACT", getRun(exact).getString("quality.betweenness"));
        assertNull(getRun(exact).getString("quality.exactBetweenness"), "nothing to do after an exact run");
        assertEquals(rankedScores(exact), rankedScores(sampled), "every contact's scores and ranks");
        assertEquals(bridgingMembers(exact), bridgingMembers(sampled), "each community's bridging members, in order");

        // Nothing left to cancel once it has ended, nor where none was asked for: the state is left as it is.
        cancelExact(sampled).then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("https://circles.health/problems/exact-betweenness-not-running"))
                .body("detail", containsString("is SUCCEEDED"));
        cancelExact(exact).then().statusCode(409).body("detail", containsString("is absent"));
        assertEquals(ExactBetweenness.SUCCEEDED, getRun(sampled).getString("quality.exactBetweenness"));
        assertEquals("EXACT", getRun(sampled).getString("quality.betweenness"));
    }

    /** Starts a run sampling betweenness from 100 sources and asking for exact betweenness after it; its id. */
    private static String startExactRun() {
        String location = given().contentType(ContentType.JSON).body("""
                        {"overlapShare": 0.25, "samplingSize": 100, "exactBetweenness": true}""")
                .when().post("/api/v1/analytics/runs").then().statusCode(202).extract().header("Location");
        return location.substring(location.lastIndexOf('/') + 1);
    }

    private static Response cancelExact(String run) {
        return given().when().post("/api/v1/analytics/runs/" + run + "/exact-betweenness/cancel");
    }

    /**
     * Cancelled through the API while it computes, by an analyst: its computation ends at once, it is recorded
     * CANCELLED (not FAILED), the run keeps its sampled betweenness, no graph is left, the cancel is audited, and
     * cancelling again answers the same. Ending another run's computation (as a replica's stop does) ends nothing here.
     */
    @Test
    @Order(16)
    void anExactBetweennessCancelledWhileItComputesEndsKeepsTheSampledOneAndLeavesNoGraph() {
        String me = AuditRows.subject("exact-canceller");
        Supplier<RequestSpecification> analyst = () -> TestTokens.bearer(TestTokens.token(me, Set.of("analyst")));
        String run = startExactRun();
        await("exact betweenness to compute").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(50))
                .until(this::exactBetweennessComputing);
        assertEquals(0, algorithms.terminateExactBetweenness(UUID.randomUUID()), "another run's ends nothing");
        assertTrue(exactBetweennessComputing(), "still computing");
        // While it computes, the run tells how far it is; the history listing does not ask.
        JsonPath computing = getRun(run);
        assertEquals("RUNNING", computing.getString("quality.exactBetweenness"));
        Instant began = Instant.parse(computing.getString("exactBetweennessProgress.startedAt"));
        assertTrue(!began.isAfter(Instant.now()) && began.isAfter(Instant.now().minus(Duration.ofMinutes(5))),
                began.toString());
        Number percent = computing.get("exactBetweennessProgress.percent");
        assertTrue(percent == null || percent.doubleValue() >= 0 && percent.doubleValue() <= 100,
                String.valueOf(percent));
        assertNull(given().queryParam("limit", 5).when().get("/api/v1/analytics/runs").then().statusCode(200)
                .extract().jsonPath().get("items.find { it.id == '" + run + "' }.exactBetweennessProgress"));

        analyst.get().when().post("/api/v1/analytics/runs/" + run + "/exact-betweenness/cancel").then()
                .statusCode(200).body("id", equalTo(run))
                .body("quality.exactBetweenness", equalTo(ExactBetweenness.CANCELLED + ": by request"));
        await("the computation to end").atMost(Duration.ofSeconds(30)).until(exact::idle);
        assertFalse(exactBetweennessComputing());
        JsonPath view = getRun(run);
        assertEquals(ExactBetweenness.CANCELLED + ": by request", view.getString("quality.exactBetweenness"));
        assertEquals("SAMPLED 100", view.getString("quality.betweenness"));
        assertFalse(view.getMap("timings").containsKey("exactBetweenness"), view.getMap("timings").toString());
        assertNull(view.get("exactBetweennessProgress"), "no progress once it ended");
        assertEquals(0, exact.heldBytes());
        assertTrue(runGraphs().isEmpty(), runGraphs().toString());
        analyst.get().when().post("/api/v1/analytics/runs/" + run + "/exact-betweenness/cancel").then()
                .statusCode(200).body("quality.exactBetweenness", equalTo(ExactBetweenness.CANCELLED + ": by request"));
        assertEquals(List.of(
                AuditRows.row("cancel-exact-betweenness", "analytics-run", run, Set.of(), "POST", 200),
                AuditRows.row("cancel-exact-betweenness", "analytics-run", run, Set.of(), "POST", 200)),
                AuditRows.sorted(dataSource, me));

        cancelExact(UUID.randomUUID().toString()).then().statusCode(404).contentType("application/problem+json");
        cancelExact("not-a-run").then().statusCode(400).contentType("application/problem+json");
        TestTokens.bearer(TestTokens.token(AuditRows.subject("outreach"), Set.of("outreach")))
                .when().post("/api/v1/analytics/runs/" + run + "/exact-betweenness/cancel").then().statusCode(403);
    }

    /**
     * Cancelled as it finishes (between the computation and the store): its scores are not stored, and it stays
     * CANCELLED rather than becoming SUCCEEDED or SKIPPED; no event says the ranks changed.
     */
    @Test
    @Order(16)
    void anExactBetweennessCancelledAsItFinishesStoresNothing() {
        AtomicReference<String> run = new AtomicReference<>();
        AtomicInteger answered = new AtomicInteger();
        exact.beforeStore(() -> {
            await().atMost(Duration.ofSeconds(30)).until(() -> run.get() != null);
            answered.set(cancelExact(run.get()).statusCode());
        });
        try {
            run.set(startExactRun());
            assertEquals("SUCCEEDED", awaitRun(run.get()).getString("state"));
            JsonPath view = await("exact betweenness of run " + run).atMost(Duration.ofMinutes(10))
                    .pollInterval(Duration.ofMillis(250)).until(() -> getRun(run.get()),
                            v -> !"RUNNING".equals(v.getString("quality.exactBetweenness")));
            await().atMost(Duration.ofSeconds(30)).until(exact::idle);
            assertEquals(200, answered.get());
            assertEquals(ExactBetweenness.CANCELLED + ": by request",
                    getRun(run.get()).getString("quality.exactBetweenness"), view.prettify());
            assertEquals("SAMPLED 100", getRun(run.get()).getString("quality.betweenness"));
            assertFalse(getRun(run.get()).getMap("timings").containsKey("exactBetweenness"));
            assertTrue(runGraphs().isEmpty(), runGraphs().toString());
            assertFalse(given().queryParam("types", "analytics-run.exact-betweenness").queryParam("limit", 1000)
                    .when().get("/api/v1/events").then().statusCode(200).extract().jsonPath()
                    .<String>getList("items.subject.id").contains(run.get()));
        } finally {
            exact.beforeStore(null);
        }
    }

    /**
     * Cancelled before it begins (published, waiting for the executor): when its turn comes it does not compute, and
     * its graph is dropped all the same.
     */
    @Test
    @Order(16)
    void anExactBetweennessCancelledBeforeItBeginsNeverComputes() {
        String run = startAndAwait(QUICK_RUN_BODY);
        markExactRunning(run);
        cancelExact(run).then().statusCode(200)
                .body("quality.exactBetweenness", equalTo(ExactBetweenness.CANCELLED + ": by request"));
        String graphName = "circles-analytics-" + run + "-cancelled";
        try (Session session = driver.session()) {
            session.run("CALL gds.graph.project($name, 'Contact', {TIE: {orientation: 'UNDIRECTED'}})",
                    Map.of("name", graphName)).consume();
        }
        AtomicInteger computed = new AtomicInteger();
        exact.beforeStore(computed::incrementAndGet);
        try {
            exact.start(UUID.fromString(run), graphName, RunParameters.of(null, config));
            await().atMost(Duration.ofSeconds(30)).until(exact::idle);
        } finally {
            exact.beforeStore(null);
        }
        assertEquals(0, computed.get(), "not computed");
        assertTrue(runGraphs().isEmpty(), runGraphs().toString());
        assertEquals(ExactBetweenness.CANCELLED + ": by request", getRun(run).getString("quality.exactBetweenness"));
        assertEquals("SAMPLED 100", getRun(run).getString("quality.betweenness"));
    }

    /**
     * One exact betweenness at a time, across replicas: while another holds its lock, a run asking for one is told it
     * was skipped, keeps its sampled betweenness, and leaves no graph behind; one that fails says why, and leaves no
     * graph either.
     */
    @Test
    @Order(16)
    void anExactBetweennessThatCannotRunSaysWhyAndLeavesNoGraph() throws Exception {
        String run;
        Connection held = exactStore.tryLock().orElseThrow();
        try {
            run = startAndAwait("""
                    {"overlapShare": 0.25, "samplingSize": 100, "exactBetweenness": true}""");
            JsonPath view = await("exact betweenness of run " + run).atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(250)).until(() -> getRun(run),
                            v -> !"RUNNING".equals(v.getString("quality.exactBetweenness")));
            assertEquals("SKIPPED: another exact betweenness was in progress",
                    view.getString("quality.exactBetweenness"));
            assertEquals("SAMPLED 100", view.getString("quality.betweenness"));
        } finally {
            exactStore.unlock(held);
        }
        await("the skipped betweenness' graph dropped").atMost(Duration.ofSeconds(30))
                .until(() -> runGraphs().isEmpty());

        // Its graph gone (dropped, say, by an operator): the computation fails, and says so.
        markExactRunning(run);
        exact.start(UUID.fromString(run), AlgorithmGraph.sourcesOf("circles-analytics-" + run),
                RunParameters.of(null, config));
        JsonPath failed = await("exact betweenness to fail").atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(250)).until(() -> getRun(run),
                        v -> v.getString("quality.exactBetweenness").startsWith(ExactBetweenness.FAILED));
        assertThat(failed.getString("quality.exactBetweenness"), containsString("circles-analytics-" + run));
        assertEquals("SAMPLED 100", failed.getString("quality.betweenness"));
        await().atMost(Duration.ofSeconds(30)).until(exact::idle);
        assertTrue(runGraphs().isEmpty(), runGraphs().toString());
    }

    /** Records the run's exact betweenness RUNNING, as a run that asked for it does once published. */
    private void markExactRunning(String run) {
        try (Connection c = dataSource.getConnection(); PreparedStatement update = c.prepareStatement("""
                UPDATE analytics_run SET quality = quality || '{"exactBetweenness": "RUNNING"}' WHERE id = ?""")) {
            update.setObject(1, UUID.fromString(run));
            assertEquals(1, update.executeUpdate());
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether an exact betweenness' Neo4j transaction is open. */
    private boolean exactBetweennessComputing() {
        try (Session session = driver.session()) {
            return session.run("SHOW TRANSACTIONS YIELD metaData WHERE metaData.circles = $mark RETURN count(*) AS n",
                    Map.of("mark", AlgorithmGraph.EXACT_BETWEENNESS_TX.get("circles"))).single().get("n").asLong() > 0;
        }
    }

    /**
     * An exact betweenness ended while it computes (as the service's stop ends it) records that it failed, keeps the
     * run's sampled betweenness, and leaves no graph behind.
     */
    @Test
    @Order(16)
    void anExactBetweennessEndedWhileItComputesKeepsTheSampledOneAndLeavesNoGraph() {
        String run = startExactRun();
        // Seconds of computing on this graph: ended as soon as it shows among Neo4j's transactions. Meanwhile its
        // memory is what a run started beside it counts against its budget.
        await("exact betweenness to compute").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(50))
                .until(this::exactBetweennessComputing);
        assertTrue(exact.heldBytes() > 0, "memory held while it computes");
        assertEquals(1, algorithms.terminateExactBetweenness(), "ended");
        JsonPath view = await("exact betweenness to record its end").atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(250)).until(() -> getRun(run),
                        v -> !"RUNNING".equals(v.getString("quality.exactBetweenness")));
        assertEquals(ExactBetweenness.FAILED + ": ended before it finished: its Neo4j transaction was terminated",
                view.getString("quality.exactBetweenness"));
        assertEquals("SAMPLED 100", view.getString("quality.betweenness"));
        await().atMost(Duration.ofSeconds(30)).until(exact::idle);
        assertEquals(0, exact.heldBytes(), "none held once it ended");
        awaitRun(run);
        assertTrue(runGraphs().isEmpty(), runGraphs().toString());
    }

    @Test
    @Order(16)
    void louvainAtConcurrencyOneIsDeterministicToo() throws Exception {
        String body = """
                {"algorithm": "LOUVAIN", "overlapShare": 0.25, "samplingSize": 100}""";
        String a = startAndAwait(body);
        String b = startAndAwait(body);
        assertEquals("LOUVAIN", getRun(a).getString("parameters.algorithm"));
        // Sampled, although the graph is far below the configured threshold: the request asked for 100 sources.
        assertEquals("SAMPLED 100", getRun(a).getString("quality.betweenness"));
        assertEquals(100, getRun(a).getInt("parameters.betweennessExactMaxNodes"));
        assertEquals(scores(a), scores(b), "Louvain: scores and coarsest community of every contact");
        assertEquals(memberships(a), memberships(b), "Louvain: memberships at every level");
        assertEquals(getRun(a).getDouble("quality.modularity"), getRun(b).getDouble("quality.modularity"));
    }

    @Test
    @Order(17)
    void aRunWritesTheIdsOfEveryNodeThatLostOrChangedThem() throws Exception {
        String settled = startAndAwait(QUICK_RUN_BODY);
        assertNodesCarry(settled);
        // As a rebuilt graph (nodes without ids), a failed run's partial write, or a hand edit would leave them.
        try (Session session = driver.session()) {
            session.executeWriteWithoutResult(tx -> {
                tx.run("""
                        MATCH (c:Contact) WHERE c.community IS NOT NULL WITH c ORDER BY c.id LIMIT 30
                        REMOVE c.community, c.communityLevels""").consume();
                tx.run("""
                        MATCH (c:Contact) WHERE c.community IS NOT NULL WITH c ORDER BY c.id DESC LIMIT 30
                        SET c.communityLevels = c.communityLevels + [42]""")
                        .consume();
                tx.run("""
                        MATCH (c:Contact) WHERE c.community IS NOT NULL WITH c ORDER BY c.id DESC SKIP 30 LIMIT 30
                        SET c.community = c.community + 1000000""").consume();
                tx.run("""
                        MATCH (c:Contact) WHERE c.community IS NOT NULL WITH c ORDER BY c.id DESC SKIP 60 LIMIT 30
                        SET c.communityLevels = toString(c.community)""").consume();
            });
        }

        String again = startAndAwait(QUICK_RUN_BODY);

        assertEquals(memberships(settled), memberships(again), "the same graph and parameters: the same communities");
        assertNodesCarry(again);
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private String startAndAwait(String body) {
        String location = given().contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/analytics/runs").then().statusCode(202).extract().header("Location");
        String id = location.substring(location.lastIndexOf('/') + 1);
        JsonPath run = awaitRun(id);
        assertEquals("SUCCEEDED", run.getString("state"), () -> "run failed: " + run.getString("error"));
        return id;
    }

    private static JsonPath getRun(String id) {
        return given().when().get("/api/v1/analytics/runs/" + id).then().statusCode(200).extract().jsonPath();
    }

    private static JsonPath awaitRun(String id) {
        return await("analytics run " + id + " to finish").atMost(Duration.ofMinutes(10))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250))
                .until(() -> getRun(id), run -> !"RUNNING".equals(run.getString("state"))
                        && (!"SUCCEEDED".equals(run.getString("state")) || run.getString("namedAt") != null));
    }

    private static double nmi(List<List<PlantedGraph.Node>> groups, Map<UUID, Long> found) {
        List<String> truth = new ArrayList<>();
        List<Long> labels = new ArrayList<>();
        for (List<PlantedGraph.Node> group : groups) {
            for (PlantedGraph.Node n : group) {
                truth.add(n.group());
                labels.add(found.get(n.id()));
            }
        }
        return Partitions.nmi(truth, labels);
    }

    private static Long majority(List<PlantedGraph.Node> group, Map<UUID, Long> communities) {
        return group.stream().map(n -> communities.get(n.id()))
                .collect(Collectors.groupingBy(c -> c, Collectors.counting()))
                .entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    private Map<UUID, Long> primaryCommunities(String run, int level) throws Exception {
        Map<UUID, Long> out = new HashMap<>();
        query("SELECT contact_id, community_id FROM analytics_membership WHERE run_id = ? AND level = ? AND is_primary",
                List.of(UUID.fromString(run), level), r -> out.put(r.getObject(1, UUID.class), r.getLong(2)));
        return out;
    }

    private Map<UUID, List<Object>> scores(String run) throws Exception {
        Map<UUID, List<Object>> out = new HashMap<>();
        query("SELECT contact_id, pagerank, betweenness, degree, strength, community_id FROM analytics_score WHERE run_id = ?",
                List.of(UUID.fromString(run)), r -> out.put(r.getObject(1, UUID.class),
                        List.of(r.getDouble(2), r.getDouble(3), r.getDouble(4), r.getDouble(5), r.getLong(6))));
        return out;
    }

    private Map<UUID, List<Object>> rankedScores(String run) throws Exception {
        Map<UUID, List<Object>> out = new HashMap<>();
        query("""
                SELECT contact_id, pagerank, betweenness, degree, strength, rank_pagerank, rank_betweenness,
                       rank_degree, rank_strength, community_id
                FROM analytics_score WHERE run_id = ?""", List.of(UUID.fromString(run)),
                r -> out.put(r.getObject(1, UUID.class), List.of(r.getDouble(2), r.getDouble(3), r.getDouble(4),
                        r.getDouble(5), r.getInt(6), r.getInt(7), r.getInt(8), r.getInt(9), r.getLong(10))));
        return out;
    }

    private Map<Long, List<String>> bridgingMembers(String run) throws Exception {
        Map<Long, List<String>> out = new HashMap<>();
        query("SELECT id, bridging_members::text[] FROM analytics_community WHERE run_id = ?",
                List.of(UUID.fromString(run)),
                r -> out.put(r.getLong(1), r.getArray(2) == null ? List.of()
                        : Arrays.asList((String[]) r.getArray(2).getArray())));
        return out;
    }

    private Map<String, Double> memberships(String run) throws Exception {
        Map<String, Double> out = new HashMap<>();
        query("SELECT contact_id, level, community_id, is_primary, coalesce(share, -1) FROM analytics_membership WHERE run_id = ?",
                List.of(UUID.fromString(run)), r -> out.put(r.getString(1) + "/" + r.getInt(2) + "/" + r.getLong(3)
                        + "/" + r.getBoolean(4), r.getDouble(5)));
        return out;
    }

    interface RowConsumer {
        void accept(ResultSet r) throws Exception;
    }

    private void query(String sql, List<Object> params, RowConsumer row) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                s.setObject(i + 1, params.get(i));
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    row.accept(r);
                }
            }
        }
    }

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }
}
