package health.circles.security;

import static health.circles.TestTokens.as;
import static health.circles.TestTokens.bearer;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import health.circles.Anonymous;
import health.circles.Management;
import health.circles.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@Anonymous
class AuthenticationApiTest {

    private static final String PROBLEM = "application/problem+json";

    @TestHTTPResource("/")
    URL root;

    @Test
    void requestWithoutTokenIsUnauthorizedWithProblemJson() {
        given().when().get("/api/v1/contacts")
                .then().statusCode(401)
                .contentType(PROBLEM)
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("type", equalTo("https://circles.health/problems/unauthorized"));
    }

    @Test
    void expiredWrongIssuerWrongAudienceAndWrongSignatureTokensAreUnauthorized() {
        for (String token : List.of(TestTokens.expired("admin"), TestTokens.wrongIssuer("admin"),
                TestTokens.wrongAudience("admin"), TestTokens.wrongSignature("admin"), "not-a-jwt")) {
            bearer(token).when().get("/api/v1/contacts")
                    .then().statusCode(401).contentType(PROBLEM);
        }
    }

    @Test
    void tokenWithoutAnyKnownRoleIsForbidden() {
        bearer(TestTokens.token("someone", java.util.Set.of("visitor"))).when().get("/api/v1/contacts")
                .then().statusCode(403).contentType(PROBLEM)
                .body("type", equalTo("https://circles.health/problems/forbidden"));
    }

    @Test
    void healthNeedsNoTokenOnTheManagementPort() {
        Management.given().when().get("/q/health/ready").then().statusCode(200);
        Management.given().when().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void apiDescriptionIsOpenInTheTestProfile() {
        given().when().get("/q/openapi").then().statusCode(200);
    }

    @Test
    void theHttpPortWantsATokenEvenWhereItServesNothing() {
        // Metrics moved to the management port (ManagementInterfaceTest); here the path is refused before it is found.
        given().when().get("/q/metrics").then().statusCode(401);
        given().when().get("/q/health").then().statusCode(401);
    }

    @Test
    void unknownApiPathIsNotFoundInProblemJson() {
        given().when().get("/api/v1/nothing-here").then().statusCode(404).contentType(PROBLEM);
    }

    @Test
    void endpointWithoutRoleAnnotationIsDeniedEvenToAdmin() {
        as("admin").when().get("/test/probe/unannotated").then().statusCode(403).contentType(PROBLEM);
    }

    @Test
    void apiAnswersCarrySecurityHeadersAndNoStore() {
        as("admin").when().get("/api/v1/contacts")
                .then().statusCode(200)
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY")
                .header("Referrer-Policy", "no-referrer")
                .header("Content-Security-Policy", startsWith("default-src 'none'"))
                .header("Cache-Control", "no-store")
                .header("Strict-Transport-Security", notNullValue())
                .header("X-Request-Id", notNullValue());
    }

    @Test
    void errorAnswersCarrySecurityHeadersToo() {
        given().when().get("/api/v1/contacts")
                .then().statusCode(401)
                .header("X-Content-Type-Options", "nosniff")
                .header("Cache-Control", "no-store");
    }

    @Test
    void saneClientRequestIdIsEchoed() {
        as("admin").header("X-Request-Id", "abc-123").when().get("/api/v1/contacts")
                .then().statusCode(200).header("X-Request-Id", "abc-123");
    }

    @Test
    void configuredOriginIsAllowedAndOthersAreNot() {
        given().header("Origin", "https://app.circles.test")
                .header("Access-Control-Request-Method", "GET")
                .when().options("/api/v1/contacts")
                .then().header("Access-Control-Allow-Origin", "https://app.circles.test");
        given().header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "GET")
                .when().options("/api/v1/contacts")
                .then().header("Access-Control-Allow-Origin", nullValue());
    }

    @Test
    void developmentTokenEndpointIssuesAWorkingTokenForEachRole() {
        for (String role : Roles.ALL) {
            String token = given().when().post("/api/v1/dev/tokens?role=" + role)
                    .then().statusCode(200).body("role", equalTo(role)).extract().path("token");
            bearer(token).when().get("/api/v1/admin/sync")
                    .then().statusCode(role.equals("admin") ? 200 : 403);
        }
    }

    @Test
    void developmentTokenEndpointAnswersNotFoundToARequestForAnotherHost() {
        // DNS rebinding: a page of evil.example re-pointed at 127.0.0.1 comes from loopback, but says whose it is.
        int port = root.getPort();
        for (String host : List.of("evil.example", "evil.example:" + port, "localhost.evil.example")) {
            given().header("Host", host).when().post("/api/v1/dev/tokens?role=admin")
                    .then().statusCode(404).contentType(PROBLEM).body("token", nullValue());
        }
        for (String host : List.of("127.0.0.1:" + port, "[::1]:" + port, "localhost:" + port)) {
            given().header("Host", host).when().post("/api/v1/dev/tokens?role=admin")
                    .then().statusCode(200).body("role", equalTo("admin"));
        }
    }

    @Test
    void developmentTokenEndpointRejectsUnknownRoles() {
        given().when().post("/api/v1/dev/tokens?role=root").then().statusCode(400).contentType(PROBLEM);
    }
}
