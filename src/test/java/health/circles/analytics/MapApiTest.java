package health.circles.analytics;

import static health.circles.TestTokens.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** What the map page asks of the maps API: rings, levels, tie filters, the communities overview, one contact's rank. */
@QuarkusTest
@AsRole("admin")
@TestProfile(ProductionEdgeProfile.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MapApiTest {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    GraphRelay relay;

    @Inject
    org.neo4j.driver.Driver neo4j;

    private String marisol;

    /** Loaded by the first test rather than in a @BeforeAll, which runs before the test port is known. */
    @BeforeEach
    void network() {
        if (marisol == null) {
            marisol = MapNetwork.ensure(dataSource, relay);
        }
    }

    @Test
    void contactMapGivesEachContactItsRingAndItsCommunityAtEveryLevel() {
        JsonPath map = given().queryParam("depth", 2).when().get("/api/v1/maps/contacts/" + marisol)
                .then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> nodes = map.getList("elements.nodes.data");
        Map<String, Object> centre = nodes.get(0);
        assertEquals(marisol, centre.get("id"));
        assertEquals(0, centre.get("ring"));
        Set<Object> rings = new HashSet<>();
        for (Map<String, Object> n : nodes) {
            rings.add(n.get("ring"));
            @SuppressWarnings("unchecked")
            List<Object> levels = (List<Object>) n.get("communities");
            assertTrue(levels != null && !levels.isEmpty(), "communities per level of " + n);
            assertEquals(((Number) n.get("community")).longValue(), ((Number) levels.get(0)).longValue(),
                    "level 0 is the coarsest community");
        }
        assertEquals(Set.of(0, 1, 2), rings);
        // Marisol's six ties make ring 1 exactly those six contacts.
        assertEquals(6, nodes.stream().filter(n -> Integer.valueOf(1).equals(n.get("ring"))).count());
    }

    /** A contact erased while the graph still holds it (the relay behind, Neo4j down) is on no map. */
    @Test
    void aContactGoneFromPostgresqlIsOnNoMapOfAGraphThatStillHoldsIt() throws Exception {
        String from = health.circles.Fixtures.contact().patient().named("Mapped", "Neighbour").create().id();
        String gone = health.circles.Fixtures.contact().patient().named("Yara", "Lagging").create().id();
        given().when().post("/api/v1/contacts/" + gone + "/erasure").then().statusCode(204);
        caughtUp();
        // The graph as it is while the relay is still behind the erasure: the node and its tie back in Neo4j.
        try (var session = neo4j.session()) {
            session.executeWriteWithoutResult(tx -> tx.run("""
                    MATCH (a:Contact {id: $from})
                    CREATE (x:Contact {id: $gone, kind: 'PATIENT', displayName: 'Yara Lagging'})
                    CREATE (a)-[:TIE {id: randomUUID(), type: 'FRIEND_OF', strength: 0.5, symmetric: true}]->(x)""",
                    Map.of("from", from, "gone", gone)).consume());
        }
        try {
            String map = given().queryParam("depth", 2).when().get("/api/v1/maps/contacts/" + from)
                    .then().statusCode(200).extract().asString();
            assertTrue(map.contains(from), map);
            assertTrue(!map.contains(gone) && !map.contains("Yara"), "the erased contact is drawn: " + map);
            given().queryParam("depth", 1).when().get("/api/v1/maps/contacts/" + gone)
                    .then().statusCode(404).body(org.hamcrest.Matchers.not(containsString("Yara")));
        } finally {
            try (var session = neo4j.session()) {
                session.executeWriteWithoutResult(tx -> tx.run("MATCH (x:Contact {id: $gone}) DETACH DELETE x",
                        Map.of("gone", gone)).consume());
            }
        }
    }

    private void caughtUp() throws Exception {
        long latest;
        try (var c = dataSource.getConnection(); var s = c.createStatement();
             var r = s.executeQuery("SELECT coalesce(max(position), 0) FROM outbox")) {
            r.next();
            latest = r.getLong(1);
        }
        assertTrue(relay.awaitApplied(latest, java.time.Duration.ofSeconds(60)), "the relay applied the outbox");
    }

    @Test
    void tieTypeAndStrengthFiltersChooseTheTiesWalkedAndDrawn() {
        String hub = given().queryParam("limit", 1).get("/api/v1/influencers").then().statusCode(200)
                .extract().path("items[0].contactId");
        JsonPath all = given().queryParam("depth", 1).get("/api/v1/maps/contacts/" + hub).then().statusCode(200)
                .extract().jsonPath();
        JsonPath friends = given().queryParam("depth", 1).queryParam("types", "FRIEND_OF,family_of")
                .get("/api/v1/maps/contacts/" + hub).then().statusCode(200)
                .body("elements.edges.data.type", everyItem(org.hamcrest.Matchers.oneOf("FRIEND_OF", "FAMILY_OF")))
                .extract().jsonPath();
        assertTrue(friends.getInt("nodeCount") < all.getInt("nodeCount"), "fewer contacts through two tie types");
        given().queryParam("depth", 1).queryParam("minStrength", 0.6).get("/api/v1/maps/contacts/" + hub)
                .then().statusCode(200)
                .body("elements.edges.data.strength", everyItem(org.hamcrest.Matchers.greaterThanOrEqualTo(0.6f)));
        long community = all.getLong("elements.nodes[0].data.community");
        given().queryParam("types", "TREATS").get("/api/v1/maps/communities/" + community).then().statusCode(200)
                .body("elements.edges.data.type", everyItem(equalTo("TREATS")));
        given().queryParam("types", "HUGS").get("/api/v1/maps/contacts/" + hub)
                .then().statusCode(400).body("errors.field", hasItem("types"));
        given().queryParam("minStrength", "1.5").get("/api/v1/maps/contacts/" + hub)
                .then().statusCode(400).body("errors.field", hasItem("minStrength"));
        given().queryParam("minStrength", "NaN").get("/api/v1/maps/communities/" + community)
                .then().statusCode(400).body("errors.field", hasItem("minStrength"));
    }

    @Test
    void overviewDrawsTheCommunitiesOfALevelAsNodesWithTheirLinks() {
        JsonPath listed = given().queryParam("level", 0).queryParam("limit", 200).get("/api/v1/communities")
                .then().statusCode(200).extract().jsonPath();
        JsonPath overview = given().queryParam("level", 0).get("/api/v1/maps/overview").then().statusCode(200)
                .body("elements.nodes.data.kind", everyItem(equalTo("COMMUNITY")))
                .body("edgeCount", greaterThan(0))
                .body("note", containsString("Level 0"))
                .extract().jsonPath();
        List<Integer> sizes = listed.getList("items.size");
        List<Integer> drawn = overview.getList("elements.nodes.data.size");
        assertEquals(sizes.subList(0, drawn.size()), drawn, "largest communities first, with their sizes");
        Set<String> ids = new HashSet<>(overview.getList("elements.nodes.data.id"));
        for (Map<String, Object> e : overview.<Map<String, Object>>getList("elements.edges.data")) {
            assertTrue(ids.contains(e.get("source")) && ids.contains(e.get("target")), "links join drawn communities");
            double s = ((Number) e.get("strength")).doubleValue();
            assertTrue(s > 0 && s <= 1, "relative strength " + s);
        }
        String graphml = given().queryParam("format", "graphml").get("/api/v1/maps/overview")
                .then().statusCode(200).contentType("application/graphml+xml").extract().asString();
        assertTrue(graphml.contains("<key id=\"size\""), graphml.substring(0, 400));
        given().queryParam("level", "-1").get("/api/v1/maps/overview").then().statusCode(400)
                .body("errors.field", hasItem("level"));
        given().queryParam("minSize", "lots").get("/api/v1/maps/overview").then().statusCode(400)
                .body("errors.field", hasItem("minSize"));
        as("outreach").get("/api/v1/maps/overview").then().statusCode(200);
    }

    @Test
    void oneContactsRankAndExplanation() {
        JsonPath one = given().queryParam("contact", marisol).get("/api/v1/influencers").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(List.of(marisol), one.getList("items.contactId"));
        assertEquals(6, one.getInt("items[0].explanation.ties"));
        assertTrue(one.getString("items[0].explanation.summary").contains("6 active ties"));
        given().queryParam("contact", "nope").get("/api/v1/influencers").then().statusCode(400)
                .body("errors.field", hasItem("contact"));
        given().queryParam("contact", java.util.UUID.randomUUID()).get("/api/v1/influencers").then().statusCode(200)
                .body("items.size()", equalTo(0));
    }
}
