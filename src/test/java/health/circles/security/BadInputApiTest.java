package health.circles.security;

import static health.circles.Fixtures.contact;
import static health.circles.TestTokens.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import health.circles.Anonymous;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What the stores cannot hold or no person has (NUL, other control characters, unpaired surrogates, far dates,
 * numbers beyond their field) is refused with a 400 problem+json naming the field, on bodies and query parameters.
 */
@QuarkusTest
@Anonymous
class BadInputApiTest {

    private static final String VALIDATION = "https://circles.health/problems/validation";

    @Test
    void contactWithNulInGivenNameIsRefusedNamingGivenName() {
        refused(post("/api/v1/contacts", """
                {"kind":"PATIENT","givenName":"A\\u0000B","familyName":"Lopez"}"""), "givenName")
                .body("errors[0].reason", equalTo("must not contain the NUL character"));
    }

    @Test
    void controlCharactersAndUnpairedSurrogatesInNamesAreRefused() {
        refused(post("/api/v1/contacts", """
                {"kind":"PATIENT","givenName":"Ann","familyName":"Lo\\u0007pez"}"""), "familyName");
        refused(post("/api/v1/contacts", """
                {"kind":"PATIENT","givenName":"Ann\\ud800","familyName":"Lopez"}"""), "givenName")
                .body("errors[0].reason", equalTo("must not contain an unpaired UTF-16 surrogate"));
        refused(post("/api/v1/contacts", """
                {"kind":"PATIENT","givenName":"Ann","familyName":"Lopez","tags":["ok","b\\udc00d"]}"""), "tags[1]");
        // A pair is a character like any other.
        post("/api/v1/contacts", """
                {"kind":"PATIENT","givenName":"Ann \\ud83d\\ude00","familyName":"Lopez"}""").statusCode(201);
    }

    /** Instants at the ends of what Java can parse have no date in UTC; refused like any far date, not failed. */
    @Test
    void auditTimesAtTheEndsOfTimeAreRefusedNamingTheParameter() {
        for (String far : java.util.List.of("%2B1000000000-12-31T23:59:59.999999999Z", "-1000000000-01-01T00:00:00Z",
                "2201-01-01T00:00:00Z", "1899-12-31T23:59:59Z")) {
            as("admin").urlEncodingEnabled(false).get("/api/v1/audit?from=" + far)
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("type", equalTo(VALIDATION)).body("errors[0].field", equalTo("from"));
        }
        as("admin").urlEncodingEnabled(false).get("/api/v1/audit?from=1900-01-01T00:00:00Z&to=2200-12-31T23:59:59Z")
                .then().statusCode(200);
    }

