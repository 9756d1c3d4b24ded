package health.circles.network;

import static health.circles.Fixtures.contact;
import static health.circles.Fixtures.tie;
import static health.circles.Fixtures.touchpoint;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import health.circles.AsRole;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@AsRole("admin")
class TouchpointApiTest {

    @Inject
    GraphProbe graph;

    @Test
    void recordedTouchpointCanBeReadBack() {
        String a = contact().patient().create().id();
        String b = contact().patient().create().id();
        Instant at = Instant.parse("2026-03-01T10:15:30Z");
        String location = given().contentType(ContentType.JSON)
                .body(Map.of("participants", List.of(a, b), "channel", "HOME_VISIT", "occurredAt", at.toString(),
                        "topic", "diabetes check-in", "outcome", "agreed to screening", "clinical", true))
                .when().post("/api/v1/touchpoints")
                .then().statusCode(201)
                .header("Graph-Position", notNullValue())
                .body("channel", equalTo("HOME_VISIT"))
                .extract().header("Location");
        given().when().get(location)
                .then().statusCode(200)
                .body("participants", hasSize(2))
                .body("occurredAt", equalTo("2026-03-01T10:15:30Z"))
                .body("topic", equalTo("diabetes check-in"))
                .body("outcome", equalTo("agreed to screening"))
                .body("clinical", equalTo(true));
    }

    @Test
    void touchpointNeedsTwoDistinctExistingParticipants() {
        String a = contact().patient().create().id();
        post(Map.of("participants", List.of(a), "channel", "PHONE", "occurredAt", Instant.now().toString()))
                .then().statusCode(400).body("errors[0].field", equalTo("participants"));
        post(Map.of("participants", List.of(a, a), "channel", "PHONE", "occurredAt", Instant.now().toString()))
                .then().statusCode(400).body("errors[0].field", equalTo("participants"));
        post(Map.of("participants", List.of(a, "00000000-0000-0000-0000-000000000003"), "channel", "PHONE",
                "occurredAt", Instant.now().toString()))
                .then().statusCode(422).body("type", containsString("unknown-contact"));
    }

    @Test
    void unknownChannelAndFarFutureAreRejected() {
        String a = contact().patient().create().id();
        String b = contact().patient().create().id();
        post(Map.of("participants", List.of(a, b), "channel", "CARRIER_PIGEON", "occurredAt", Instant.now().toString()))
                .then().statusCode(400).body("errors[0].field", equalTo("channel"));
        post(Map.of("participants", List.of(a, b), "channel", "PHONE",
                "occurredAt", Instant.now().plus(Duration.ofDays(3)).toString()))
                .then().statusCode(400).body("errors[0].field", equalTo("occurredAt"));
        post(Map.of("participants", List.of(a, b), "channel", "PHONE"))
                .then().statusCode(400).body("errors[0].field", equalTo("occurredAt"));
    }

    @Test
    void contactHistoryIsPagedNewestFirst() {
        String a = contact().patient().create().id();
        String b = contact().patient().create().id();
        String c = contact().patient().create().id();
        Instant now = Instant.now();
        String oldest = touchpoint("EMAIL", a, b).at(now.minus(Duration.ofDays(30))).create().path("id");
        String middle = touchpoint("PHONE", a, c).at(now.minus(Duration.ofDays(10))).create().path("id");
        String newest = touchpoint("IN_PERSON", a, b, c).at(now.minus(Duration.ofDays(1))).create().path("id");
        String next = given().queryParam("limit", 2).when().get("/api/v1/contacts/" + a + "/touchpoints")
                .then().statusCode(200)
                .body("items.id", equalTo(List.of(newest, middle)))
                .extract().path("next");
        given().queryParam("limit", 2).queryParam("cursor", next).when().get("/api/v1/contacts/" + a + "/touchpoints")
                .then().statusCode(200)
                .body("items.id", equalTo(List.of(oldest)))
                .body("next", equalTo(null));
        given().when().get("/api/v1/contacts/" + c + "/touchpoints")
                .then().statusCode(200).body("items.id", equalTo(List.of(newest, middle)));
    }

    @Test
    void tieHistoryHoldsTheTouchpointsOfBothEnds() {
        String doctor = contact().physician().create().id();
        String patient = contact().patient().create().id();
        String other = contact().patient().create().id();
        String id = tie(doctor, patient).type("TREATS").declaredStrength(0.5).create().id();
        Instant now = Instant.now();
        String visit = touchpoint("HOME_VISIT", doctor, patient).at(now.minus(Duration.ofDays(2))).create().path("id");
        touchpoint("PHONE", doctor, other).at(now.minus(Duration.ofDays(1))).create();
        String call = touchpoint("VIDEO", patient, doctor).at(now).create().path("id");
        given().when().get("/api/v1/ties/" + id + "/touchpoints")
                .then().statusCode(200).body("items.id", equalTo(List.of(call, visit)));
        given().when().get("/api/v1/ties/00000000-0000-0000-0000-000000000004/touchpoints").then().statusCode(404);
        given().queryParam("cursor", "garbage").when().get("/api/v1/ties/" + id + "/touchpoints").then().statusCode(400);
    }

    @Test
    void deletingATouchpointTakesItOutOfTheStrengthAndDropsTheTieItInferred() {
        String a = contact().patient().create().id();
        String b = contact().patient().create().id();
        var recorded = touchpoint("IN_PERSON", a, b).create();
        String inferred = recorded.path("ties[0].id");
        given().when().delete("/api/v1/touchpoints/" + recorded.path("id")).then().statusCode(204);
        given().when().get("/api/v1/touchpoints/" + recorded.path("id")).then().statusCode(404);
        given().when().get("/api/v1/ties/" + inferred).then().statusCode(404);
        assertNull(graph.edge(inferred));
    }

    @Test
    void unknownTouchpointAndContactAreNotFound() {
        given().when().get("/api/v1/touchpoints/00000000-0000-0000-0000-000000000005").then().statusCode(404);
        given().when().delete("/api/v1/touchpoints/00000000-0000-0000-0000-000000000005").then().statusCode(404);
        given().when().get("/api/v1/touchpoints/abc").then().statusCode(400);
        given().when().get("/api/v1/contacts/00000000-0000-0000-0000-000000000005/touchpoints").then().statusCode(404);
    }

    @Test
    void organisationsMeetingInferNoTie() {
        String clinic = contact().kind("ORGANIZATION").create().id();
        String charity = contact().kind("ORGANIZATION").create().id();
        var recorded = touchpoint("EVENT", clinic, charity).create();
        assertEquals(List.of(), recorded.path("ties"));
    }

    private static io.restassured.response.Response post(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/api/v1/touchpoints");
    }
}
