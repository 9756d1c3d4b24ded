package health.circles.imports;

import static health.circles.imports.ImportApiTest.awaitFinished;
import static health.circles.imports.ImportApiTest.start;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import health.circles.AsRole;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Import rows name relationship types by their registry codes: built-in ones, the family vocabulary, added ones. */
@QuarkusTest
@AsRole("admin")
class RelationshipTypeImportTest {

    @Test
    void importedTiesTakeBuiltInAndAddedCodesAndTheirDefaultWeights() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String neighbours = "HELPS_" + run.toUpperCase(Locale.ROOT);
        given().contentType("application/json").body(Map.of("code", neighbours, "reverseName", "HELPED_BY_"
                        + run.toUpperCase(Locale.ROOT), "fromKinds", List.of("CAREGIVER"), "toKinds", List.of("PATIENT"),
                "symmetric", false, "defaultWeight", 0.3))
                .when().post("/api/v1/relationship-types").then().statusCode(201);
        String file = """
                {"record":"contact","externalId":"rt-mum-%1$s","kind":"FAMILY","givenName":"Mum","familyName":"Rt"}
                {"record":"contact","externalId":"rt-kid-%1$s","kind":"PATIENT","givenName":"Kid","familyName":"Rt"}
                {"record":"contact","externalId":"rt-aid-%1$s","kind":"CAREGIVER","givenName":"Aid","familyName":"Rt"}
                {"record":"tie","externalId":"rt-t1-%1$s","from":"rt-mum-%1$s","to":"rt-kid-%1$s","type":"PARENT_OF"}
                {"record":"tie","externalId":"rt-t2-%1$s","from":"rt-aid-%1$s","to":"rt-kid-%1$s","type":"%2$s"}
                {"record":"tie","externalId":"rt-t3-%1$s","from":"rt-kid-%1$s","to":"rt-aid-%1$s","type":"%2$s"}
                {"record":"tie","externalId":"rt-t4-%1$s","from":"rt-mum-%1$s","to":"rt-aid-%1$s","type":"NO_SUCH_TYPE"}
                """.formatted(run, neighbours);

        JsonPath job = awaitFinished(start(file, "application/x-ndjson", ""));

        assertEquals("SUCCEEDED", job.getString("state"), job.prettify());
        assertEquals(5, job.getLong("counts.inserted"));
        assertEquals(2, job.getLong("counts.rejected"));
        given().queryParam("limit", 10).get("/api/v1/imports/" + job.getString("id") + "/errors")
                .then().statusCode(200)
                .body("items.row", equalTo(List.of(6, 7)))
                .body("items[0].field", equalTo("type"))
                .body("items[0].reason", startsWith(neighbours + " cannot join a PATIENT to a CAREGIVER"))
                .body("items[1].field", equalTo("type"))
                .body("items[1].reason", startsWith("is not a relationship type: NO_SUCH_TYPE"));
        String kid = given().queryParam("externalId", "rt-kid-" + run).get("/api/v1/contacts").then().statusCode(200)
                .extract().path("items[0].id");
        JsonPath ties = given().get("/api/v1/contacts/" + kid + "/ties").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("CHILD_OF", "HELPED_BY_" + run.toUpperCase(Locale.ROOT)),
                ties.getList("items.findAll { it.externalId != null }.sort { it.externalId }.relationship"));
        assertEquals(List.of(0.5f, 0.3f),
                ties.getList("items.findAll { it.externalId != null }.sort { it.externalId }.declaredStrength"));
    }
}
