package health.circles.contact;

import static health.circles.Fixtures.contact;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import health.circles.AsRole;
import health.circles.Fixtures;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Every rejected request is problem+json with a stable type, names the offending fields, and writes nothing. */
@QuarkusTest
@AsRole("admin")
class ContactValidationTest {

    private static final String PROBLEM = "application/problem+json";
    private static final String TYPES = "https://circles.health/problems/";

    @Inject
    AgroalDataSource dataSource;

    @TestHTTPResource("/api/v1/contacts")
    URI contacts;

    @Test
    void contactWithoutKindIsRejected() {
        rejectedCreate(Map.of("givenName", "Ana", "familyName", "Lopez"), 400, "validation")
                .body("errors.field", containsInAnyOrder("kind"));
    }

    @Test
    void personWithoutAnyNameIsRejected() {
        rejectedCreate(Map.of("kind", "NURSE", "givenName", "  "), 400, "validation")
                .body("errors.field", containsInAnyOrder("givenName", "familyName"));
    }

    @Test
    void organisationWithoutOrganisationNameIsRejected() {
        rejectedCreate(Map.of("kind", "ORGANIZATION", "givenName", "Ana"), 400, "validation")
                .body("errors.field", containsInAnyOrder("organizationName"));
    }

    @Test
    void badEmailPhoneAndLanguageAreEachNamed() {
        Map<String, Object> body = ana().email("not-an-email").phone("call me").languages("en", "English!").body();
        rejectedCreate(body, 400, "validation")
                .body("errors.field", containsInAnyOrder("email", "phone", "languages[1]"))
                .body("detail", containsString("email"));
    }

