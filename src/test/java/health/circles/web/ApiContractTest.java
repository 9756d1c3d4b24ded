package health.circles.web;

import static health.circles.Fixtures.contact;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import health.circles.AsRole;
import io.restassured.http.ContentType;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every endpoint shares: one paging parameter, no unknown parameters, 405 with Allow, titles, CORS. */
@QuarkusTest
@AsRole("admin")
class ApiContractTest {

    private static final String PROBLEM = "application/problem+json";

    @Test
    void unknownQueryParametersAreRefusedByName() {
        given().queryParam("limit", 2).queryParam("nxet", "x").queryParam("sortt", "name")
                .when().get("/api/v1/contacts")
                .then().statusCode(400).contentType(PROBLEM)
                .body("type", equalTo("https://circles.health/problems/unknown-parameter"))
                .body("title", equalTo("Bad Request"))
                .body("errors.field", containsInAnyOrder("nxet", "sortt"))
                .body("detail", containsString("nxet"));
        String id = contact().patient().named("Una", "Known").create().id();
        given().queryParam("verbose", "true").when().get("/api/v1/contacts/" + id)
                .then().statusCode(400).body("errors.field", containsInAnyOrder("verbose"))
                .body("errors[0].reason", containsString("takes none"));
    }

    @Test
    void everyListingPagesWithCursorAndTheOldNameIsDeprecated() {
        for (int i = 0; i < 3; i++) {
            contact().patient().named("Page" + i, "Cursor").create();
        }
        String next = given().queryParam("limit", 1).when().get("/api/v1/contacts")
                .then().statusCode(200).body("items.size()", equalTo(1)).header("Deprecation", nullValue())
                .extract().path("next");
        String second = given().queryParam("limit", 1).queryParam("cursor", next).when().get("/api/v1/contacts")
                .then().statusCode(200).body("items.size()", equalTo(1)).extract().path("items[0].id");
        given().queryParam("limit", 1).queryParam("next", next).when().get("/api/v1/contacts")
                .then().statusCode(200).body("items[0].id", equalTo(second))
                .header("Deprecation", "true").header("Warning", containsString("cursor"));
        given().queryParam("cursor", "garbage").when().get("/api/v1/contacts")
                .then().statusCode(400).body("errors.field", containsInAnyOrder("cursor"));
        // Both names at once: the old one is then just unknown.
        given().queryParam("cursor", next).queryParam("next", next).when().get("/api/v1/contacts")
                .then().statusCode(400).body("type", equalTo("https://circles.health/problems/unknown-parameter"))
                .body("errors.field", containsInAnyOrder("next"));
        for (String listing : List.of("/api/v1/segments", "/api/v1/campaigns", "/api/v1/audit",
                "/api/v1/admin/sync/dead-letters", "/api/v1/ties", "/api/v1/analytics/runs", "/api/v1/groups")) {
            given().queryParam("limit", 1).queryParam("cursor", "garbage").when().get(listing)
                    .then().statusCode(400).body("errors.field", containsInAnyOrder("cursor"));
        }
    }

    @Test
    void methodNotAllowedListsTheAllowedMethods() {
        String id = contact().patient().named("Al", "Low").create().id();
        given().contentType(ContentType.JSON).body("{}").when().post("/api/v1/contacts/" + id)
                .then().statusCode(405).contentType(PROBLEM)
                .body("title", equalTo("Method Not Allowed"))
                .header("Allow", "DELETE, GET, HEAD, PATCH, PUT");
        given().when().delete("/api/v1/contacts")
                .then().statusCode(405).header("Allow", "GET, HEAD, POST");
    }

    @Test
    void genericProblemsTakeTheReasonPhrase() {
        given().when().get("/api/v1/nothing-here").then().statusCode(404).body("title", equalTo("Not Found"));
        given().when().get("/api/v1/contacts/" + java.util.UUID.randomUUID())
                .then().statusCode(404).body("title", equalTo("Not Found"));
        given().queryParam("limit", "zero").when().get("/api/v1/contacts")
                .then().statusCode(400).body("title", equalTo("Bad Request"));
    }

    @Test
    void localhostFrontEndsMayCallAndSeeTheHeadersTheyNeed() {
        for (String origin : List.of("http://localhost:3000", "http://127.0.0.1:5173")) {
            given().header("Origin", origin).header("Access-Control-Request-Method", "PATCH")
                    .header("Access-Control-Request-Headers", "Authorization, If-Match")
                    .when().options("/api/v1/contacts/" + java.util.UUID.randomUUID())
                    .then().statusCode(200).header("Access-Control-Allow-Origin", origin)
                    .header("Access-Control-Allow-Methods", containsString("PATCH"));
        }
        given().header("Origin", "http://localhost.evil.example:3000").header("Access-Control-Request-Method", "GET")
                .when().options("/api/v1/contacts")
                .then().header("Access-Control-Allow-Origin", nullValue());
        String exposed = given().header("Origin", "http://localhost:3000").when().get("/api/v1/contacts")
                .then().statusCode(200).header("Access-Control-Allow-Origin", "http://localhost:3000")
                .header("Access-Control-Expose-Headers", notNullValue())
                .extract().header("Access-Control-Expose-Headers");
        for (String header : List.of("ETag", "Location", "Retry-After", "X-Request-Id", "Graph-Position",
                "Content-Disposition", "Segment-Members", "Segment-Excluded-Denied",
                "Segment-Excluded-Do-Not-Contact", "Segment-Excluded-Unknown", "Deprecation", "Allow")) {
            org.junit.jupiter.api.Assertions.assertTrue(exposed.contains(header), header + " in " + exposed);
        }
    }

    @Test
    void countedListingsCarryTheirTotalOnEveryPageAndOthersNone() {
        for (int i = 0; i < 3; i++) {
            health.circles.Fixtures.segment().create();
        }
        var first = given().queryParam("limit", 2).when().get("/api/v1/segments")
                .then().statusCode(200).extract().jsonPath();
        long total = first.getLong("total");
        org.junit.jupiter.api.Assertions.assertTrue(total >= 3, "total " + total);
        long seen = first.getList("items").size();
        String cursor = first.getString("next");
        while (cursor != null) {
            var page = given().queryParam("limit", 2).queryParam("cursor", cursor).when().get("/api/v1/segments")
                    .then().statusCode(200).body("total", equalTo((int) total)).extract().jsonPath();
            seen += page.getList("items").size();
            cursor = page.getString("next");
        }
        org.junit.jupiter.api.Assertions.assertEquals(total, seen, "total counts what paging walks");
        given().when().get("/api/v1/campaigns").then().statusCode(200).body("total", notNullValue());
        given().when().get("/api/v1/analytics/runs").then().statusCode(200).body("total", notNullValue());
        // Listings whose count would read the whole filtered set say nothing rather than something slow.
        given().queryParam("limit", 1).when().get("/api/v1/contacts").then().statusCode(200).body("total", nullValue());
        given().queryParam("limit", 1).when().get("/api/v1/ties").then().statusCode(200).body("total", nullValue());
    }
}
