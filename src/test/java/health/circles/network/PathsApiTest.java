package health.circles.network;

import static health.circles.Fixtures.contact;
import static health.circles.Fixtures.tie;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@AsRole("admin")
class PathsApiTest {

    @Inject
    GraphProbe probe;

    @Test
    void pathNamesEachHopAndItsTie() {
        String patient = contact().patient().create().id();
        String doctor = contact().physician().create().id();
        String specialist = contact().physician().create().id();
        String treats = tie(doctor, patient).type("TREATS").declaredStrength(0.9).create().id();
        String refers = tie(doctor, specialist).type("REFERS_TO").declaredStrength(0.6).create().id();
        JsonPath paths = paths(patient, specialist, Map.of());
        assertEquals(1, paths.getList("paths").size());
        assertEquals(2, paths.getInt("paths[0].length"));
        assertEquals(0.9 * 0.6, paths.getDouble("paths[0].strength"), 1e-6);
        assertEquals(List.of(patient, doctor), paths.getList("paths[0].hops.from.id"));
        assertEquals(List.of(doctor, specialist), paths.getList("paths[0].hops.to.id"));
        assertEquals(List.of(treats, refers), paths.getList("paths[0].hops.tie.id"));
        assertEquals(List.of("TREATS", "REFERS_TO"), paths.getList("paths[0].hops.tie.type"));
        // The patient walks the TREATS tie against its direction, the doctor the referral along it.
        assertEquals(List.of("BACKWARD", "FORWARD"), paths.getList("paths[0].hops.tie.direction"));
        assertEquals(null, paths.getString("reason"));
    }

    @Test
    void strongerIntroductionsComeFirst() {
        String from = contact().patient().create().id();
        String to = contact().patient().create().id();
        String weakBroker = contact().patient().create().id();
        String strongBroker = contact().patient().create().id();
        String third = contact().patient().create().id();
        tie(from, weakBroker).type("FRIEND_OF").declaredStrength(0.2).create();
        tie(weakBroker, to).type("FRIEND_OF").declaredStrength(1.0).create();
        tie(from, strongBroker).type("FAMILY_OF").declaredStrength(1.0).create();
        tie(strongBroker, to).type("NEIGHBOR_OF").declaredStrength(0.9).create();
        tie(from, third).type("FRIEND_OF").declaredStrength(1.0).create();
        tie(third, strongBroker).type("FRIEND_OF").declaredStrength(1.0).create();
        JsonPath paths = paths(from, to, Map.of("maxHops", 3));
        List<Float> strengths = paths.getList("paths.strength", Float.class);
        assertEquals(3, strengths.size());
        assertEquals(strongBroker, paths.getString("paths[0].hops[0].to.id"));
        assertEquals("SYMMETRIC", paths.getString("paths[0].hops[0].tie.direction"));
        for (int i = 1; i < strengths.size(); i++) {
            assertTrue(strengths.get(i - 1) >= strengths.get(i), "ranked by strength");
        }
        assertEquals(1, given().queryParam("from", from).queryParam("to", to).queryParam("limit", 1)
                .when().get("/api/v1/paths").then().statusCode(200).extract().jsonPath().getList("paths").size());
    }

    @Test
    void noPathWithinMaxHopsIsAnEmptyListWithAReason() {
        String a = contact().patient().create().id();
        String b = contact().patient().create().id();
        String c = contact().patient().create().id();
        String d = contact().patient().create().id();
        tie(a, b).type("FRIEND_OF").declaredStrength(0.5).create();
        tie(b, c).type("FRIEND_OF").declaredStrength(0.5).create();
        tie(c, d).type("FRIEND_OF").declaredStrength(0.5).create();
        given().queryParam("from", a).queryParam("to", d).queryParam("maxHops", 2)
                .when().get("/api/v1/paths")
                .then().statusCode(200)
                .body("paths", hasSize(0))
                .body("reason", containsString("at most 2"));
        assertEquals(3, paths(a, d, Map.of("maxHops", 3)).getInt("paths[0].length"));
        given().queryParam("from", a).queryParam("to", contact().patient().create().id()).when().get("/api/v1/paths")
                .then().statusCode(200).body("paths", hasSize(0)).body("reason", containsString("No chain"));
    }