    @Test
    void searchWithNulIsRefusedNamingTheParameter() {
        as("admin").urlEncodingEnabled(false).get("/api/v1/contacts?q=a%00b")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo(VALIDATION)).body("errors[0].field", equalTo("q"));
        as("admin").urlEncodingEnabled(false).get("/api/v1/contacts?q=a%0Ab")
                .then().statusCode(400).body("errors[0].field", equalTo("q"));
    }

    @Test
    void tieSinceFarFromNowIsRefused() {
        UUID a = contact().patient().named("Far", "Since").fullRecord().create().uuid();
        UUID b = contact().physician().named("Far", "Doctor").fullRecord().create().uuid();
        refused(post("/api/v1/ties", """
                {"from":"%s","to":"%s","type":"TREATS","since":"+99999-01-01"}""".formatted(b, a)), "since")
                .body("errors[0].reason", equalTo("must be a date between 1900 and 2200"));
        refused(post("/api/v1/ties", """
                {"from":"%s","to":"%s","type":"TREATS","since":"1800-01-01"}""".formatted(b, a)), "since");
        refused(post("/api/v1/ties", """
                {"from":"%s","to":"%s","type":"TREATS","until":"2201-01-01"}""".formatted(b, a)), "until");
    }

    @Test
    void tieNotesKeepLineBreaksButNotNul() {
        UUID a = contact().patient().named("Note", "Taker").fullRecord().create().uuid();
        UUID b = contact().physician().named("Note", "Writer").fullRecord().create().uuid();
        refused(post("/api/v1/ties", """
                {"from":"%s","to":"%s","type":"TREATS","notes":"a\\u0000b"}""".formatted(b, a)), "notes");
        refused(post("/api/v1/ties", """
                {"from":"%s","to":"%s","type":"TREATS","notes":"a\\u001bb"}""".formatted(b, a)), "notes");
        post("/api/v1/ties", """
                {"from":"%s","to":"%s","type":"TREATS","notes":"first line\\n\\tsecond\\r\\n"}""".formatted(b, a))
                .statusCode(201);
    }

    @Test
    void touchpointTopicWithNulAndOccurredAtFarAwayAreRefused() {
        UUID a = contact().patient().named("Topic", "Holder").fullRecord().create().uuid();
        UUID b = contact().physician().named("Topic", "Giver").fullRecord().create().uuid();
        refused(post("/api/v1/touchpoints", """
                {"participants":["%s","%s"],"channel":"PHONE","occurredAt":"2026-01-01T10:00:00Z","topic":"x\\u0000"}"""
                .formatted(a, b)), "topic");
        refused(post("/api/v1/touchpoints", """
                {"participants":["%s","%s"],"channel":"PHONE","occurredAt":"+99999-01-01T10:00:00Z"}"""
                .formatted(a, b)), "occurredAt");
        refused(post("/api/v1/touchpoints", """
                {"participants":["%s","%s"],"channel":"PHONE","occurredAt":"1899-12-31T23:59:59Z"}"""
                .formatted(a, b)), "occurredAt");
    }

    @Test
    void segmentNameWithNulIsRefused() {
        refused(post("/api/v1/segments", """
                {"name":"seg\\u0000ment","filter":{"kinds":["PATIENT"]}}"""), "name");
    }

    @Test
    void numbersBeyondTheirFieldNameTheFieldRatherThanCallingTheBodyMalformed() {
        refused(post("/api/v1/outreach/seeds", """
                {"k":99999999999,"channel":"EMAIL","network":true}"""), "k")
                .body("errors[0].reason", startsWith("must be an integer between"));
        refused(post("/api/v1/outreach/seeds", """
                {"k":5,"channel":"EMAIL","network":true,"randomSeed":123456789012345678901234567890}"""), "randomSeed");
        UUID a = contact().patient().named("Big", "Number").fullRecord().create().uuid();
        UUID b = contact().physician().named("Big", "Number").fullRecord().create().uuid();
        refused(post("/api/v1/ties", """
                {"from":"%s","to":"%s","type":"TREATS","declaredStrength":1e999}""".formatted(b, a)), "declaredStrength");
        refused(post("/api/v1/segments", """
                {"name":"big","filter":{"communities":[1,99999999999999999999]}}"""), "filter.communities[1]");
    }

    @Test
    void mergePatchWithNulIsRefusedNamingTheField() {
        UUID id = contact().patient().named("Patch", "Target").fullRecord().create().uuid();
        String etag = as("admin").get("/api/v1/contacts/" + id).then().statusCode(200).extract().header("ETag");
        as("admin").header("If-Match", etag).contentType("application/merge-patch+json")
                .body("{\"city\":\"Ri\\u0000verside\"}".getBytes(StandardCharsets.UTF_8))
                .patch("/api/v1/contacts/" + id)
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("city"));
    }

    @Test
    void dateQueryParametersOutsideTheRangeAreRefused() {
        as("admin").urlEncodingEnabled(false).get("/api/v1/audit?from=%2B99999-01-01T00:00:00Z")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("from"));
    }

    @Test
    void typedQueryParametersAreA400NamingThemNeverA404OrASilentDefault() {
        UUID someone = contact().patient().named("Typed", "Params").create().uuid();
        refused(as("admin").queryParam("depth", "two").when().get("/api/v1/maps/contacts/" + someone).then(), "depth");
        refused(as("admin").queryParam("level", "abc").when().get("/api/v1/communities").then(), "level");
        refused(as("admin").queryParam("minSize", "99999999999").when().get("/api/v1/communities").then(), "minSize");
        refused(as("admin").queryParam("community", "x").when().get("/api/v1/influencers").then(), "community");
        refused(as("admin").contentType("application/x-ndjson").body("{}".getBytes(StandardCharsets.UTF_8))
                .queryParam("batchSize", "ten").when().post("/api/v1/imports").then(), "batchSize");
        // "erase=1" is not "erase=true": read as false it would delete the contact without erasing it, after which
        // it could no longer be erased.
        refused(as("admin").header("If-Match", "\"0\"").queryParam("erase", "1")
                .when().delete("/api/v1/contacts/" + someone).then(), "erase");
        as("admin").when().get("/api/v1/contacts/" + someone).then().statusCode(200);
        // A blank cursor is no cursor, on every listing.
        as("admin").queryParam("cursor", "").when().get("/api/v1/webhooks").then().statusCode(200);
        as("admin").queryParam("cursor", " ").when().get("/api/v1/webhooks").then().statusCode(200);
    }

    private static ValidatableResponse post(String path, String json) {
        return as("admin").contentType(ContentType.JSON).body(json.getBytes(StandardCharsets.UTF_8))
                .when().post(path).then();
    }

    private static ValidatableResponse refused(ValidatableResponse response, String field) {
        return response.statusCode(400).contentType("application/problem+json")
                .body("type", equalTo(VALIDATION))
                .body("errors[0].field", equalTo(field));
    }
}
