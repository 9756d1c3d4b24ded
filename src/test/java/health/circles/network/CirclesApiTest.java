package health.circles.network;

import static health.circles.Fixtures.contact;
import static health.circles.Fixtures.tie;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import health.circles.AsRole;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@AsRole("admin")
class CirclesApiTest {

    @jakarta.inject.Inject
    GraphProbe graph;

    /** centre (patient) — a (patient, FRIEND_OF 0.6) — b (FAMILY_OF 0.9) — f (FRIEND_OF); centre ← d (TREATS 0.3) — e (COLLEAGUE_OF). */
    record Neighbourhood(String centre, String a, String b, String d, String e, String f, String centreToA) {
        static Neighbourhood build() {
            String centre = contact().patient().create().id();
            String a = contact().patient().create().id();
            String b = contact().patient().create().id();
            String d = contact().physician().create().id();
            String e = contact().physician().create().id();
            String f = contact().patient().create().id();
            String centreToA = tie(centre, a).type("FRIEND_OF").declaredStrength(0.6).create().id();
            tie(a, b).type("FAMILY_OF").declaredStrength(0.9).create();
            tie(d, centre).type("TREATS").declaredStrength(0.3).create();
            tie(d, e).type("COLLEAGUE_OF").declaredStrength(0.5).create();
            tie(b, f).type("FRIEND_OF").declaredStrength(0.5).create();
            tie(a, d).type("FRIEND_OF").declaredStrength(0.5).create(); // joins two ring-1 members: changes no ring
            tie(f, centre).type("NEIGHBOR_OF").declaredStrength(0.1).create(); // f is also a direct neighbour: ring 1
            return new Neighbourhood(centre, a, b, d, e, f, centreToA);
        }
    }

    @Test
    void eachContactAppearsOnceInItsNearestRing() {
        Neighbourhood n = Neighbourhood.build();
        JsonPath circles = circles(n.centre(), Map.of("depth", 3));
        assertEquals(List.of(1, 2, 3), circles.getList("rings.ring"));
        assertEquals(List.of(n.a(), n.d(), n.f()), circles.getList("rings[0].members.id"));
        assertEquals(List.of(n.b(), n.e()), circles.getList("rings[1].members.id"));
        assertEquals(List.of(), circles.getList("rings[2].members.id"));
        assertEquals(5, circles.getInt("total"));
        assertEquals(false, circles.getBoolean("truncated"));
    }

    @Test
    void memberStrengthIsTheStrongestPathProductAndNamesTheWay() {
        Neighbourhood n = Neighbourhood.build();
        JsonPath circles = circles(n.centre(), Map.of("depth", 2));
        Map<String, Object> a = member(circles, n.a());
        assertEquals(0.6, ((Number) a.get("strength")).doubleValue(), 1e-6);
        assertEquals(n.centre(), a.get("via"));
        assertEquals(List.of("FRIEND_OF"), a.get("tieTypes"));
        Map<String, Object> b = member(circles, n.b());
        assertEquals(0.6 * 0.9, ((Number) b.get("strength")).doubleValue(), 1e-6);
        assertEquals(n.a(), b.get("via"));
        // d is reached against the direction of its TREATS tie.
        assertEquals(List.of("TREATS"), member(circles, n.d()).get("tieTypes"));
        assertEquals("PHYSICIAN", member(circles, n.d()).get("kind"));
        assertEquals(n.d(), member(circles, n.e()).get("via"));
    }

    @Test
    void depthOneIsTheDirectTiesOnly() {
        Neighbourhood n = Neighbourhood.build();
        given().queryParam("depth", 1).when().get("/api/v1/contacts/" + n.centre() + "/circles")
                .then().statusCode(200)
                .body("rings", hasSize(1))
                .body("rings[0].members", hasSize(3))
                .body("centre.id", equalTo(n.centre()))
                .body("centre.kind", equalTo("PATIENT"));
    }

    @Test
    void endedTiesAreNotWalked() {
        Neighbourhood n = Neighbourhood.build();
        given().header("If-Match", "\"0\"").when().post("/api/v1/ties/" + n.centreToA() + "/end")
                .then().statusCode(200);
        JsonPath circles = circles(n.centre(), Map.of("depth", 1));
        assertEquals(List.of(n.d(), n.f()), circles.getList("rings[0].members.id"));
    }

