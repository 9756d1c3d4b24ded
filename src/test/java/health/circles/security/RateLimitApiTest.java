package health.circles.security;

import static health.circles.TestTokens.bearer;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.Anonymous;
import health.circles.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Per-subject limits on expensive endpoints, answered with 429 problem+json and Retry-After. The test profile lifts
 * the real endpoints' limits for the suite and keeps a low one (2 per hour) for one dedicated subject per limit
 * ({@code circles.security.rate-limits.<name>.subjects.<subject>}), which these tests drive over it. Requests that
 * fail validation still count: the limit is on calls, checked before the body is read.
 */
@QuarkusTest
@Anonymous
class RateLimitApiTest {

    @Test
    void subjectOverItsLimitGets429WithRetryAfterWhileOthersGoOn() {
        String busy = TestTokens.token("busy-" + UUID.randomUUID(), Set.of("analyst"));
        for (int i = 0; i < 3; i++) {
            bearer(busy).when().get("/test/probe/limited").then().statusCode(200);
        }
        bearer(busy).when().get("/test/probe/limited")
                .then().statusCode(429)
                .contentType("application/problem+json")
                .header("Retry-After", notNullValue())
                .body("type", equalTo("https://circles.health/problems/rate-limited"));
        String other = TestTokens.token("calm-" + UUID.randomUUID(), Set.of("analyst"));
        bearer(other).when().get("/test/probe/limited").then().statusCode(200);
    }

    @Test
    void analyticsRunStartIsLimited() {
        // An invalid body (400) counts as a call and starts no run.
        overTheLimit("throttled-runs", "analyst", "analytics-runs", 400,
                r -> r.contentType("application/json").body("{\"algorithm\":\"NONE\"}").when().post("/api/v1/analytics/runs"));
    }

    @Test
    void importStartIsLimited() {
        overTheLimit("throttled-imports", "integration", "imports", 400,
                r -> r.contentType("application/x-ndjson").body("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)).queryParam("batchSize", 0)
                        .when().post("/api/v1/imports"));
    }

    @Test
    void mapsAreLimitedAcrossEveryKindOfMap() {
        String limited = TestTokens.token("throttled-maps", Set.of("outreach"));
        bearer(limited).when().get("/api/v1/maps/contacts/" + UUID.randomUUID()).then().statusCode(404);
        bearer(limited).queryParam("depth", 9).when().get("/api/v1/maps/contacts/" + UUID.randomUUID())
                .then().statusCode(400);
        expect429(bearer(limited).when().get("/api/v1/maps/communities/1"), "maps");
        expect429(bearer(limited).accept("application/graphml+xml").when().get("/api/v1/maps/contacts/" + UUID.randomUUID()),
                "maps");
        expect429(bearer(limited).when().get("/api/v1/maps/overview"), "maps");
        bearer(TestTokens.token("free-maps-" + UUID.randomUUID(), Set.of("outreach")))
                .when().get("/api/v1/maps/contacts/" + UUID.randomUUID()).then().statusCode(404);
    }

    /** Two calls within the dedicated subject's limit, then a 429; another subject is not affected. */
    private static void overTheLimit(String subject, String role, String name, int allowedStatus,
                                     Function<RequestSpecification, Response> call) {
        String limited = TestTokens.token(subject, Set.of(role));
        for (int i = 0; i < 2; i++) {
            call.apply(bearer(limited)).then().statusCode(allowedStatus);
        }
        expect429(call.apply(bearer(limited)), name);
        String other = TestTokens.token("free-" + UUID.randomUUID(), Set.of(role));
        call.apply(bearer(other)).then().statusCode(allowedStatus);
    }

    private static void expect429(Response response, String name) {
        response.then().statusCode(429)
                .contentType("application/problem+json")
                .header("Retry-After", notNullValue())
                .body("type", equalTo("https://circles.health/problems/rate-limited"))
                .body("status", equalTo(429))
                .body("detail", containsString("At most 2 calls per PT1H to " + name));
        long retryAfter = Long.parseLong(response.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 3600, "Retry-After within the period: " + retryAfter);
    }
}
