package health.circles.network;

import static health.circles.network.Network.patient;
import static health.circles.network.Network.physician;
import static health.circles.network.Network.tie;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class PathsApiTest {

    @Test
    void pathNamesEachHopAndItsTie() {
        String patient = patient();
        String doctor = physician();
        String specialist = physician();
        String treats = tie(doctor, patient, "TREATS", 0.9);
        String refers = tie(doctor, specialist, "REFERS_TO", 0.6);
        JsonPath paths = paths(patient, specialist, Map.of());
        assertEquals(1, paths.getList("paths").size());
        assertEquals(2, paths.getInt("paths[0].length"));
        assertEquals(0.9 / 3 * 0.6 / 3, paths.getDouble("paths[0].strength"), 1e-6);
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
        String from = patient();
        String to = patient();
        String weakBroker = patient();
        String strongBroker = patient();
        String third = patient();
        tie(from, weakBroker, "FRIEND_OF", 0.2);
        tie(weakBroker, to, "FRIEND_OF", 1.0);
        tie(from, strongBroker, "FAMILY_OF", 1.0);
        tie(strongBroker, to, "NEIGHBOR_OF", 0.9);
        tie(from, third, "FRIEND_OF", 1.0);
        tie(third, strongBroker, "FRIEND_OF", 1.0);
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
        String a = patient();
        String b = patient();
        String c = patient();
        String d = patient();
        tie(a, b, "FRIEND_OF");
        tie(b, c, "FRIEND_OF");
        tie(c, d, "FRIEND_OF");
        given().queryParam("from", a).queryParam("to", d).queryParam("maxHops", 2)
                .when().get("/api/v1/paths")
                .then().statusCode(200)
                .body("paths", hasSize(0))
                .body("reason", containsString("at most 2"));
        assertEquals(3, paths(a, d, Map.of("maxHops", 3)).getInt("paths[0].length"));
        given().queryParam("from", a).queryParam("to", patient()).when().get("/api/v1/paths")
                .then().statusCode(200).body("paths", hasSize(0)).body("reason", containsString("No chain"));
    }

    @Test
    void endedTiesMakeNoPath() {
        String a = patient();
        String b = patient();
        String id = tie(a, b, "FRIEND_OF");
        given().header("If-Match", "\"0\"").when().post("/api/v1/ties/" + id + "/end").then().statusCode(200);
        assertEquals(List.of(), paths(a, b, Map.of()).getList("paths"));
    }

    @Test
    void aTieJustCreatedIsOnAPathRightAway() {
        String a = patient();
        String b = patient();
        tie(a, b, "FRIEND_OF");
        assertEquals(1, paths(a, b, Map.of()).getList("paths").size());
    }

    @Test
    void badRequestsAreRejected() {
        String a = patient();
        given().queryParam("from", a).queryParam("to", a).when().get("/api/v1/paths")
                .then().statusCode(400).body("errors[0].field", equalTo("to"));
        given().queryParam("to", a).when().get("/api/v1/paths")
                .then().statusCode(400).body("errors[0].field", equalTo("from"));
        given().queryParam("from", a).queryParam("to", "x").when().get("/api/v1/paths").then().statusCode(400);
        given().queryParam("from", a).queryParam("to", patient()).queryParam("maxHops", 7).when().get("/api/v1/paths")
                .then().statusCode(400).body("errors[0].field", equalTo("maxHops"));
        given().queryParam("from", a).queryParam("to", patient()).queryParam("limit", 21).when().get("/api/v1/paths")
                .then().statusCode(400).body("errors[0].field", equalTo("limit"));
        given().queryParam("from", a).queryParam("to", "00000000-0000-0000-0000-000000000007").when().get("/api/v1/paths")
                .then().statusCode(404).contentType("application/problem+json");
    }

    private static JsonPath paths(String from, String to, Map<String, Object> params) {
        return given().queryParam("from", from).queryParam("to", to).queryParams(params)
                .when().get("/api/v1/paths").then().statusCode(200).extract().jsonPath();
    }
}