    @Test
    void endedTiesMakeNoPath() {
        String a = contact().patient().create().id();
        String b = contact().patient().create().id();
        String id = tie(a, b).type("FRIEND_OF").declaredStrength(0.5).create().id();
        given().header("If-Match", "\"0\"").when().post("/api/v1/ties/" + id + "/end").then().statusCode(200);
        assertEquals(List.of(), paths(a, b, Map.of()).getList("paths"));
    }

    @Test
    void aTieJustCreatedIsOnAPathRightAway() {
        String a = contact().patient().create().id();
        String b = contact().patient().create().id();
        tie(a, b).type("FRIEND_OF").declaredStrength(0.5).create();
        assertEquals(1, paths(a, b, Map.of()).getList("paths").size());
    }

    @Test
    void badRequestsAreRejected() {
        String a = contact().patient().create().id();
        given().queryParam("from", a).queryParam("to", a).when().get("/api/v1/paths")
                .then().statusCode(400).body("errors[0].field", equalTo("to"));
        given().queryParam("to", a).when().get("/api/v1/paths")
                .then().statusCode(400).body("errors[0].field", equalTo("from"));
        given().queryParam("from", a).queryParam("to", "x").when().get("/api/v1/paths").then().statusCode(400);
        given().queryParam("from", a).queryParam("to", contact().patient().create().id()).queryParam("maxHops", 7)
                .when().get("/api/v1/paths")
                .then().statusCode(400).body("errors[0].field", equalTo("maxHops"));
        given().queryParam("from", a).queryParam("to", contact().patient().create().id()).queryParam("limit", 21)
                .when().get("/api/v1/paths")
                .then().statusCode(400).body("errors[0].field", equalTo("limit"));
        given().queryParam("from", a).queryParam("to", "00000000-0000-0000-0000-000000000007").when().get("/api/v1/paths")
                .then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void aContactGoneFromPostgresqlIsShownByNoWalkOfAGraphThatStillHoldsIt() {
        String from = contact().patient().create().id();
        String to = contact().patient().create().id();
        String gone = contact().patient().named("Xenia", "Lagging").create().id();
        tie(from, gone).type("FRIEND_OF").create();
        tie(gone, to).type("FRIEND_OF").create();
        given().when().post("/api/v1/contacts/" + gone + "/erasure").then().statusCode(204);
        // The graph as it is while the relay is still behind the erasure: the node and its ties back in Neo4j.
        probe.caughtUp();
        probe.write("""
                MATCH (a:Contact {id: $from}), (b:Contact {id: $to})
                CREATE (x:Contact {id: $gone, kind: 'PATIENT', displayName: 'Xenia Lagging'})
                CREATE (a)-[:TIE {id: randomUUID(), type: 'FRIEND_OF', strength: 0.5, symmetric: true}]->(x)
                CREATE (x)-[:TIE {id: randomUUID(), type: 'FRIEND_OF', strength: 0.5, symmetric: true}]->(b)""",
                Map.of("from", from, "to", to, "gone", gone));
        try {
            // A caller that waits only for its own writes (an old position) cannot know the graph is behind.
            JsonPath paths = paths(from, to, Map.of("consistentWith", 1));
            assertEquals(List.of(), paths.getList("paths"));
            JsonPath circles = given().queryParam("depth", 2).queryParam("consistentWith", 1)
                    .when().get("/api/v1/contacts/" + from + "/circles").then().statusCode(200).extract().jsonPath();
            assertFalse(circles.getList("rings.members.flatten().id").contains(gone), "the erased contact is shown");
            assertFalse(circles.getList("rings.members.flatten().id").contains(to), "reached through the erased one");
            assertFalse(circles.prettify().contains("Xenia"));
        } finally {
            probe.write("MATCH (x:Contact {id: $gone}) DETACH DELETE x", Map.of("gone", gone));
        }
    }

    private static JsonPath paths(String from, String to, Map<String, Object> params) {
        return given().queryParam("from", from).queryParam("to", to).queryParams(params)
                .when().get("/api/v1/paths").then().statusCode(200).extract().jsonPath();
    }
}
