package health.circles.contact;

import static health.circles.Fixtures.contact;
import static health.circles.Fixtures.tie;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import health.circles.AsRole;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@AsRole("admin")
class ExternalIdLookupTest {

    @Test
    void externalIdFindsExactlyItsContact() {
        String external = "MRN-" + UUID.randomUUID();
        String id = contact().patient().externalId(external).create().id();
        given().queryParam("externalId", external).when().get("/api/v1/contacts")
                .then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].id", equalTo(id));
        given().queryParam("externalId", external.toLowerCase()).when().get("/api/v1/contacts")
                .then().statusCode(200).body("items", hasSize(0));
    }

    @Test
    void aTakenExternalIdIs409NamingItsHolder() {
        String external = "MRN-" + UUID.randomUUID();
        String holder = contact().patient().externalId(external).create().id();
        contact().patient().externalId(external).post()
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", endsWith("/duplicate-external-id"))
                .body("detail", containsString(holder))
                .body("errors[0].field", equalTo("externalId"))
                .body("errors[0].reason", equalTo("held by /api/v1/contacts/" + holder));

        String other = contact().patient().create().id();
        given().contentType("application/merge-patch+json").header("If-Match", "\"0\"")
                .body(Map.of("externalId", external))
                .when().patch("/api/v1/contacts/{id}", other)
                .then().statusCode(409)
                .body("errors[0].reason", equalTo("held by /api/v1/contacts/" + holder));
    }

    @Test
    void tiesTooAreFoundByExternalIdAndATakenOneNamesItsHolder() {
        String external = "TIE-" + UUID.randomUUID();
        String a = contact().patient().create().id();
        String b = contact().caregiver().create().id();
        String c = contact().caregiver().create().id();
        String id = tie(a, b).type("FAMILY_OF").set("externalId", external).create().id();
        given().queryParam("externalId", external).when().get("/api/v1/ties")
                .then().statusCode(200).body("items", hasSize(1)).body("items[0].id", equalTo(id));
        given().queryParam("externalId", external + "x").when().get("/api/v1/ties")
                .then().statusCode(200).body("items", hasSize(0));
        tie(a, c).type("FAMILY_OF").set("externalId", external).post()
                .then().statusCode(409)
                .body("type", endsWith("/duplicate-external-id"))
                .body("errors[0].reason", equalTo("held by /api/v1/ties/" + id));
    }
}
