package health.circles.network;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Test factory: contacts, ties and touchpoints created through the API, each test with its own. */
final class Network {

    private static final AtomicInteger SEQ = new AtomicInteger();

    private Network() {
    }

    static String patient() {
        return contact("PATIENT");
    }

    static String physician() {
        return contact("PHYSICIAN");
    }

    static String contact(String kind) {
        String body = kind.equals("ORGANIZATION")
                ? "{\"kind\":\"ORGANIZATION\",\"organizationName\":\"Org " + SEQ.incrementAndGet() + "\"}"
                : "{\"kind\":\"" + kind + "\",\"givenName\":\"Test\",\"familyName\":\"Person" + SEQ.incrementAndGet() + "\"}";
        return given().contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/contacts")
                .then().statusCode(201).extract().path("id");
    }

    /** A tie's id. */
    static String tie(String from, String to, String type) {
        return tie(from, to, type, 0.5);
    }

    static String tie(String from, String to, String type, double declared) {
        return createTie(Map.of("from", from, "to", to, "type", type, "declaredStrength", declared))
                .then().statusCode(201).extract().path("id");
    }

    static Response createTie(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/api/v1/ties");
    }

    static ExtractableResponse<Response> touchpoint(String channel, Instant at, String... participants) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("participants", List.of(participants), "channel", channel, "occurredAt", at.toString()))
                .when().post("/api/v1/touchpoints")
                .then().statusCode(201).extract();
    }

    static ExtractableResponse<Response> touchpoint(String channel, String... participants) {
        return touchpoint(channel, Instant.now(), participants);
    }

    static List<String> ids(String... ids) {
        return Arrays.asList(ids);
    }
}
