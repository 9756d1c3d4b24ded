package health.circles.network;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.notNullValue;

import health.circles.AsRole;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@AsRole("admin")
class NetworkOpenApiTest {

    @Test
    void networkEndpointsAreDocumentedWithTheirRules() {
        given().queryParam("format", "json").when().get("/q/openapi")
                .then().statusCode(200)
                .body("paths.'/api/v1/touchpoints'.post.description", containsString("half-life 90 days"))
                .body("paths.'/api/v1/touchpoints'.post.description", containsString("HOME_VISIT 0.25"))
                .body("paths.'/api/v1/contacts/{id}/circles'.get.description", containsString("nearest ring"))
                .body("paths.'/api/v1/paths'.get.description", containsString("empty list and a reason"))
                .body("paths.'/api/v1/ties/{id}/touchpoints'.get", notNullValue())
                .body("paths.'/api/v1/contacts/{id}/touchpoints'.get", notNullValue());
    }
}
