package health.circles.outreach;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Experiments over HTTP on six stars built through the API (sizes 10 down to 5; in the stars of 10, 8 and 6 one leaf
 * denied email), each a community of its own after an analytics run: the stratified assignment, its reproducibility,
 * the report's figures against values worked out by hand, refusals, and erasure.
 */
@QuarkusTest
@AsRole("admin")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExperimentApiTest {

    private static final double EPS = 1e-6;

    /** Per star (by size): the hub first, then the leaves who granted email; the denied leaf apart. */
    private final Map<Integer, List<UUID>> stars = new HashMap<>();
    private final Map<Integer, UUID> denied = new HashMap<>();
    private final Map<Integer, Long> communityOf = new HashMap<>();
    private final Map<Long, Integer> sizeOf = new HashMap<>();
    /** A star of three who all denied email: no one in it may be approached. */
    private final List<UUID> closedStar = new ArrayList<>();
    private long closedCommunity;
    private String experiment;

    @BeforeEach
    void buildStars() {
        if (!stars.isEmpty()) {
            return;
        }
        for (int size = 10; size >= 5; size--) {
            UUID hub = person("COMMUNITY_LEADER", "Star" + size + " hub", "GRANTED");
            List<UUID> members = new ArrayList<>(List.of(hub));
            boolean withDenied = size % 2 == 0;
            for (int i = 1; i < size; i++) {
                boolean no = withDenied && i == size - 1;
                UUID leaf = person("PATIENT", "Star" + size + " leaf" + i, no ? "DENIED" : "GRANTED");
                Fixtures.tie(hub, leaf).type("FRIEND_OF").declaredStrength(1.0).create();
                if (no) {
                    denied.put(size, leaf);
                } else {
                    members.add(leaf);
                }
            }
            stars.put(size, members);
        }
        UUID hub = person("COMMUNITY_LEADER", "Closed hub", "DENIED");
        closedStar.add(hub);
        for (int i = 0; i < 2; i++) {
            UUID leaf = person("PATIENT", "Closed leaf" + i, "DENIED");
            Fixtures.tie(hub, leaf).type("FRIEND_OF").declaredStrength(1.0).create();
            closedStar.add(leaf);
        }
    }

    @Test
    @Order(1)
    void eachStarIsACommunityOfTheRun() {
        Fixtures.analyticsRun(Duration.ofMinutes(3));
        for (int size = 10; size >= 5; size--) {
            long community = communityOfContact(stars.get(size).get(0));
            for (UUID member : stars.get(size)) {
                assertEquals(community, communityOfContact(member), "star " + size + " is one community");
            }
            communityOf.put(size, community);
            sizeOf.put(community, size);
        }
        closedCommunity = communityOfContact(closedStar.get(0));
    }

    @Test
    @Order(2)
    void armsAreAssignedWithinStrataOfSizeAndTheReportMatchesTheOutcomes() {
        List<Long> asked = new ArrayList<>(allCommunities());
        asked.add(closedCommunity);
        Response created = create(body("[\"degree\",\"random\"]", 1, asked, 2026L));
        created.then().statusCode(201).header("Location", containsString("/api/v1/experiments/"));
        JsonPath e = created.jsonPath();
        experiment = e.getString("id");
        assertEquals(2026L, e.getLong("randomSeed"));
        assertEquals(List.of(closedCommunity), e.getList("leftOut", Long.class), "no one there may be approached");
        assertEquals(List.of("degree", "random"), e.getList("arms"));
        assertEquals(experiment, e.getString("campaign.id"));
        assertNull(e.get("campaign.segmentId"));
        assertEquals(42, e.getInt("campaign.counts.targets"), "every granted member of the six stars");
        assertEquals(3, e.getInt("campaign.excludedAtStart.denied"));
        Map<Integer, String> armOf = new HashMap<>();
        Map<Integer, UUID> seedOf = new HashMap<>();
        List<Map<String, Object>> communities = e.getList("communities");
        assertEquals(6, communities.size());
        for (Map<String, Object> c : communities) {
            int size = sizeOf.get(((Number) c.get("communityId")).longValue());
            assertEquals(size, ((Number) c.get("size")).intValue());
            assertEquals((10 - size) / 2, ((Number) c.get("stratum")).intValue(), "strata by size");
            assertEquals(stars.get(size).size(), ((Number) c.get("targets")).intValue());
            @SuppressWarnings("unchecked") List<String> seeds = (List<String>) c.get("seeds");
            assertEquals(1, seeds.size());
            armOf.put(size, (String) c.get("arm"));
            seedOf.put(size, UUID.fromString(seeds.get(0)));
            assertTrue(stars.get(size).contains(seedOf.get(size)), "the seed is a member who may be approached");
        }
        for (int top = 10; top >= 6; top -= 2) {
            assertEquals(Set.of("degree", "random"), Set.of(armOf.get(top), armOf.get(top - 1)), "each stratum has both");
        }
        for (int size : armOf.keySet()) {
            if (armOf.get(size).equals("degree")) {
                assertEquals(stars.get(size).get(0), seedOf.get(size), "degree seeds the hub");
            }
        }

        // Outcomes. Degree communities (targets 9, 7, 5 by stratum): the hub and 5, 3, 1 leaves respond. Random ones
        // (targets 9, 7, 5): 3, 1, 1 leaves that are not the seed respond; someone else is only reached.
        int[] degreeLeaves = {5, 3, 1};
        int[] randomLeaves = {3, 1, 1};
        long[] randomSpill = new long[4]; // one hop: targets, adopters; two hops: targets, adopters
        for (int size = 10; size >= 5; size--) {
            List<UUID> members = stars.get(size);
            UUID hub = members.get(0);
            List<UUID> leaves = members.subList(1, members.size());
            int stratum = (10 - size) / 2;
            if (armOf.get(size).equals("degree")) {
                respond(hub, leaves.get(0));
                for (UUID leaf : leaves.subList(0, degreeLeaves[stratum])) {
                    respond(leaf, hub);
                }
                reach(leaves.get(leaves.size() - 1), hub);
            } else {
                UUID seed = seedOf.get(size);
                List<UUID> others = leaves.stream().filter(l -> !l.equals(seed)).toList();
                for (UUID leaf : others.subList(0, randomLeaves[stratum])) {
                    respond(leaf, hub);
                }
                if (seed.equals(hub)) {
                    randomSpill[0] += leaves.size();
                    randomSpill[1] += randomLeaves[stratum];
                } else {
                    randomSpill[0] += 1; // the hub, who did not respond
                    randomSpill[2] += others.size();
                    randomSpill[3] += randomLeaves[stratum];
                }
            }
        }

        JsonPath report = given().when().get("/api/v1/experiments/" + experiment + "/report").then().statusCode(200)
                .extract().jsonPath();
        assertTrue(report.getString("adopter").contains("RESPONDED"), report.getString("adopter"));
        assertEquals(2, report.getList("arms").size());
        // degree: 12 adopters of 21 targets; communities 6/9, 4/7, 2/5.
        assertEquals("degree", report.getString("arms[0].strategy"));
        assertEquals(3, report.getInt("arms[0].communities"));
        assertEquals(21, report.getInt("arms[0].targets"));
        assertEquals(3, report.getInt("arms[0].seeds"));
        assertEquals(12, report.getInt("arms[0].adopters"));
        estimate(report, "arms[0].uptake", 12.0 / 21, 0.365466, 0.755300);
        estimate(report, "arms[0].communityUptake", 0.546032, 0.210337, 0.881726);
        estimate(report, "arms[0].overRandom.individual", 1.0 / 3, 0.037172, 0.559572);
        estimate(report, "arms[0].overRandom.byCommunity", 0.320635, -0.093670, 0.734939);
        assertFalse(report.getBoolean("arms[0].overRandom.clear"));
        // Every non-seed target of a degree community is a leaf, one tie from its hub: 18, of whom 9 responded.
        assertEquals(18, report.getInt("arms[0].oneHop.targets"));
        assertEquals(9, report.getInt("arms[0].oneHop.adopters"));
        estimate(report, "arms[0].oneHop.uptake", 0.5, 0.290310, 0.709690);
        assertEquals(0, report.getInt("arms[0].twoHops.targets"));
        assertNull(report.get("arms[0].twoHops.uptake.value"), "no one two ties away: no uptake, not NaN");
        // random: 5 adopters of 21; communities 3/9, 1/7, 1/5 (the interval's low end is cut at 0).
        assertEquals("random", report.getString("arms[1].strategy"));
        assertEquals(21, report.getInt("arms[1].targets"));
        assertEquals(5, report.getInt("arms[1].adopters"));
        estimate(report, "arms[1].uptake", 5.0 / 21, 0.106280, 0.450912);
        estimate(report, "arms[1].communityUptake", 0.225397, 0.0, 0.468208);
        assertNull(report.get("arms[1].overRandom"));
        assertEquals(randomSpill[0], report.getLong("arms[1].oneHop.targets"));
        assertEquals(randomSpill[1], report.getLong("arms[1].oneHop.adopters"));
        assertEquals(randomSpill[2], report.getLong("arms[1].twoHops.targets"));
        assertEquals(randomSpill[3], report.getLong("arms[1].twoHops.adopters"));
        if (randomSpill[2] > 0) {
            assertEquals((double) randomSpill[3] / randomSpill[2], report.getDouble("arms[1].twoHops.uptake.value"), EPS);
        }
        assertTrue(report.getList("notes", String.class).stream().anyMatch(n -> n.contains("ACTIVE")));

        // The campaign's own report sees the same outcomes.
        given().when().get("/api/v1/campaigns/" + experiment + "/report").then().statusCode(200)
                .body("totals.responded", org.hamcrest.Matchers.equalTo(17));
        given().when().get("/api/v1/experiments/" + experiment).then().statusCode(200)
                .body("communities.size()", org.hamcrest.Matchers.equalTo(6));
    }

    @Test
    @Order(3)
    void theSameCommunitiesArmsAndSeedGiveTheSameAssignmentAndSeeds() {
        String arms = "[\"random\",\"nominated-friend\",\"degree\"]";
        JsonPath first = create(body(arms, 2, allCommunities(), 99L)).then().statusCode(201).extract().jsonPath();
        String reversed = "[\"degree\",\"nominated-friend\",\"random\"]";
        JsonPath again = create(body(reversed, 2, allCommunities(), 99L)).then().statusCode(201).extract().jsonPath();
        assertEquals(assignment(first), assignment(again));
        assertEquals(first.getList("communities.seeds"), again.getList("communities.seeds"));
        // Three arms over six communities: two strata of three, each arm once in each.
        Map<String, Integer> perArm = new HashMap<>();
        assignment(first).values().forEach(a -> perArm.merge(a, 1, Integer::sum));
        assertEquals(Map.of("random", 2, "nominated-friend", 2, "degree", 2), perArm);
        // Without a seed one is drawn, stored and shown.
        JsonPath drawn = create(body(arms, 1, allCommunities(), null)).then().statusCode(201).extract().jsonPath();
        JsonPath read = given().when().get("/api/v1/experiments/" + drawn.getString("id")).then().statusCode(200)
                .extract().jsonPath();
        assertEquals(drawn.getLong("randomSeed"), read.getLong("randomSeed"));
        assertEquals(assignment(drawn), assignment(read));
    }

    @Test
    @Order(4)
    void anArmWithoutCommunitiesReportsNoFiguresRatherThanFailing() {
        List<Long> two = List.of(communityOf.get(6), communityOf.get(5));
        JsonPath e = create(body("[\"degree\",\"clustered\",\"random\"]", 1, two, 5L)).then().statusCode(201)
                .extract().jsonPath();
        JsonPath report = given().when().get("/api/v1/experiments/" + e.getString("id") + "/report").then()
                .statusCode(200).extract().jsonPath();
        List<Map<String, Object>> arms = report.getList("arms");
        assertEquals(3, arms.size());
        Map<String, Object> empty = arms.stream().filter(a -> ((Number) a.get("communities")).intValue() == 0)
                .findFirst().orElseThrow();
        assertEquals(0, ((Number) empty.get("targets")).intValue());
        @SuppressWarnings("unchecked") Map<String, Object> uptake = (Map<String, Object>) empty.get("uptake");
        assertNull(uptake.get("value"));
        assertTrue(report.getList("notes", String.class).stream().anyMatch(n -> n.contains("has no community")));
        assertFalse(report.prettify().contains("NaN"));
    }

    @Test
    @Order(5)
    void badInputIsAClearRefusal() {
        List<Long> all = allCommunities();
        refused(body("[\"degree\",\"telepathy\"]", 1, all, 1L), 400, null);
        refused(body("[\"degree\",\"imm\"]", 1, all, 1L), 400, "arms");
        refused(body("[\"random\",\"random\"]", 1, all, 1L), 400, "arms");
        refused(body("[\"random\"]", 1, all, 1L), 400, "arms");
        refused(body("[\"degree\",\"random\"]", 0, all, 1L), 400, "k");
        refused(body("[\"degree\",\"random\"]", 51, all, 1L), 400, "k");
        refused(body("[\"degree\",\"random\"]", 1, List.of(987654321L), 1L), 400, "communities");
        refused("{\"name\":\"x\",\"channel\":\"EMAIL\",\"arms\":[\"degree\",\"random\"],\"k\":1,\"level\":9}", 422, null)
                .body("type", containsString("no-communities"));
        refused("{\"name\":\"x\",\"channel\":\"PIGEON\",\"arms\":[\"degree\",\"random\"],\"k\":1}", 400, null);
        given().when().get("/api/v1/experiments/" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json");
        given().when().get("/api/v1/experiments/" + UUID.randomUUID() + "/report").then().statusCode(404);
        given().when().get("/api/v1/experiments/not-an-id").then().statusCode(400);
        refused(body("[\"degree\",\"random\"]", 1, List.of(closedCommunity), 1L), 422, null)
                .body("type", containsString("no-communities"));
        String plain = Fixtures.campaign(Fixtures.segment().tagged(Fixtures.uniqueTag()).create()).channel("EMAIL").create();
        given().when().get("/api/v1/experiments/" + plain + "/report").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    @Order(6)
    void outcomesGoThroughTheCampaignAndErasureLeavesTheExperiment() {
        JsonPath before = given().when().get("/api/v1/experiments/" + experiment + "/report").then().statusCode(200)
                .extract().jsonPath();
        // A responding leaf of the star of 10 leaves; its community's arm loses a target and an adopter. The first
        // leaf that is not the community's seed responded in either arm (a random seed may be that star's first leaf).
        @SuppressWarnings("unchecked") Map<String, Object> ten = given().when().get("/api/v1/experiments/" + experiment)
                .then().statusCode(200).extract().jsonPath().getList("communities", Map.class).stream()
                .filter(c -> ((Number) c.get("communityId")).longValue() == communityOf.get(10))
                .findFirst().orElseThrow();
        String arm = (String) ten.get("arm");
        List<?> seeds = (List<?>) ten.get("seeds");
        UUID leaf = stars.get(10).subList(1, stars.get(10).size()).stream()
                .filter(l -> !seeds.contains(l.toString())).findFirst().orElseThrow();
        int i = before.getList("arms.strategy").indexOf(arm);
        given().when().post("/api/v1/contacts/" + leaf + "/erasure").then().statusCode(204);
        JsonPath after = given().when().get("/api/v1/experiments/" + experiment + "/report").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(before.getInt("arms[" + i + "].targets") - 1, after.getInt("arms[" + i + "].targets"));
        assertEquals(before.getInt("arms[" + i + "].adopters") - 1, after.getInt("arms[" + i + "].adopters"));
        JsonPath read = given().when().get("/api/v1/experiments/" + experiment).then().statusCode(200).extract().jsonPath();
        assertFalse(read.getList("communities.seeds").toString().contains(leaf.toString()));
        given().when().post("/api/v1/campaigns/" + experiment + "/close").then().statusCode(200);
        JsonPath closed = given().when().get("/api/v1/experiments/" + experiment + "/report").then().statusCode(200)
                .extract().jsonPath();
        assertEquals("CLOSED", closed.getString("state"));
    }

    private List<Long> allCommunities() {
        List<Long> out = new ArrayList<>();
        for (int size = 10; size >= 5; size--) {
            out.add(communityOf.get(size));
        }
        return out;
    }

    private static String body(String arms, int k, List<Long> communities, Long seed) {
        return "{\"name\":\"Trial " + UUID.randomUUID() + "\",\"channel\":\"EMAIL\",\"arms\":" + arms + ",\"k\":" + k
                + ",\"communities\":" + communities + (seed == null ? "" : ",\"randomSeed\":" + seed) + "}";
    }

    private static Response create(String body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/api/v1/experiments");
    }

    private static io.restassured.response.ValidatableResponse refused(String body, int status, String field) {
        var then = create(body).then().statusCode(status).contentType("application/problem+json");
        if (field != null) {
            then.body("errors.field", hasItem(field));
        }
        return then;
    }

    private static Map<Long, String> assignment(JsonPath e) {
        List<Map<String, Object>> communities = e.getList("communities");
        return communities.stream().collect(Collectors.toMap(c -> ((Number) c.get("communityId")).longValue(),
                c -> (String) c.get("arm")));
    }

    private void respond(UUID contact, UUID via) {
        OutreachCalls.outcome(experiment, contact.toString(), "RESPONDED", via.toString()).then().statusCode(201);
    }

    private void reach(UUID contact, UUID via) {
        OutreachCalls.outcome(experiment, contact.toString(), "REACHED", via.toString()).then().statusCode(201);
    }

    private static void estimate(JsonPath report, String path, double value, double low, double high) {
        assertEquals(value, report.getDouble(path + ".value"), EPS, path);
        assertEquals(low, report.getDouble(path + ".low"), EPS, path + ".low");
        assertEquals(high, report.getDouble(path + ".high"), EPS, path + ".high");
    }

    private static long communityOfContact(UUID contact) {
        List<Map<String, Object>> all = given().when().get("/api/v1/contacts/" + contact + "/communities")
                .then().statusCode(200).extract().jsonPath().getList("memberships");
        return all.stream().filter(m -> Boolean.TRUE.equals(m.get("primary")) && ((Number) m.get("level")).intValue() == 0)
                .map(m -> ((Number) m.get("communityId")).longValue()).findFirst().orElseThrow();
    }

    private static UUID person(String kind, String name, String emailConsent) {
        String[] parts = name.split(" ", 2);
        return Fixtures.contact().kind(kind).named(parts[0], parts[1]).consent("EMAIL", emailConsent).create().uuid();
    }
}
