package health.circles.outreach;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Seeding strategies, the threshold model and the comparison of strategies over HTTP, on planted graphs built through
 * the API: a ring of four six-cliques joined by reinforcing bridges beside a star of twelve (complex contagion spreads
 * through the ring from two seeds in one clique, never through the star's leaves, who each know only the hub); a star
 * whose hub everyone's friend is; and stars whose hubs may not be seeds (denied, do-not-contact, excluded, unknown).
 */
@QuarkusTest
@AsRole("admin")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StrategyApiTest {

    private static final List<String> ALL_BUT_PAGERANK = List.of("imm", "degree", "nominated-friend", "acquaintance",
            "clustered", "random");
    /** Exposure travels a tie with p = 0.9; a contact adopts once two of its ties have adopted. */
    private static final String THRESHOLD_TWO = "{\"type\":\"threshold\",\"thresholdCount\":2,\"scale\":10,"
            + "\"maxProbability\":0.9,\"simulations\":300}";
    private static final String CASCADE = "{\"type\":\"independent-cascade\",\"scale\":10,\"maxProbability\":0.9,"
            + "\"simulations\":300}";

    private final List<UUID> ring = new ArrayList<>();
    private final List<UUID> star = new ArrayList<>();
    private UUID hub;
    private final List<UUID> forbiddenTarget = new ArrayList<>();
    private final Set<UUID> forbidden = new HashSet<>();
    private UUID excluded;

    @BeforeEach
    void buildGraphs() {
        if (!ring.isEmpty()) {
            return;
        }
        // The ring: four cliques of six; clique i's members 0 and 1 are each tied to members 2 and 3 of clique i + 1,
        // so two adopters in a clique give the next clique two adopters, who give the rest of it two each.
        List<List<UUID>> cliques = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            List<UUID> q = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                q.add(person("PATIENT", "Ring" + c + " member" + i, "GRANTED", false));
            }
            for (int i = 0; i < 6; i++) {
                for (int j = i + 1; j < 6; j++) {
                    tie(q.get(i), q.get(j));
                }
            }
            cliques.add(q);
            ring.addAll(q);
        }
        for (int c = 0; c < 4; c++) {
            List<UUID> q = cliques.get(c);
            List<UUID> next = cliques.get((c + 1) % 4);
            for (UUID a : q.subList(0, 2)) {
                for (UUID b : next.subList(2, 4)) {
                    tie(a, b);
                }
            }
        }
        // The star: a hub with twelve contacts who know no one else.
        hub = person("COMMUNITY_LEADER", "Star hub", "GRANTED", false);
        star.add(hub);
        for (int i = 0; i < 12; i++) {
            UUID leaf = person("PATIENT", "Star leaf" + i, "GRANTED", false);
            star.add(leaf);
            tie(hub, leaf);
        }
        // Four stars of six whose hubs may not be seeds; each star's members are tied in a chain too, so they have
        // friends who may be.
        String[][] hubs = {{"DENIED", "false"}, {"GRANTED", "true"}, {"GRANTED", "false"}, {null, "false"}};
        for (int h = 0; h < hubs.length; h++) {
            UUID center = person("COMMUNITY_LEADER", "Closed hub" + h, hubs[h][0], Boolean.parseBoolean(hubs[h][1]));
            forbidden.add(center);
            forbiddenTarget.add(center);
            UUID previous = null;
            for (int i = 0; i < 6; i++) {
                UUID leaf = person("PATIENT", "Closed" + h + " member" + i, "GRANTED", false);
                forbiddenTarget.add(leaf);
                tie(center, leaf);
                if (previous != null) {
                    tie(previous, leaf);
                }
                previous = leaf;
            }
            if (h == 2) {
                excluded = center;
            }
        }
    }

    @Test
    @Order(1)
    void everyStrategyHonoursConsentDoNotContactAndExclusions() {
        for (String strategy : ALL_BUT_PAGERANK) {
            for (long seed = 1; seed <= 4; seed++) {
                JsonPath answer = ok(seeds(body(forbiddenTarget, 4, "\"strategy\":\"" + strategy + "\",\"randomSeed\":"
                        + seed + ",\"exclude\":[\"" + excluded + "\"]")));
                List<UUID> chosen = ids(answer, "seeds");
                assertFalse(chosen.isEmpty(), strategy);
                assertTrue(chosen.stream().noneMatch(forbidden::contains),
                        strategy + " chose a contact who may not be a seed: " + answer.prettify());
                assertEquals(strategy, answer.getString("strategy"));
                assertEquals(chosen.size(), new HashSet<>(chosen).size(), strategy + " chose a contact twice");
            }
        }
        // The hub who never answered counts only when the request allows it; degree then picks it.
        JsonPath unknown = ok(seeds(body(forbiddenTarget, 1, "\"strategy\":\"degree\",\"allowUnknownConsent\":true,"
                + "\"exclude\":[\"" + excluded + "\"]")));
        assertEquals(forbiddenTarget.get(21), ids(unknown, "seeds").get(0));
    }

    @Test
    @Order(2)
    void theSameRandomSeedGivesTheSameSeedsAndAnotherSeedOtherSeeds() {
        for (String strategy : List.of("nominated-friend", "acquaintance", "random")) {
            Set<List<UUID>> draws = new HashSet<>();
            for (long seed = 1; seed <= 5; seed++) {
                String b = body(ring, 3, "\"strategy\":\"" + strategy + "\",\"randomSeed\":" + seed);
                List<UUID> first = ids(ok(seeds(b)), "seeds");
                assertEquals(first, ids(ok(seeds(b)), "seeds"), strategy + " with seed " + seed);
                draws.add(first);
            }
            assertTrue(draws.size() > 1, strategy + " drew the same seeds whatever the seed: " + draws);
        }
    }

    @Test
    @Order(3)
    void friendsOfRandomMembersFindTheHubThatRandomMembersMiss() {
        int friendHub = 0;
        int acquaintanceHub = 0;
        int randomHub = 0;
        for (long seed = 1; seed <= 10; seed++) {
            friendHub += hubChosen("nominated-friend", seed);
            acquaintanceHub += hubChosen("acquaintance", seed);
            randomHub += hubChosen("random", seed);
        }
        // Twelve of thirteen members can only name the hub; one member in thirteen is the hub.
        assertTrue(friendHub >= 7, "nominated friends found the hub " + friendHub + " times in 10");
        assertTrue(acquaintanceHub >= 7, "acquaintances found the hub " + acquaintanceHub + " times in 10");
        assertTrue(randomHub <= 4, "random members were the hub " + randomHub + " times in 10");
    }

    private int hubChosen(String strategy, long seed) {
        JsonPath answer = ok(seeds(body(star, 1, "\"strategy\":\"" + strategy + "\",\"randomSeed\":" + seed)));
        return ids(answer, "seeds").get(0).equals(hub) ? 1 : 0;
    }

    @Test
    @Order(4)
    void clusteredSeedsSpreadComplexContagionWhereTheBestConnectedDoNot() {
        List<UUID> target = Stream.concat(ring.stream(), star.stream()).toList();
        JsonPath clustered = ok(seeds(body(target, 2, "\"strategy\":\"clustered\",\"model\":" + THRESHOLD_TWO)));
        JsonPath degree = ok(seeds(body(target, 2, "\"strategy\":\"degree\",\"model\":" + THRESHOLD_TWO)));
        assertEquals("THRESHOLD", clustered.getString("model.type"));
        assertEquals(2, clustered.getInt("model.thresholdCount"));
        // Clustered: two seeds in one clique of the ring; degree: the hub and a bridge, who reinforce no one.
        List<UUID> cs = ids(clustered, "seeds");
        assertTrue(ring.containsAll(cs), clustered.prettify());
        assertEquals(ring.indexOf(cs.get(0)) / 6, ring.indexOf(cs.get(1)) / 6, "both seeds in one clique");
        assertEquals(hub, ids(degree, "seeds").get(0));
        assertTrue(clustered.getDouble("coverage.low") > 15, clustered.prettify());
        assertEquals(2.0, degree.getDouble("coverage.expected"), 0.001, degree.prettify());
        assertTrue(clustered.getDouble("coverage.low") > degree.getDouble("coverage.high"));
        assertNull(clustered.get("sampling"), "only imm samples reverse-reachable sets");
        double marginals = clustered.getList("seeds.marginalReach", Double.class).stream()
                .mapToDouble(Double::doubleValue).sum();
        assertEquals(clustered.getDouble("coverage.expected"), marginals, 0.01, "marginals add up to the coverage");

        // Under the independent cascade the same seeds compare the other way round: the hub's twelve contacts hear it.
        JsonPath clusteredIc = ok(seeds(body(target, 2, "\"strategy\":\"clustered\",\"model\":" + CASCADE)));
        JsonPath degreeIc = ok(seeds(body(target, 2, "\"strategy\":\"degree\",\"model\":" + CASCADE)));
        assertEquals("INDEPENDENT_CASCADE", degreeIc.getString("model.type"));
        assertTrue(degreeIc.getDouble("coverage.low") > clusteredIc.getDouble("coverage.high"),
                degreeIc.prettify() + clusteredIc.prettify());
    }

    @Test
    @Order(5)
    void theComparisonNamesTheWinnerUnderEachModelWithIntervals() {
        List<UUID> target = Stream.concat(ring.stream(), star.stream()).toList();
        String strategies = ALL_BUT_PAGERANK.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(","));
        JsonPath threshold = compared(body(target, 2, "\"strategies\":[" + strategies + "],\"model\":" + THRESHOLD_TWO));
        assertEquals("clustered", threshold.getString("winner.strategy"), threshold.prettify());
        assertEquals(6, threshold.getList("strategies").size());
        assertEquals(300, threshold.getInt("simulations"));
        for (Map<String, Object> row : threshold.<Map<String, Object>>getList("strategies")) {
            double low = ((Number) row.get("low")).doubleValue();
            double high = ((Number) row.get("high")).doubleValue();
            double expected = ((Number) row.get("expected")).doubleValue();
            assertTrue(low <= expected && expected <= high, row.toString());
        }
        assertEquals("random", threshold.getString("winner.overRandom.other"));
        assertTrue(threshold.getBoolean("winner.overRandom.clear"), threshold.prettify());
        assertTrue(threshold.getDouble("winner.overRandom.low") > 0);
        assertTrue(threshold.getDouble("winner.overRunnerUp.difference") > 0);
        assertEquals(threshold.getMap("strategies[0]"), threshold.getMap("strategies.find { it.strategy == 'clustered' }"));

        JsonPath cascade = compared(body(target, 2, "\"strategies\":[" + strategies + "],\"model\":" + CASCADE));
        assertNotEquals("clustered", cascade.getString("winner.strategy"), cascade.prettify());
        // The same request gives the same figures (the same cascades and draws).
        assertEquals(threshold.getList("strategies"), compared(body(target, 2, "\"strategies\":[" + strategies
                + "],\"model\":" + THRESHOLD_TWO)).getList("strategies"));
    }

    @Test
    @Order(6)
    void badRequestsAreProblems() {
        String b = "\"contacts\":[\"" + hub + "\"],\"channel\":\"EMAIL\"";
        bad(seeds("{" + b + ",\"k\":1,\"strategy\":\"loudest\"}"), null);
        bad(seeds("{" + b + ",\"k\":0,\"strategy\":\"degree\"}"), "k");
        bad(seeds("{" + b + ",\"k\":201,\"strategy\":\"random\"}"), "k");
        bad(seeds("{" + b + ",\"k\":1,\"model\":{\"type\":\"threshold\",\"thresholdFraction\":\"NaN\"}}"),
                "model.thresholdFraction");
        bad(seeds("{" + b + ",\"k\":1,\"model\":{\"type\":\"threshold\",\"thresholdFraction\":1.5}}"),
                "model.thresholdFraction");
        bad(seeds("{" + b + ",\"k\":1,\"model\":{\"type\":\"threshold\"}}"), "model.thresholdFraction");
        bad(seeds("{" + b + ",\"k\":1,\"model\":{\"type\":\"threshold\",\"thresholdFraction\":0.5,"
                + "\"thresholdCount\":2}}"), "model.thresholdFraction");
        bad(seeds("{" + b + ",\"k\":1,\"model\":{\"thresholdCount\":2}}"), "model.thresholdCount");
        bad(seeds("{" + b + ",\"k\":1,\"model\":{\"type\":\"threshold\",\"thresholdCount\":0}}"), "model.thresholdCount");
        bad(seeds("{" + b + ",\"k\":1,\"model\":{\"type\":\"epidemic\"}}"), null);
        bad(compare("{" + b + ",\"k\":1,\"strategies\":[\"degree\",\"loudest\"]}"), null);
        bad(compare("{" + b + ",\"k\":1,\"strategies\":[]}"), "strategies");
        bad(compare("{" + b + ",\"k\":0}"), "k");
        bad(compare("{" + b + ",\"k\":1,\"model\":{\"type\":\"threshold\",\"thresholdFraction\":\"NaN\"}}"),
                "model.thresholdFraction");
        compare("{" + b + ",\"k\":51}").then().statusCode(422).contentType("application/problem+json")
                .body("type", containsString("compare-too-large"));
        compare("{" + b + ",\"k\":1,\"model\":{\"simulations\":5000}}").then().statusCode(422)
                .body("type", containsString("compare-too-large"));
    }

    @Test
    @Order(7)
    void analystsMayCompareButNotChooseSeeds() {
        String b = body(star, 1, "\"strategies\":[\"degree\",\"random\"],\"model\":{\"simulations\":100}");
        given().auth().oauth2(health.circles.TestTokens.token("analyst")).contentType(ContentType.JSON).body(b)
                .when().post("/api/v1/outreach/strategies/compare").then().statusCode(200);
        given().auth().oauth2(health.circles.TestTokens.token("clinician")).contentType(ContentType.JSON).body(b)
                .when().post("/api/v1/outreach/strategies/compare").then().statusCode(403);
    }

    @Test
    @Order(20)
    void pagerankComesFromTheLatestAnalyticsRun() {
        Fixtures.analyticsRun(Duration.ofMinutes(10));
        JsonPath answer = ok(seeds(body(star, 1, "\"strategy\":\"pagerank\"")));
        assertEquals(hub, ids(answer, "seeds").get(0), answer.prettify());
        JsonPath all = compared(body(star, 1, "\"model\":{\"simulations\":100}"));
        assertEquals(7, all.getList("strategies").size(), all.prettify());
    }

    private static UUID person(String kind, String name, String emailConsent, boolean doNotContact) {
        String[] parts = name.split(" ", 2);
        Fixtures.ContactFixture person = Fixtures.contact().kind(kind).named(parts[0], parts[1])
                .doNotContact(doNotContact);
        return (emailConsent == null ? person.consent(Map.of()) : person.consent("EMAIL", emailConsent)).create().uuid();
    }

    private static void tie(UUID from, UUID to) {
        Fixtures.tie(from, to).type("FRIEND_OF").declaredStrength(1.0).create();
    }

    private static String body(List<UUID> contacts, int k, String more) {
        return "{\"contacts\":[" + contacts.stream().map(id -> "\"" + id + "\"").collect(Collectors.joining(","))
                + "],\"k\":" + k + ",\"channel\":\"EMAIL\",\"seedsFrom\":\"TARGET\"" + (more == null ? "" : "," + more)
                + "}";
    }

    private static Response seeds(String body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/api/v1/outreach/seeds");
    }

    private static Response compare(String body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/api/v1/outreach/strategies/compare");
    }

    private static JsonPath ok(Response response) {
        return response.then().statusCode(200).extract().jsonPath();
    }

    private static JsonPath compared(String body) {
        return ok(compare(body));
    }

    private static void bad(Response response, String field) {
        var then = response.then().statusCode(400).contentType("application/problem+json");
        if (field != null) {
            then.body("errors.field", hasItem(field));
        }
    }

    private static List<UUID> ids(JsonPath answer, String list) {
        return answer.getList(list + ".contactId", String.class).stream().map(UUID::fromString).toList();
    }
}