    @Test
    void filtersNarrowKindsTieTypesAndStrength() {
        Neighbourhood n = Neighbourhood.build();
        // Kinds filter the members listed, not the ties walked: e is found through d.
        assertEquals(List.of(n.d()), circles(n.centre(), Map.of("depth", 2, "kind", "PHYSICIAN")).getList("rings[0].members.id"));
        assertEquals(List.of(n.e()), circles(n.centre(), Map.of("depth", 2, "kind", "PHYSICIAN")).getList("rings[1].members.id"));
        // Tie types filter the ties walked.
        JsonPath friends = circles(n.centre(), Map.of("depth", 3, "tieType", "FRIEND_OF,FAMILY_OF"));
        assertEquals(List.of(n.a()), friends.getList("rings[0].members.id"));
        assertEquals(List.of(n.b(), n.d()), friends.getList("rings[1].members.id"));
        assertEquals(List.of(n.f()), friends.getList("rings[2].members.id"));
        // minStrength drops weak ties from the walk.
        JsonPath strong = circles(n.centre(), Map.of("depth", 3, "minStrength", 0.55));
        assertEquals(List.of(n.a()), strong.getList("rings[0].members.id"));
        assertEquals(List.of(n.b()), strong.getList("rings[1].members.id"));
        assertEquals(List.of(), strong.getList("rings[2].members.id"));
    }

    @Test
    void sizeBoundTruncatesWithANote() {
        Neighbourhood n = Neighbourhood.build();
        given().queryParam("depth", 2).queryParam("limit", 2).when().get("/api/v1/contacts/" + n.centre() + "/circles")
                .then().statusCode(200)
                .body("total", equalTo(2))
                .body("truncated", equalTo(true))
                .body("note", containsString("More than 2"))
                .body("rings[0].members.id", equalTo(List.of(n.a(), n.d())));
    }

    @Test
    void aTieJustCreatedIsInTheCirclesRightAway() {
        String centre = contact().communityLeader().create().id();
        graph.caughtUp(); // a graph that is up and has its schema: the first write after boot creates it
        for (int i = 0; i < 5; i++) {
            String friend = contact().patient().create().id();
            tie(centre, friend).type("FRIEND_OF").declaredStrength(0.5).create();
            given().when().get("/api/v1/contacts/" + centre + "/circles")
                    .then().statusCode(200)
                    .body("graphCurrent", equalTo(true))
                    .body("rings[0].members", hasSize(i + 1));
        }
    }

    @Test
    void consistentWithWaitsForTheNamedWrite() {
        String centre = contact().patient().create().id();
        String friend = contact().patient().create().id();
        String position = tie(centre, friend).type("FRIEND_OF").post()
                .then().statusCode(201).extract().header("Graph-Position");
        given().queryParam("consistentWith", position).queryParam("depth", 1)
                .when().get("/api/v1/contacts/" + centre + "/circles")
                .then().statusCode(200).body("rings[0].members[0].id", equalTo(friend));
    }

    @Test
    void contactWithoutTiesHasEmptyRings() {
        given().when().get("/api/v1/contacts/" + contact().patient().create().id() + "/circles")
                .then().statusCode(200).body("rings", hasSize(2)).body("rings[0].members", hasSize(0))
                .body("total", equalTo(0)).body("note", equalTo(null));
    }

    @Test
    void badParametersAreRejected() {
        String centre = contact().patient().create().id();
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("depth", 4), Map.of("depth", 0),
                Map.of("depth", "two"), Map.of("kind", "ALIEN"), Map.of("tieType", "ENEMY_OF"),
                Map.of("minStrength", -1), Map.of("minStrength", 1.5), Map.of("minStrength", "strong"), Map.of("limit", 0), Map.of("limit", 2001),
                Map.of("consistentWith", "x"))) {
            given().queryParams(bad).when().get("/api/v1/contacts/" + centre + "/circles")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("errors[0].field", equalTo(bad.keySet().iterator().next()));
        }
        given().when().get("/api/v1/contacts/00000000-0000-0000-0000-000000000006/circles")
                .then().statusCode(404).body("type", notNullValue());
        given().when().get("/api/v1/contacts/nope/circles").then().statusCode(400);
    }

    static JsonPath circles(String centre, Map<String, Object> params) {
        return given().queryParams(params).when().get("/api/v1/contacts/" + centre + "/circles")
                .then().statusCode(200).extract().jsonPath();
    }

    private static Map<String, Object> member(JsonPath circles, String id) {
        for (Map<String, Object> ring : circles.<Map<String, Object>>getList("rings")) {
            for (Object m : (List<?>) ring.get("members")) {
                @SuppressWarnings("unchecked") Map<String, Object> member = (Map<String, Object>) m;
                if (member.get("id").equals(id)) {
                    return member;
                }
            }
        }
        throw new AssertionError(id + " is in no ring");
    }
}
