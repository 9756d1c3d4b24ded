package health.circles.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@AsRole("admin")
class ApiDocsTest {

    @Test
    void openApiDescribesTheContactEndpoints() {
        given().queryParam("format", "json")
                .when().get("/q/openapi")
                .then().statusCode(200)
                .body("paths", hasKey("/api/v1/contacts"))
                .body("paths", hasKey("/api/v1/contacts/{id}"))
                .body("paths", hasKey("/api/v1/admin/sync"))
                .body("paths.'/api/v1/contacts'.get.summary", notNullValue())
                .body("paths.'/api/v1/contacts'.post.summary", notNullValue())
                .body("paths.'/api/v1/contacts/{id}'", hasKey("get"))
                .body("paths.'/api/v1/contacts/{id}'", hasKey("put"))
                .body("paths.'/api/v1/contacts/{id}'", hasKey("patch"))
                .body("paths.'/api/v1/contacts/{id}'", hasKey("delete"))
                .body("components.schemas", hasKey("Problem"))
                .body("components.schemas", hasKey("ContactInput"));
    }

    /** Generated clients name their methods after operationIds: every operation has one, and no two share it. */
    @Test
    void everyOperationHasItsOwnOperationId() {
        Map<String, Map<String, Map<String, Object>>> paths = given().queryParam("format", "json")
                .when().get("/q/openapi")
                .then().statusCode(200).extract().jsonPath().getMap("paths");
        List<String> missing = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        List<String> duplicated = new ArrayList<>();
        paths.forEach((path, operations) -> operations.forEach((method, operation) -> {
            if (!List.of("get", "put", "post", "delete", "patch", "head", "options").contains(method)
                    || path.startsWith("/test/")) {
                return; // path-level parameters, not an operation; or a test-only probe (security.ProbeResource)
            }
            Object id = operation.get("operationId");
            String where = method.toUpperCase() + " " + path;
            if (id == null) {
                missing.add(where);
            } else if (seen.putIfAbsent(id.toString(), where) != null) {
                duplicated.add(id + " (" + where + ", " + seen.get(id.toString()) + ")");
            }
        }));
        assertEquals(List.of(), missing, "operations without an operationId");
        assertEquals(List.of(), duplicated, "operationIds used twice");
        assertTrue(seen.size() >= 70, "all operations counted: " + seen.size());
    }

    @Test
    void swaggerUiIsServed() {
        given().when().get("/q/swagger-ui/")
                .then().statusCode(200)
                .body(containsString("swagger"));
    }
}
