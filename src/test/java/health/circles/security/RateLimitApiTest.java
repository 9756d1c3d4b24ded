package health.circles.security;

import static health.circles.TestTokens.bearer;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import health.circles.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Per-subject limits on expensive endpoints, answered with 429 and Retry-After. */
@QuarkusTest
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
}
