package health.circles.outreach;

import static health.circles.TestTokens.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.Fixtures;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
 * Seed selection over HTTP on graphs whose answer is known, built through the API in the real stores: separate
 * communities each with its own hub (one of them with three hubs sharing their ties), hubs that may not be
 * contacted, kinds to prefer, and a clique beside a pair for spreading. Analytics runs are global to the database, so
 * the tests that need one come last, after a single run.
 */
@QuarkusTest
@AsRole("admin")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeedApiTest {

    /** p = 0.5 on every tie of declared strength 1: cascades matter, and the known answers hold by a wide margin. */
    private static final String HALF = "{\"scale\":0.5,\"maxProbability\":0.5}";

    @Inject
    AgroalDataSource dataSource;

    private final Map<String, List<UUID>> communities = new HashMap<>();
    private final Map<String, UUID> hubs = new HashMap<>();
    private UUID nurse;
    private UUID unknownConsentHub;

    /** Once, before the first test: REST Assured gets its port and token per test, so not in a @BeforeAll. */
    @BeforeEach
    void buildGraphs() {
        if (!communities.isEmpty()) {
            return;
        }
        // A: three hubs tied to each other and to the same 14 contacts (degree 16 each): one of them reaches A.
        List<UUID> a = new ArrayList<>();
        List<UUID> aHubs = List.of(person("PATIENT", "A hub 1", "GRANTED", false),
                person("PATIENT", "A hub 2", "GRANTED", false), person("PATIENT", "A hub 3", "GRANTED", false));
        a.addAll(aHubs);
        for (int i = 0; i < 14; i++) {
            UUID leaf = person("PATIENT", "A member " + i, "GRANTED", false);
            a.add(leaf);
            aHubs.forEach(h -> tie(h, leaf));
        }
        tie(aHubs.get(0), aHubs.get(1));
        tie(aHubs.get(1), aHubs.get(2));
        tie(aHubs.get(0), aHubs.get(2));
        communities.put("A", a);
        hubs.put("A", aHubs.get(0));
        // B, C, D: one hub with ten contacts each (degree 10).
        for (String name : List.of("B", "C", "D")) {
            star(name, "GRANTED", false, 10);
        }
        // E: the hub denied email; F: the hub is do-not-contact. Neither may be a seed.
        star("E", "DENIED", false, 10);
        star("F", "GRANTED", true, 10);
        // G: the hub never answered for email (UNKNOWN): a seed only when the request allows it.
        star("G", null, false, 6);
        unknownConsentHub = hubs.get("G");
        // P: a patient with ten contacts and, apart, a nurse with nine.
        star("P", "GRANTED", false, 10);
        nurse = person("NURSE", "P nurse", "GRANTED", false);
        List<UUID> p = new ArrayList<>(communities.get("P"));
        p.add(nurse);
        for (int i = 0; i < 9; i++) {
            UUID leaf = person("PATIENT", "P nurse's patient " + i, "GRANTED", false);
            p.add(leaf);
            tie(nurse, leaf);
        }
        communities.put("P", p);
        // X: a clique of twelve; Y: a pair. Analytics finds each as a community of its own.
        List<UUID> x = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            x.add(person("PATIENT", "X member " + i, "GRANTED", false));
        }
        for (int i = 0; i < x.size(); i++) {
            for (int j = i + 1; j < x.size(); j++) {
                tie(x.get(i), x.get(j));
            }
        }
        communities.put("X", x);
        List<UUID> y = List.of(person("PATIENT", "Y one", "GRANTED", false), person("PATIENT", "Y two", "GRANTED", false));
        tie(y.get(0), y.get(1));
        communities.put("Y", y);
    }

    @Test
    @Order(2)
    void seedsCoverEveryCommunityWhereTopKByDegreeDoesNot() {
        List<UUID> target = members("A", "B", "C", "D");
        JsonPath answer = ok(body(target, 4, "\"model\":" + HALF));
        Map<UUID, String> communityOf = communityOf("A", "B", "C", "D");

        Set<String> seeded = ids(answer, "seeds").stream().map(communityOf::get).collect(Collectors.toSet());
        assertEquals(Set.of("A", "B", "C", "D"), seeded, "one seed in each community: " + answer.prettify());
        assertTrue(ids(answer, "seeds").containsAll(List.of(hubs.get("B"), hubs.get("C"), hubs.get("D"))));

        List<UUID> naive = ids(answer, "naive.seeds");
        assertEquals(4, naive.size());
        Set<String> naiveCovered = naive.stream().map(communityOf::get).collect(Collectors.toSet());
        assertEquals(2, naiveCovered.size(), "the three hubs of A and one other hub: " + naiveCovered);
        assertEquals(16, answer.getInt("naive.seeds[0].degree"));

        // Expected coverage: each star hub reaches itself and each of its ten contacts with p = 0.5 (6 each); A's hub
        // most of A. The seeds beat the naive pick on the same cascades, by more than the interval's width.
        double expected = answer.getDouble("coverage.expected");
        assertTrue(expected > 3 * 6 + 12 && expected < target.size(), "expected coverage " + expected);
        assertTrue(answer.getDouble("coverage.low") <= expected && expected <= answer.getDouble("coverage.high"));
        assertTrue(answer.getDouble("comparison.low") > 0, "gain over naive: " + answer.getString("comparison"));
        assertTrue(answer.getDouble("coverage.expected") > answer.getDouble("naive.coverage.expected"));
        assertEquals(target.size(), answer.getInt("target.size"));
        assertEquals("CONTACTS", answer.getString("target.kind"));
        // Marginal reach adds up to the sampled estimate, and each star hub adds about 1 + 10 × 0.5.
        double sum = answer.getList("seeds.marginalReach", Float.class).stream().mapToDouble(Float::doubleValue).sum();
        assertEquals(answer.getDouble("coverage.sampledEstimate"), sum, 0.01);
        for (int i = 0; i < 4; i++) {
            UUID seed = UUID.fromString(answer.getString("seeds[" + i + "].contactId"));
            if (!communityOf.get(seed).equals("A")) {
                assertEquals(6.0, answer.getDouble("seeds[" + i + "].marginalReach"), 0.4, answer.prettify());
            }
        }
        // The sampled estimate and the forward cascades agree.
        assertEquals(expected, answer.getDouble("coverage.sampledEstimate"), expected * 0.05);
    }

    @Test
    @Order(3)
    void sameGraphRequestAndSeedGiveTheSameAnswer() {
        String request = body(members("A", "B", "C", "D"), 4, "\"model\":" + HALF + ",\"randomSeed\":7");
        JsonPath first = ok(request);
        JsonPath second = ok(request);
        assertEquals(ids(first, "seeds"), ids(second, "seeds"));
        assertEquals(first.getList("seeds.marginalReach"), second.getList("seeds.marginalReach"));
        assertEquals(first.getMap("coverage"), second.getMap("coverage"));
        assertEquals(first.getMap("naive.coverage"), second.getMap("naive.coverage"));
        assertEquals(first.getMap("comparison"), second.getMap("comparison"));
        assertEquals(first.getMap("sampling"), second.getMap("sampling"));
        assertTrue(second.getBoolean("graph.cached"), "the second request is served from the cached graph");
        JsonPath otherSeed = ok(body(members("A", "B", "C", "D"), 4, "\"model\":" + HALF + ",\"randomSeed\":8"));
        assertNotEquals(first.getDouble("coverage.sampledEstimate"), otherSeed.getDouble("coverage.sampledEstimate"));
    }

    @Test
    @Order(4)
    void contactsWhoDeniedTheChannelOrAreDoNotContactAreNeverSeeds() {
        JsonPath answer = ok(body(members("E", "F"), 2, "\"model\":" + HALF));
        List<UUID> chosen = new ArrayList<>(ids(answer, "seeds"));
        chosen.addAll(ids(answer, "naive.seeds"));
        assertFalse(chosen.contains(hubs.get("E")), "the hub denied email");
        assertFalse(chosen.contains(hubs.get("F")), "the hub is do-not-contact");
        assertEquals(2, ids(answer, "seeds").size());
        // Their contacts are still reached through the others, but without the hubs far less of each star.
        assertTrue(answer.getDouble("coverage.expected") < 2 * 6);
        // Even asked for their own stars alone, the hubs stay out.
        JsonPath onlyE = ok(body(members("E"), 1, "\"model\":" + HALF + ",\"allowUnknownConsent\":true"));
        assertNotEquals(hubs.get("E"), ids(onlyE, "seeds").get(0));
    }

    @Test
    @Order(5)
    void unknownConsentCountsOnlyWhenTheRequestAllowsIt() {
        JsonPath strict = ok(body(members("G"), 1, "\"model\":" + HALF));
        assertNotEquals(unknownConsentHub, ids(strict, "seeds").get(0));
        JsonPath lenient = ok(body(members("G"), 1, "\"model\":" + HALF + ",\"allowUnknownConsent\":true"));
        assertEquals(unknownConsentHub, ids(lenient, "seeds").get(0));
        assertTrue(lenient.getDouble("coverage.expected") > strict.getDouble("coverage.expected"));
    }

    @Test
    @Order(6)
    void preferredKindsWinWhenTheirReachIsClose() {
        JsonPath plain = ok(body(members("P"), 1, "\"model\":" + HALF));
        assertEquals(hubs.get("P"), ids(plain, "seeds").get(0), "ten contacts beat nine");
        // The patient's hub is a community leader (as every star's hub here): preferring clinicians favours the nurse.
        JsonPath preferring = ok(body(members("P"), 1,
                "\"model\":" + HALF + ",\"prefer\":[\"NURSE\",\"PHYSICIAN\",\"OTHER_CLINICIAN\"]"));
        assertEquals(nurse, ids(preferring, "seeds").get(0), "9 × 0.5 + 1 weighted by 1.25 beats 10 × 0.5 + 1");
        assertTrue(preferring.getBoolean("seeds[0].preferred"));
        assertEquals("NURSE", preferring.getString("seeds[0].kind"));
    }

    @Test
    @Order(7)
    void excludedContactsAreNeverSeeds() {
        JsonPath answer = ok(body(members("B"), 1, "\"model\":" + HALF + ",\"exclude\":[\"" + hubs.get("B") + "\"]"));
        assertNotEquals(hubs.get("B"), ids(answer, "seeds").get(0));
        assertNotEquals(hubs.get("B"), ids(answer, "naive.seeds").get(0));
    }

    @Test
    @Order(8)
    void theAnswerIsAuditedWithTheContactsItNames() throws Exception {
        String requestId = "seeds-audit-" + UUID.randomUUID();
        JsonPath answer = given().header("X-Request-Id", requestId).contentType(ContentType.JSON)
                .body(body(members("B"), 1, "\"model\":" + HALF))
                .when().post("/api/v1/outreach/seeds").then().statusCode(200).extract().jsonPath();
        UUID seed = ids(answer, "seeds").get(0);
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT resource_type, action, contact_ids FROM audit_event WHERE request_id = ?")) {
            s.setString(1, requestId);
            try (ResultSet r = s.executeQuery()) {
                assertTrue(r.next(), "an audit row");
                assertEquals("outreach-seeds", r.getString(1));
                assertEquals("select", r.getString(2));
                assertTrue(List.of((Object[]) r.getArray(3).getArray()).contains(seed));
            }
        }
    }

    @Test
    @Order(9)
    void outreachMayAskAnalystsMayNot() {
        as("outreach").contentType(ContentType.JSON).body(body(members("B"), 1, null))
                .when().post("/api/v1/outreach/seeds").then().statusCode(200);
        as("analyst").contentType(ContentType.JSON).body(body(members("B"), 1, null))
                .when().post("/api/v1/outreach/seeds").then().statusCode(403);
    }

    @Test
    @Order(10)
    void badRequestsAreProblems() {
        String b = "\"contacts\":[\"" + hubs.get("B") + "\"]";
        bad("{" + b + ",\"k\":0,\"channel\":\"EMAIL\"}", 400, "k");
        bad("{" + b + ",\"k\":201,\"channel\":\"EMAIL\"}", 400, "k");
        bad("{" + b + ",\"channel\":\"EMAIL\"}", 400, "k");
        bad("{" + b + ",\"k\":1}", 400, "channel");
        bad("{" + b + ",\"k\":1,\"channel\":\"PIGEON\"}", 400, null);
        bad("{\"k\":1,\"channel\":\"EMAIL\"}", 400, "target");
        bad("{" + b + ",\"network\":true,\"k\":1,\"channel\":\"EMAIL\"}", 400, "target");
        bad("{\"contacts\":[\"" + UUID.randomUUID() + "\"],\"k\":1,\"channel\":\"EMAIL\"}", 400, "contacts");
        bad("{\"contacts\":[\"not-a-uuid\"],\"k\":1,\"channel\":\"EMAIL\"}", 400, null);
        bad("{" + b + ",\"k\":1,\"channel\":\"EMAIL\",\"model\":{\"scale\":0}}", 400, "model.scale");
        bad("{" + b + ",\"k\":1,\"channel\":\"EMAIL\",\"model\":{\"maxProbability\":1.5}}", 400, "model.maxProbability");
        bad("{" + b + ",\"k\":1,\"channel\":\"EMAIL\",\"surprise\":1}", 400, null);
        bad("{" + b + ",\"k\":1,\"channel\":\"EMAIL\",\"prefer\":[\"WIZARD\"]}", 400, null);
        seeds("{\"contacts\":[],\"k\":1,\"channel\":\"EMAIL\"}").then().statusCode(422)
                .contentType("application/problem+json").body("type", containsString("empty-target"));
        seeds("{\"contacts\":[\"" + hubs.get("E") + "\"],\"k\":1,\"channel\":\"EMAIL\",\"seedsFrom\":\"TARGET\"}")
                .then().statusCode(422).body("type", containsString("no-eligible-seeds"));
    }

    @Test
    @Order(20)
    void analyticsRunForTheCommunityTests() {
        Fixtures.analyticsRun(Duration.ofMinutes(10));
    }

    @Test
    @Order(21)
    void spreadPutsAtMostItsShareOfSeedsInEachCommunity() {
        // p = 0.05: one seed in the clique reaches about two of it, a second about two more; a seed in the pair reaches
        // about one. So the seeds go to the clique, unless spread allows one per community (ceil(2 / 2)).
        String model = "\"model\":{\"scale\":0.05,\"maxProbability\":0.05}";
        Set<UUID> x = new HashSet<>(communities.get("X"));
        Set<UUID> y = new HashSet<>(communities.get("Y"));
        List<UUID> target = members("X", "Y");
        JsonPath plain = ok(body(target, 2, model));
        assertTrue(x.containsAll(ids(plain, "seeds")), "both seeds in the clique: " + plain.prettify());
        JsonPath spread = ok(body(target, 2, model + ",\"spread\":true"));
        List<UUID> seeds = ids(spread, "seeds");
        assertEquals(1, seeds.stream().filter(x::contains).count(), spread.prettify());
        assertEquals(1, seeds.stream().filter(y::contains).count(), spread.prettify());
        assertEquals(2, spread.getInt("sampling.subCommunities"));
        assertEquals(1, spread.getInt("sampling.perSubCommunity"));
        assertNotEquals(spread.getLong("seeds[0].subCommunity"), spread.getLong("seeds[1].subCommunity"));
        assertEquals(communityOfContact(seeds.get(0)), spread.getLong("seeds[0].subCommunity"));
        assertTrue(spread.getDouble("coverage.expected") < plain.getDouble("coverage.expected"),
                "spreading costs coverage here, as it should");
    }

    @Test
    @Order(22)
    void aCommunityOfTheLatestRunIsATarget() {
        long clique = communityOfContact(communities.get("X").get(0));
        JsonPath answer = ok("{\"community\":" + clique + ",\"k\":1,\"channel\":\"EMAIL\",\"model\":" + HALF + "}");
        assertEquals("COMMUNITY", answer.getString("target.kind"));
        assertEquals(clique, answer.getLong("target.community"));
        assertEquals(12, answer.getInt("target.size"));
        assertTrue(communities.get("X").contains(ids(answer, "seeds").get(0)));
        // p = 0.5 in a clique of twelve: one seed reaches nearly all of it.
        assertTrue(answer.getDouble("coverage.expected") > 11, answer.prettify());
        seeds("{\"community\":987654321,\"k\":1,\"channel\":\"EMAIL\"}").then().statusCode(404)
                .contentType("application/problem+json");
    }

    private long communityOfContact(UUID contact) {
        JsonPath memberships = given().when().get("/api/v1/contacts/" + contact + "/communities")
                .then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> all = memberships.getList("memberships");
        return all.stream().filter(m -> Boolean.TRUE.equals(m.get("primary")) && ((Number) m.get("level")).intValue() == 0)
                .map(m -> ((Number) m.get("communityId")).longValue()).findFirst().orElseThrow();
    }

    @Test
    @Order(20)
    void aSegmentIsATargetAndContactsOfActiveCampaignsAreLeftOutWhenAsked() {
        String pickedJson = members("B", "C").stream().map(id -> "\"" + id + "\"").collect(Collectors.joining(","));
        String segment = Fixtures.segment().filter("{\"contacts\":[" + pickedJson + "]}").create();
        JsonPath bySegment = ok("{\"segment\":\"" + segment + "\",\"k\":2,\"channel\":\"EMAIL\",\"model\":" + HALF + "}");
        assertEquals("SEGMENT", bySegment.getString("target.kind"));
        assertEquals(22, bySegment.getInt("target.size"));
        assertEquals(Set.of(hubs.get("B"), hubs.get("C")), Set.copyOf(ids(bySegment, "seeds")));

        // B is the target of an active campaign: asked to, seed selection leaves its contacts alone.
        String onlyB = Fixtures.segment().filter("{\"contacts\":[" + members("B").stream().map(id -> "\"" + id + "\"")
                .collect(Collectors.joining(",")) + "]}").create();
        String campaign = Fixtures.campaign(onlyB).channel("EMAIL").create();
        JsonPath fresh = ok(body(members("B", "C"), 2, "\"model\":" + HALF + ",\"excludeActiveCampaigns\":true"));
        assertTrue(ids(fresh, "seeds").stream().noneMatch(communities.get("B")::contains), fresh.prettify());
        assertTrue(ids(fresh, "seeds").contains(hubs.get("C")));
        assertTrue(fresh.getList("notes", String.class).stream().anyMatch(n -> n.contains("active campaigns")));
        given().when().post("/api/v1/campaigns/" + campaign + "/close").then().statusCode(200);

        bad("{\"segment\":\"" + UUID.randomUUID() + "\",\"k\":2,\"channel\":\"EMAIL\"}", 404, null);
        bad("{\"segment\":\"" + segment + "\",\"network\":true,\"k\":2,\"channel\":\"EMAIL\"}", 400, "target");
    }

    private void star(String name, String hubConsent, boolean hubDoNotContact, int size) {
        UUID hub = person("COMMUNITY_LEADER", name + " hub", hubConsent, hubDoNotContact);
        List<UUID> all = new ArrayList<>(List.of(hub));
        for (int i = 0; i < size; i++) {
            UUID leaf = person("PATIENT", name + " member " + i, "GRANTED", false);
            all.add(leaf);
            tie(hub, leaf);
        }
        communities.put(name, all);
        hubs.put(name, hub);
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

    private List<UUID> members(String... names) {
        return Stream.of(names).flatMap(n -> communities.get(n).stream()).toList();
    }

    private Map<UUID, String> communityOf(String... names) {
        Map<UUID, String> out = new HashMap<>();
        for (String n : names) {
            communities.get(n).forEach(id -> out.put(id, n));
        }
        return out;
    }

    private static String body(List<UUID> contacts, int k, String more) {
        return "{\"contacts\":[" + contacts.stream().map(id -> "\"" + id + "\"").collect(Collectors.joining(","))
                + "],\"k\":" + k + ",\"channel\":\"EMAIL\"" + (more == null ? "" : "," + more) + "}";
    }

    private static io.restassured.response.Response seeds(String body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/api/v1/outreach/seeds");
    }

    private static JsonPath ok(String body) {
        return seeds(body).then().statusCode(200).extract().jsonPath();
    }

    private static void bad(String body, int status, String field) {
        var then = seeds(body).then().statusCode(status).contentType("application/problem+json");
        if (field != null) {
            then.body("errors.field", hasItem(field));
        }
    }

    private static List<UUID> ids(JsonPath answer, String list) {
        return answer.getList(list + ".contactId", String.class).stream().map(UUID::fromString).toList();
    }
}
