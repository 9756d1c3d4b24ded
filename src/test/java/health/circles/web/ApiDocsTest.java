package health.circles.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.notNullValue;

import health.circles.AsRole;
import io.quarkus.test.junit.QuarkusTest;
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

    @Test
    void swaggerUiIsServed() {
        given().when().get("/q/swagger-ui/")
                .then().statusCode(200)
                .body(containsString("swagger"));
    }
}
