package health.circles.security;

import static health.circles.TestTokens.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import health.circles.Anonymous;
import health.circles.Management;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Health and metrics are served on the management port only, without a token (Prometheus, kubelet probes); the HTTP
 * port does not serve them at all and keeps everything else, API docs included, behind its token rules.
 */
@QuarkusTest
@Anonymous
class ManagementInterfaceTest {

    private static final List<String> MANAGEMENT_PATHS = List.of("/q/health", "/q/health/live", "/q/health/ready",
            "/q/health/started", "/q/health-ui/", "/q/metrics");

    @Test
    void managementPortIsItsOwn() {
        assertNotEquals(RestAssured.port, Management.port());
    }

    @Test
    void healthAndMetricsAnswerOnTheManagementPortWithoutAToken() {
        for (String path : List.of("/q/health", "/q/health/live", "/q/health/ready", "/q/health/started")) {
            Management.given().when().get(path).then().statusCode(200).body("status", equalTo("UP"));
        }
        Management.given().when().get("/q/health/ready")
                .then().body("checks.find { it.name == 'graph-sync' }.status", equalTo("UP"));
        Management.given().when().get("/q/health-ui/").then().statusCode(200);
        Management.given().when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("jvm_memory_used_bytes"));
    }

    @Test
    void theHttpPortDoesNotServeHealthOrMetrics() {
        for (String path : MANAGEMENT_PATHS) {
            // No token: refused like every other path of the HTTP port, before anything says whether it exists.
            given().when().get(path).then().statusCode(401);
            // With a token: not there.
            as("admin").when().get(path).then().statusCode(404);
        }
    }

    @Test
    void apiDocsStayOnTheHttpPort() {
        given().when().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/contacts"));
        given().when().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger"));
        Management.given().when().get("/q/openapi").then().statusCode(404);
        Management.given().when().get("/q/swagger-ui/").then().statusCode(404);
    }
}
