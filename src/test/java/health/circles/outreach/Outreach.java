package health.circles.outreach;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** Test factory for outreach: contacts with a given consent, ties, segments and campaigns, created through the API. */
final class Outreach {

    private static final AtomicInteger SEQ = new AtomicInteger();

    private Outreach() {
    }

    /** A tag no other test uses, to keep a test's segment to its own contacts. */
    static String tag() {
        return "t" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A contact of {@code kind} with {@code tag}; {@code email} is its EMAIL consent (null: never answered). */
    static String contact(String kind, String tag, String email, boolean doNotContact) {
        String consent = email == null ? "{}" : "{\"EMAIL\":{\"status\":\"" + email + "\",\"source\":\"test\"}}";
        int n = SEQ.incrementAndGet();
        String body = """
                {"kind":"%s","givenName":"Out","familyName":"Reach%05d","email":"out%d@example.org","tags":["%s"],
                 "consent":%s,"doNotContact":%s}""".formatted(kind, n, n, tag, consent, doNotContact);
        return given().contentType(ContentType.JSON).body(body).when().post("/api/v1/contacts")
                .then().statusCode(201).extract().path("id");
    }

    static String granted(String kind, String tag) {
        return contact(kind, tag, "GRANTED", false);
    }

    static String tie(String from, String to) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("from", from, "to", to, "type", "FRIEND_OF", "declaredStrength", 0.5))
                .when().post("/api/v1/ties").then().statusCode(201).extract().path("id");
    }

    static String segment(String filterJson, boolean includeUnknown) {
        return given().contentType(ContentType.JSON).body("""
                        {"name":"Segment %s","filter":%s,"includeUnknown":%s}""".formatted(UUID.randomUUID(), filterJson,
                        includeUnknown))
                .when().post("/api/v1/segments").then().statusCode(201).extract().path("id");
    }

    static String byTag(String tag, boolean includeUnknown) {
        return segment("{\"tags\":[\"" + tag + "\"]}", includeUnknown);
    }

    static JsonPath members(String segment, String channel) {
        return given().queryParam("channel", channel).queryParam("limit", 200)
                .when().get("/api/v1/segments/" + segment + "/members")
                .then().statusCode(200).extract().jsonPath();
    }

    static List<String> memberIds(String segment, String channel) {
        return members(segment, channel).getList("items.id");
    }

    static String campaign(String segment, String channel, String seedsJson, Double coverage, int hops) {
        return given().contentType(ContentType.JSON).body("""
                        {"name":"Campaign %s","segmentId":"%s","channel":"%s","seeds":%s,"predictedCoverage":%s,"hops":%d}"""
                        .formatted(UUID.randomUUID(), segment, channel, seedsJson, coverage, hops))
                .when().post("/api/v1/campaigns").then().statusCode(201).extract().path("id");
    }

    static io.restassured.response.Response outcome(String campaign, String contact, String outcome, String via) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("contactId", contact, "outcome", outcome, "via", via))
                .when().post("/api/v1/campaigns/" + campaign + "/outcomes");
    }

    static List<String> pending(String campaign) {
        return given().queryParam("limit", 200).when().get("/api/v1/campaigns/" + campaign + "/pending")
                .then().statusCode(200).extract().jsonPath().getList("items.id");
    }

    /** Starts an analytics run (waiting out one already running) and waits until it succeeded. */
    static String analyticsRun() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (true) {
            io.restassured.response.Response started = given().contentType(ContentType.JSON).body("{}")
                    .when().post("/api/v1/analytics/runs");
            if (started.statusCode() == 202) {
                String location = started.header("Location");
                String id = location.substring(location.lastIndexOf('/') + 1);
                while (System.nanoTime() < deadline) {
                    String state = given().when().get("/api/v1/analytics/runs/" + id).then().statusCode(200)
                            .extract().path("state");
                    if (!"RUNNING".equals(state)) {
                        if (!"SUCCEEDED".equals(state)) {
                            throw new AssertionError("analytics run " + id + " ended " + state);
                        }
                        return id;
                    }
                    Thread.sleep(250);
                }
                throw new AssertionError("analytics run " + id + " did not finish in time");
            }
            if (started.statusCode() != 409 || System.nanoTime() > deadline) {
                throw new AssertionError("could not start an analytics run: " + started.statusCode() + " " + started.asString());
            }
            Thread.sleep(500); // another run is in progress: ours must see the graph as it is now
        }
    }
}
