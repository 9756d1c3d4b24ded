package health.circles.analytics;

import static health.circles.TestTokens.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.sync.GraphRelay;
import health.circles.web.MapNetwork;
import health.circles.web.ProductionEdgeProfile;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Community names over HTTP on the map tests' network: generated from what is over-represented in each community
 * (checked against the database), shown wherever communities are, renamed by staff with If-Match, and kept across runs.
 */
@QuarkusTest
@AsRole("admin")
@TestProfile(ProductionEdgeProfile.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommunityNamesApiTest {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    GraphRelay relay;

    private String marisol;

    @BeforeEach
    void network() {
        if (marisol == null) {
            marisol = MapNetwork.ensure(dataSource, relay);
        }
    }

    @Test
    void everyCommunityIsNamedAfterWhatIsOverRepresentedInIt() throws SQLException {
        JsonPath page = given().queryParam("level", 0).queryParam("limit", 200).get("/api/v1/communities")
                .then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> communities = page.getList("items");
        assertFalse(communities.isEmpty());
        int characterised = 0;
        for (Map<String, Object> c : communities) {
            String name = (String) c.get("name");
            assertTrue(name != null && !name.isBlank() && name.length() <= 80, "named: " + c);
            assertFalse(name.matches("(?i)community \\d+"), "a name, not a number: " + name);
            assertTrue(((String) c.get("description")).startsWith(c.get("size") + " members"), c.toString());
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> traits = (List<Map<String, Object>>) c.get("traits");
            if (!traits.isEmpty()) {
                characterised++;
            }
            for (Map<String, Object> t : traits) {
                assertTrue(((Number) t.get("lift")).doubleValue() >= 1.5, "over-represented: " + t);
                assertTrue(((Number) t.get("share")).doubleValue() >= 0.25 || "KIND".equals(t.get("category")), t.toString());
            }
        }
        assertTrue(characterised >= communities.size() / 2, characterised + " of " + communities.size()
                + " communities have something that stands out (the generator gives each its own postal code and clinic)");

        // One postal code trait recounted from the database: members who have it, and the whole run's share.
        Map<String, Object> withPostal = communities.stream().filter(c -> ((List<?>) c.get("traits")).stream()
                .anyMatch(t -> "POSTAL_CODE".equals(((Map<?, ?>) t).get("category")))).findFirst().orElseThrow();
        Map<?, ?> postal = ((List<?>) withPostal.get("traits")).stream().map(t -> (Map<?, ?>) t)
                .filter(t -> "POSTAL_CODE".equals(t.get("category"))).findFirst().orElseThrow();
        long id = ((Number) withPostal.get("id")).longValue();
        String code = (String) postal.get("value");
        long inside = count("""
                SELECT count(*) FROM analytics_membership m JOIN contact c ON c.id = m.contact_id
                WHERE m.run_id = (SELECT id FROM analytics_run WHERE state = 'SUCCEEDED' ORDER BY finished_at DESC LIMIT 1)
                  AND m.community_id = ? AND m.is_primary AND c.postal_code = ?""", id, code);
        long overall = count("""
                SELECT count(*) FROM analytics_score s JOIN contact c ON c.id = s.contact_id
                WHERE s.run_id = (SELECT id FROM analytics_run WHERE state = 'SUCCEEDED' ORDER BY finished_at DESC LIMIT 1)
                  AND c.postal_code = ?""", code);
        long everyone = count("""
                SELECT count(*) FROM analytics_score
                WHERE run_id = (SELECT id FROM analytics_run WHERE state = 'SUCCEEDED' ORDER BY finished_at DESC LIMIT 1)""");
        assertEquals(inside, ((Number) postal.get("count")).longValue(), postal.toString());
        double share = inside / ((Number) withPostal.get("size")).doubleValue();
        assertEquals(share, ((Number) postal.get("share")).doubleValue(), 0.001);
        assertEquals(share / (overall / (double) everyone), ((Number) postal.get("lift")).doubleValue(), 0.01);
        assertTrue(((String) withPostal.get("generatedName")).contains(code)
                || ((String) withPostal.get("description")).contains(code), withPostal.toString());
    }

    @Test
    void staffRenameACommunityAndTheNameIsShownWhereverItAppearsAndOutlivesTheRun() throws SQLException {
        JsonPath influencer = given().queryParam("contact", marisol).get("/api/v1/influencers").then()
                .statusCode(200).extract().jsonPath();
        long community = influencer.getLong("items[0].community");
        JsonPath before = given().get("/api/v1/communities/" + community + "/name").then().statusCode(200)
                .extract().jsonPath();
        String etag = given().get("/api/v1/communities/" + community + "/name").then().extract().header("ETag");
        assertEquals("\"" + before.getLong("version") + "\"", etag);
        assertEquals(before.getString("name"), influencer.getString("items[0].communityName"));
        String chosen = "Eastside caregivers " + System.nanoTime() % 10000;

        // Refused: no If-Match, a stale one, a role that may not rename, a name too long.
        as("outreach").contentType("application/json").body(Map.of("name", chosen))
                .put("/api/v1/communities/" + community + "/name").then().statusCode(428);
        as("outreach").contentType("application/json").header("If-Match", "\"999999\"").body(Map.of("name", chosen))
                .put("/api/v1/communities/" + community + "/name").then().statusCode(412);
        as("analyst").contentType("application/json").header("If-Match", etag).body(Map.of("name", chosen))
                .put("/api/v1/communities/" + community + "/name").then().statusCode(403);
        as("outreach").contentType("application/json").header("If-Match", etag).body(Map.of("name", "x".repeat(81)))
                .put("/api/v1/communities/" + community + "/name").then().statusCode(400)
                .body("errors.field", hasItem("name"));
        as("outreach").contentType("application/json").header("If-Match", etag).body(Map.of("name", chosen))
                .put("/api/v1/communities/999999999/name").then().statusCode(404);
        assertEquals(before.getString("name"), given().get("/api/v1/communities/" + community + "/name").then()
                .extract().path("name"), "nothing changed by the refused calls");

        String renamed = as("outreach").contentType("application/json").header("If-Match", etag)
                .body(Map.of("name", "  " + chosen + "  ")).put("/api/v1/communities/" + community + "/name")
                .then().statusCode(200).body("name", equalTo(chosen)).body("renamed", equalTo(true))
                .body("generatedName", equalTo(before.getString("generatedName")))
                .extract().header("ETag");
        assertNotEquals(etag, renamed);
        assertEquals(1, count("SELECT count(*) FROM audit_event WHERE resource_type = 'community-name' "
                + "AND resource_id = ? AND action = 'update' AND status = 200", String.valueOf(community)));

        // Everywhere communities are shown.
        given().get("/api/v1/communities/" + community).then().statusCode(200).body("summary.name", equalTo(chosen));
        given().queryParam("contact", marisol).get("/api/v1/influencers").then()
                .body("items[0].communityName", equalTo(chosen));
        given().get("/api/v1/contacts/" + marisol + "/communities").then()
                .body("memberships.find { it.communityId == " + community + " }.name", equalTo(chosen));
        given().get("/api/v1/maps/overview").then()
                .body("elements.nodes.data.find { it.community == " + community + " }.label", equalTo(chosen));
        given().get("/api/v1/maps/contacts/" + marisol).then()
                .body("communityNames.'" + community + "'", equalTo(chosen));
        given().queryParam("neighbours", "true").get("/api/v1/maps/communities/" + community).then().statusCode(200)
                .body("communityNames.'" + community + "'", equalTo(chosen))
                .body("elements.nodes.data.findAll { it.kind == 'COMMUNITY' }.size()", org.hamcrest.Matchers.greaterThan(0))
                .body("elements.edges.data.findAll { it.type == 'BRIDGE' }.size()", org.hamcrest.Matchers.greaterThan(0));
        given().queryParam("neighbours", "maybe").get("/api/v1/maps/communities/" + community).then().statusCode(400)
                .body("errors.field", hasItem("neighbours"));
        String segment = as("outreach").contentType("application/json")
                .body(Map.of("name", "Names " + System.nanoTime(), "filter", Map.of("communities", List.of(community))))
                .post("/api/v1/segments").then().statusCode(201)
                .body("communityNames.'" + community + "'", equalTo(chosen)).extract().path("id");
        as("outreach").get("/api/v1/segments/" + segment).then().statusCode(200)
                .body("communityNames.'" + community + "'", equalTo(chosen));

        // A new run over the same network keeps the community's id (CommunityIdentity), and so its name.
        String location = given().contentType("application/json").body("{}").post("/api/v1/analytics/runs")
                .then().statusCode(202).extract().header("Location");
        JsonPath run = Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
                .until(() -> given().get(location).then().statusCode(200).extract().jsonPath(),
                        r -> !"RUNNING".equals(r.getString("state"))
                                && (!"SUCCEEDED".equals(r.getString("state")) || r.getString("namedAt") != null));
        assertEquals("SUCCEEDED", run.getString("state"), run.prettify());
        long after = given().queryParam("contact", marisol).get("/api/v1/influencers").then().extract()
                .jsonPath().getLong("items[0].community");
        assertEquals(community, after, "the same group keeps its id from run to run");
        given().get("/api/v1/communities/" + community).then().statusCode(200).body("summary.name", equalTo(chosen))
                .body("runId", equalTo(run.getString("id")));

        // Back to the generated name.
        java.util.HashMap<String, Object> clear = new java.util.HashMap<>();
        clear.put("name", null);
        as("admin").contentType("application/json").header("If-Match", renamed).body(clear)
                .put("/api/v1/communities/" + community + "/name").then().statusCode(200)
                .body("renamed", equalTo(false)).body("name", equalTo(before.getString("generatedName")));
    }

    private long count(String sql, Object... params) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }
}