    @Test
    void tooManyTagsAreRejected() {
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            tags.add("tag" + i);
        }
        rejectedCreate(ana().set("tags", tags).body(), 400, "validation")
                .body("errors.field", containsInAnyOrder("tags"));
    }

    @Test
    void invalidConsentIsNamedByChannel() {
        Map<String, Object> body = ana().consent("EMAIL", Map.of("source", "intake-form")).body();
        rejectedCreate(body, 400, "validation")
                .body("errors.field", containsInAnyOrder("consent[EMAIL].status"));
    }

    @Test
    void specialtiesAreOnlyForClinicians() {
        rejectedCreate(ana().specialties("cardiology").body(), 400, "validation")
                .body("errors.field", containsInAnyOrder("specialties"));
    }

    @Test
    void unknownFieldIsRejected() {
        rejectedCreate(ana().set("nickname", "Annie").body(), 400, "validation")
                .body("errors.field", containsInAnyOrder("nickname"))
                .body("errors[0].reason", containsString("not a known field"));
    }

    @Test
    void wrongJsonTypesAreRejectedNotCoerced() {
        rejectedCreate(ana().set("doNotContact", "yes").body(), 400, "validation")
                .body("errors.field", containsInAnyOrder("doNotContact"));
        rejectedCreate(ana().set("tags", "diabetes").body(), 400, "validation")
                .body("errors.field", containsInAnyOrder("tags"));
        rejectedCreate(Map.of("kind", "PATIENT", "familyName", 42), 400, "validation")
                .body("errors.field", containsInAnyOrder("familyName"));
        rejectedCreate(Map.of("kind", "PATIENT", "familyName", Map.of("a", 1)), 400, "validation")
                .body("errors.field", containsInAnyOrder("familyName"));
    }

    @Test
    void unknownEnumValueIsRejected() {
        rejectedCreate(Map.of("kind", "ALIEN", "familyName", "Lopez"), 400, "validation")
                .body("errors.field", containsInAnyOrder("kind"))
                .body("errors[0].reason", containsString("PATIENT"));
        rejectedCreate(ana().consent("FAX", "GRANTED").body(), 400,
                "validation");
    }

    @Test
    void malformedOrMissingJsonIsRejected() {
        rejected(r -> r.contentType(ContentType.JSON).body("{\"kind\": \"PATIENT\", ").post("/api/v1/contacts").then(),
                400, "malformed-json");
        rejected(r -> r.contentType(ContentType.JSON).body("[1, 2]").post("/api/v1/contacts").then(), 400, null);
        rejected(r -> r.contentType(ContentType.JSON).post("/api/v1/contacts").then(), 400, null);
    }

    @Test
    void unsupportedMediaTypeIs415() {
        rejected(r -> r.contentType(ContentType.TEXT).body("kind=PATIENT").post("/api/v1/contacts").then(),
                415, "unsupported-media-type");
        String id = ana().create().id();
        rejected(r -> r.contentType(ContentType.XML).body("<a/>").patch("/api/v1/contacts/" + id).then(),
                415, "unsupported-media-type");
    }

    @Test
    void oversizeBodyIs413ProblemJson() {
        String huge = "x".repeat(2 * 1024 * 1024);
        rejected(r -> r.contentType(ContentType.JSON).body("{\"kind\":\"PATIENT\",\"familyName\":\"" + huge + "\"}")
                .post("/api/v1/contacts").then(), 413, "payload-too-large");
    }

    @Test
    void oversizeChunkedBodyIs413ProblemJsonToo() throws Exception {
        // No Content-Length: the limit is only found out while the body streams in.
        byte[] body = ("{\"kind\":\"PATIENT\",\"familyName\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        List<Long> before = rowCounts();
        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(contacts)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, response.statusCode(), response.body());
        assertEquals(PROBLEM, response.headers().firstValue("Content-Type").orElse(""));
        org.hamcrest.MatcherAssert.assertThat(response.body(), containsString(TYPES + "payload-too-large"));
        assertEquals(before, rowCounts());
    }

    @Test
    void badUuidInPathIs400AndUnknownContactIs404() {
        rejected(r -> r.get("/api/v1/contacts/not-a-uuid").then(), 400, "validation")
                .body("errors.field", containsInAnyOrder("id"));
        rejected(r -> r.contentType(ContentType.JSON).body(ana().body())
                .put("/api/v1/contacts/1234").then(), 400, "validation");
        rejected(r -> r.get("/api/v1/contacts/7d1c1b36-5d2a-4bde-9e0e-2f5b8c1f0a11").then(), 404, "not-found")
                .body("detail", containsString("7d1c1b36-5d2a-4bde-9e0e-2f5b8c1f0a11"));
        rejected(r -> r.header("If-Match", "\"0\"").contentType("application/merge-patch+json").body("{}")
                .patch("/api/v1/contacts/7d1c1b36-5d2a-4bde-9e0e-2f5b8c1f0a11").then(), 404, "not-found");
        rejected(r -> r.header("If-Match", "\"0\"").delete("/api/v1/contacts/7d1c1b36-5d2a-4bde-9e0e-2f5b8c1f0a11").then(), 404, "not-found");
    }

    @Test
    void invalidPatchChangesNothing() {
        String id = ana().email("ana@example.org").create().id();
        rejected(r -> r.header("If-Match", "\"0\"").contentType("application/merge-patch+json").body("{\"kind\": null}")
                .patch("/api/v1/contacts/" + id).then(), 400, "validation")
                .body("errors.field", containsInAnyOrder("kind"));
        rejected(r -> r.header("If-Match", "\"0\"").contentType("application/merge-patch+json").body("{\"email\": \"nope\"}")
                .patch("/api/v1/contacts/" + id).then(), 400, "validation")
                .body("errors.field", containsInAnyOrder("email"));
        rejected(r -> r.header("If-Match", "\"0\"").contentType("application/merge-patch+json").body("{\"givenName\": null, \"familyName\": null}")
                .patch("/api/v1/contacts/" + id).then(), 400, "validation");
        rejected(r -> r.header("If-Match", "\"0\"").contentType("application/merge-patch+json").body("{\"shoeSize\": 9}")
                .patch("/api/v1/contacts/" + id).then(), 400, "validation")
                .body("errors.field", containsInAnyOrder("shoeSize"));
        rejected(r -> r.header("If-Match", "\"0\"").contentType("application/merge-patch+json").body("{\"tags\": 7}")
                .patch("/api/v1/contacts/" + id).then(), 400, "validation")
                .body("errors.field", containsInAnyOrder("tags"));
        rejected(r -> r.header("If-Match", "\"0\"").contentType("application/merge-patch+json").body("{\"city\": ")
                .patch("/api/v1/contacts/" + id).then(), 400, "malformed-json");
        rejected(r -> r.header("If-Match", "\"0\"").contentType("application/merge-patch+json").body("[]")
                .patch("/api/v1/contacts/" + id).then(), 400, "malformed-json");
        given().when().get("/api/v1/contacts/{id}", id)
                .then().statusCode(200)
                .header("ETag", equalTo("\"0\""))
                .body("email", equalTo("ana@example.org"));
    }

    @Test
    void duplicateExternalIdIs409() {
        String externalId = "ehr-" + Fixtures.uniqueTag();
        ana().externalId(externalId).create();
        rejectedCreate(ana().externalId(externalId).body(), 409, "duplicate-external-id");
    }

    @Test
    void listingParametersOutOfRangeAreRejected() {
        for (String limit : List.of("0", "201", "-5", "abc", "1e3")) {
            rejected(r -> r.queryParam("limit", limit).get("/api/v1/contacts").then(), 400, "validation")
                    .body("errors.field", containsInAnyOrder("limit"));
        }
        given().queryParam("limit", 200).when().get("/api/v1/contacts").then().statusCode(200);
        rejected(r -> r.queryParam("kind", "ALIEN").get("/api/v1/contacts").then(), 400, "validation")
                .body("errors.field", containsInAnyOrder("kind"));
        rejected(r -> r.queryParam("sort", "age").get("/api/v1/contacts").then(), 400, "validation")
                .body("errors.field", containsInAnyOrder("sort"));
        for (String consent : List.of("EMAIL", "FAX:GRANTED", "EMAIL:MAYBE", "EMAIL:GRANTED:x")) {
            rejected(r -> r.queryParam("consent", consent).get("/api/v1/contacts").then(), 400, "validation")
                    .body("errors.field", containsInAnyOrder("consent"));
        }
        rejected(r -> r.queryParam("q", "?!").get("/api/v1/contacts").then(), 400, "validation")
                .body("errors.field", containsInAnyOrder("q"));
    }

    @Test
    void badCursorIsRejected() {
        for (String next : List.of("garbage!", "bm90LWEtY3Vyc29y", "")) {
            if (next.isEmpty()) {
                continue;
            }
            rejected(r -> r.queryParam("cursor", next).get("/api/v1/contacts").then(), 400, "validation")
                    .body("errors.field", containsInAnyOrder("cursor"));
        }
        String tag = Fixtures.uniqueTag();
        contact().patient().named("Ana", "Cursor").tags(tag).create();
        contact().patient().named("Bea", "Cursor").tags(tag).create();
        String byName = given().queryParam("tag", tag).queryParam("limit", 1)
                .when().get("/api/v1/contacts")
                .then().statusCode(200).body("next", notNullValue()).extract().path("next");
        rejected(r -> r.queryParam("q", "cursor").queryParam("sort", "relevance").queryParam("cursor", byName)
                .get("/api/v1/contacts").then(), 400, "validation")
                .body("errors.field", containsInAnyOrder("cursor"));
    }

    @Test
    void unknownPathAndMethodAreProblems() {
        rejected(r -> r.get("/api/v1/nothing-here").then(), 404, "not-found");
        String id = contact().patient().named("A", "B").create().id();
        rejected(r -> r.contentType(ContentType.JSON).body("{}").post("/api/v1/contacts/" + id).then(), 405,
                "method-not-allowed");
    }

    /** Ana Lopez, a patient: the valid body each test makes invalid in one way. */
    private static Fixtures.ContactFixture ana() {
        return contact().patient().named("Ana", "Lopez");
    }

    /** Creates with a body that must be refused, checking that no row of any kind was written. */
    private ValidatableResponse rejectedCreate(Map<String, ?> body, int status, String type) {
        return rejected(r -> r.contentType(ContentType.JSON).body(body).post("/api/v1/contacts").then(), status, type);
    }

    private ValidatableResponse rejected(Function<RequestSpecification, ValidatableResponse> request, int status,
                                         String type) {
        List<Long> before = rowCounts();
        ValidatableResponse response = request.apply(given().when())
                .log().ifValidationFails()
                .statusCode(status)
                .contentType(PROBLEM)
                .body("status", equalTo(status))
                .body("title", notNullValue())
                .body("detail", notNullValue())
                .body("type", type == null ? containsString(TYPES) : equalTo(TYPES + type))
                .body(not(containsString("Exception")))
                .body(not(containsString("\tat ")));
        assertEquals(before, rowCounts(), "a rejected request wrote rows (contact, contact_consent, outbox)");
        return response;
    }

    /**
     * Contacts, consent rows, and the newest outbox position. Not the outbox's row count: the erasure sweep of an
     * earlier test's erasure deletes applied rows in the background, and the relay's applied position stands in for a
     * newest row deleted that way.
     */
    private List<Long> rowCounts() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("""
                     SELECT (SELECT count(*) FROM contact), (SELECT count(*) FROM contact_consent),
                            greatest((SELECT coalesce(max(position), 0) FROM outbox),
                                     (SELECT applied_position FROM sync_state))""")) {
            r.next();
            return List.of(r.getLong(1), r.getLong(2), r.getLong(3));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
