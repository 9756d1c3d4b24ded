package health.circles.contact;

import static health.circles.Fixtures.contact;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import health.circles.AsRole;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Consent as a ledger over HTTP: opt-outs that stick, explicit grants that lift them, history, If-Match. */
@QuarkusTest
@AsRole("admin")
class ConsentLedgerApiTest {

    @Inject
    AgroalDataSource db;

    /** A patient who opted out of email and asked not to be contacted, with an EHR identifier. */
    private static String optedOutPatient() {
        return contact().patient().named("Rosa", "Diaz").email("rosa@example.org")
                .externalId("mrn-" + UUID.randomUUID())
                .consent("EMAIL", Map.of("status", "DENIED", "at", "2025-06-01T10:00:00Z", "source", "phone-call"))
                .consent("SMS", Map.of("status", "GRANTED", "at", "2025-01-01T10:00:00Z", "source", "intake-form"))
                .doNotContact(true).create().id();
    }

    private static ExtractableResponse<Response> read(String id) {
        return given().when().get("/api/v1/contacts/{id}", id).then().statusCode(200).extract();
    }

    private static String etag(String id) {
        return read(id).header("ETag");
    }

    @Test
    void putWithoutConsentKeepsTheOptOutDoNotContactAndExternalId() {
        String id = optedOutPatient();
        String externalId = read(id).path("externalId");

        given().contentType(ContentType.JSON).header("If-Match", etag(id))
                .body(Map.of("kind", "PATIENT", "givenName", "Rosa", "familyName", "Diaz", "city", "Harbor"))
                .when().put("/api/v1/contacts/{id}", id)
                .then().statusCode(200)
                .body("city", equalTo("Harbor"))
                .body("email", nullValue())
                .body("consent.EMAIL.status", equalTo("DENIED"))
                .body("consent.EMAIL.source", equalTo("phone-call"))
                .body("consent.SMS.status", equalTo("GRANTED"))
                .body("doNotContact", equalTo(true))
                .body("externalId", equalTo(externalId));

        // A merge patch that leaves consent out keeps it just the same.
        given().contentType("application/merge-patch+json").header("If-Match", etag(id)).body("{\"city\":\"Eastside\"}")
                .when().patch("/api/v1/contacts/{id}", id)
                .then().statusCode(200)
                .body("consent.EMAIL.status", equalTo("DENIED"))
                .body("doNotContact", equalTo(true));

        // externalId: null says so explicitly, and removes it.
        given().contentType(ContentType.JSON).header("If-Match", etag(id))
                .body("{\"kind\":\"PATIENT\",\"givenName\":\"Rosa\",\"familyName\":\"Diaz\",\"externalId\":null}")
                .when().put("/api/v1/contacts/{id}", id)
                .then().statusCode(200).body("externalId", nullValue()).body("doNotContact", equalTo(true));
    }

    @Test
    void putOfExactlyTheBodyGetReturnedSucceedsAndChangesNoConsent() {
        String id = optedOutPatient();
        ExtractableResponse<Response> got = read(id);
        int entries = history(id).getList("items").size();

        given().contentType(ContentType.JSON).header("If-Match", got.header("ETag")).body(got.asString())
                .when().put("/api/v1/contacts/{id}", id)
                .then().statusCode(200)
                .body("id", equalTo(id))
                .body("consent.EMAIL.status", equalTo("DENIED"))
                .body("consent.EMAIL.at", equalTo("2025-06-01T10:00:00Z"))
                .body("doNotContact", equalTo(true))
                .body("externalId", equalTo(got.path("externalId")));
        assertEquals(entries, history(id).getList("items").size(), "sending back what was read records nothing");

        // The same body with the opt-out flipped to GRANTED (its time and source sent back) does not lift it.
        ExtractableResponse<Response> now = read(id);
        String flipped = now.asString().replaceFirst("\"EMAIL\":\\{\"status\":\"DENIED\"", "\"EMAIL\":{\"status\":\"GRANTED\"");
        given().contentType(ContentType.JSON).header("If-Match", now.header("ETag")).body(flipped)
                .when().put("/api/v1/contacts/{id}", id)
                .then().statusCode(409).body("type", endsWith("/opt-out-in-force"));
    }

    @Test
    void readOnlyFieldsOfThePutBodyAreCheckedAgainstTheResource() {
        String id = optedOutPatient();
        ExtractableResponse<Response> got = read(id);
        String otherId = got.asString().replace(id, UUID.randomUUID().toString());
        given().contentType(ContentType.JSON).header("If-Match", got.header("ETag")).body(otherId)
                .when().put("/api/v1/contacts/{id}", id)
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("id"));

        String staleVersion = got.asString().replace("\"version\":" + got.path("version"), "\"version\":99");
        given().contentType(ContentType.JSON).header("If-Match", got.header("ETag")).body(staleVersion)
                .when().put("/api/v1/contacts/{id}", id)
                .then().statusCode(412).body("type", endsWith("/stale-version"));

        given().contentType(ContentType.JSON).header("If-Match", got.header("ETag"))
                .body("{\"kind\":\"PATIENT\",\"familyName\":\"Diaz\",\"nickname\":\"Ro\"}")
                .when().put("/api/v1/contacts/{id}", id)
                .then().statusCode(400).body("errors[0].field", equalTo("nickname"));
        assertEquals(got.header("ETag"), etag(id), "nothing was written");
    }

    @Test
    void aNewerGrantWithoutASourceDoesNotLiftAnOptOut() {
        String id = optedOutPatient();
        given().contentType("application/merge-patch+json").header("If-Match", etag(id))
                .body("{\"consent\":{\"EMAIL\":{\"status\":\"GRANTED\",\"at\":\"2026-01-01T00:00:00Z\"}}}")
                .when().patch("/api/v1/contacts/{id}", id)
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", endsWith("/opt-out-in-force"))
                .body("errors[0].field", equalTo("consent.EMAIL"));
        // The previous answer's source is not borrowed: a patch's answer is taken as written.
        given().contentType(ContentType.JSON).header("If-Match", etag(id))
                .body("{\"kind\":\"PATIENT\",\"familyName\":\"Diaz\",\"doNotContact\":false}")
                .when().put("/api/v1/contacts/{id}", id)
                .then().statusCode(409).body("errors[0].field", equalTo("doNotContact"));
        given().contentType(ContentType.JSON)
                .body(Map.of("channel", "EMAIL", "status", "GRANTED", "givenAt", "2026-01-01T00:00:00Z"))
                .when().post("/api/v1/contacts/{id}/consent", id)
                .then().statusCode(400).body("errors[0].field", equalTo("source"));
        given().contentType(ContentType.JSON)
                .body(Map.of("channel", "EMAIL", "status", "GRANTED", "givenAt", "1800-01-01T00:00:00Z", "source", "x"))
                .when().post("/api/v1/contacts/{id}/consent", id)
                .then().statusCode(400).contentType("application/problem+json");
        read(id).response().then().body("consent.EMAIL.status", equalTo("DENIED")).body("doNotContact", equalTo(true));
    }

    @Test
    void aNewerExplicitGrantWithASourceLiftsTheOptOut() {
        String id = optedOutPatient();
        long version = read(id).jsonPath().getLong("version");

        given().contentType(ContentType.JSON)
                .body(Map.of("channel", "EMAIL", "status", "GRANTED", "givenAt", "2026-01-01T00:00:00Z",
                        "source", "signed-form"))
                .when().post("/api/v1/contacts/{id}/consent", id)
                .then().statusCode(201)
                .header("ETag", equalTo("\"" + (version + 1) + "\""))
                .body("outcome", equalTo("EFFECTIVE"))
                .body("effective.EMAIL.status", equalTo("GRANTED"))
                .body("doNotContact", equalTo(true));
        given().contentType(ContentType.JSON)
                .body(Map.of("channel", "DO_NOT_CONTACT", "status", "GRANTED", "givenAt", Instant.now().toString(),
                        "source", "signed-form"))
                .when().post("/api/v1/contacts/{id}/consent", id)
                .then().statusCode(201).body("doNotContact", equalTo(false));
        read(id).response().then()
                .body("consent.EMAIL.status", equalTo("GRANTED"))
                .body("consent.EMAIL.source", equalTo("signed-form"))
                .body("consent.EMAIL.at", equalTo("2026-01-01T00:00:00Z"))
                .body("doNotContact", equalTo(false));

        // An answer given before the one in force is kept as history and changes nothing.
        given().contentType(ContentType.JSON)
                .body(Map.of("channel", "EMAIL", "status", "DENIED", "givenAt", "2025-12-01T00:00:00Z",
                        "source", "old-letter"))
                .when().post("/api/v1/contacts/{id}/consent", id)
                .then().statusCode(201).body("outcome", equalTo("HISTORY")).body("effective.EMAIL.status", equalTo("GRANTED"));
        // The same answer again records nothing.
        given().contentType(ContentType.JSON)
                .body(Map.of("channel", "EMAIL", "status", "GRANTED", "givenAt", "2026-01-01T00:00:00Z",
                        "source", "signed-form"))
                .when().post("/api/v1/contacts/{id}/consent", id)
                .then().statusCode(200).body("outcome", equalTo("REPEAT"));
    }

    @Test
    void anImportReplayingAnOlderGrantDoesNotLiftANewerDenial() throws Exception {
        String mrn = "mrn-" + UUID.randomUUID();
        String first = """
                {"record":"contact","externalId":"%s","kind":"PATIENT","givenName":"Ivan","familyName":"Petrov",\
                "consent":{"EMAIL":{"status":"GRANTED","at":"2024-03-01T09:00:00Z","source":"ehr"}}}
                """.formatted(mrn);
        awaitImport(first);
        String id = contactWithExternalId(mrn);
        // A campaign-like opt-out through the explicit endpoint.
        given().contentType(ContentType.JSON)
                .body(Map.of("channel", "EMAIL", "status", "DENIED", "givenAt", "2025-05-01T00:00:00Z",
                        "source", "campaign-opt-out"))
                .when().post("/api/v1/contacts/{id}/consent", id).then().statusCode(201);

        // The EHR's file again, with a changed city: the older grant goes to history, the city applies.
        String replay = first.replace("\"familyName\":\"Petrov\"", "\"familyName\":\"Petrov\",\"city\":\"Harbor\"");
        JsonPath job = awaitImport(replay);
        assertEquals(1, job.getLong("counts.updated"));
        read(id).response().then().body("consent.EMAIL.status", equalTo("DENIED")).body("city", equalTo("Harbor"));

        // A newer grant with no source (a CSV cell says only the status) is skipped with a note; the row applies.
        String csv = "externalId,kind,givenName,familyName,city,consent.EMAIL,doNotContact\n"
                + mrn + ",PATIENT,Ivan,Petrov,Riverside,GRANTED,\n";
        String location = given().contentType("text/csv").body(csv.getBytes(StandardCharsets.UTF_8)).when().post("/api/v1/imports?type=contact")
                .then().statusCode(202).extract().header("Location");
        JsonPath done = awaitFinished(location);
        assertEquals("SUCCEEDED", done.getString("state"));
        assertEquals(0, done.getLong("counts.rejected"));
        given().get(location + "/errors").then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].field", equalTo("consent.EMAIL"))
                .body("items[0].reason", containsString("skipped"));
        read(id).response().then().body("consent.EMAIL.status", equalTo("DENIED")).body("city", equalTo("Riverside"));
        assertEquals(List.of("DENIED", "GRANTED"), history(id).getList("items.status"),
                "the replayed grant was recorded once, the skipped one not at all");
    }

    @Test
    void historyIsPagedNewestFirst() {
        String id = optedOutPatient();
        for (int day = 10; day < 15; day++) {
            given().contentType(ContentType.JSON)
                    .body(Map.of("channel", "PHONE", "status", day % 2 == 0 ? "GRANTED" : "UNKNOWN",
                            "givenAt", "2025-07-" + day + "T00:00:00Z", "source", "call-" + day))
                    .when().post("/api/v1/contacts/{id}/consent", id).then().statusCode(201);
        }
        List<String> given = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            var request = given().queryParam("limit", 3);
            if (next != null) {
                request.queryParam("cursor", next);
            }
            JsonPath page = request.when().get("/api/v1/contacts/{id}/consent", id).then().statusCode(200)
                    .body("effective.PHONE.status", equalTo("GRANTED"))
                    .body("effective.DO_NOT_CONTACT.status", equalTo("DENIED"))
                    .body("doNotContact", equalTo(true))
                    .extract().jsonPath();
            given.addAll(page.getList("items.givenAt"));
            next = page.getString("next");
            pages++;
        } while (next != null);
        // 5 phone answers, the email and SMS answers and do-not-contact given at creation.
        assertEquals(8, given.size());
        assertEquals(3, pages);
        List<String> sorted = new ArrayList<>(given);
        sorted.sort(java.util.Comparator.reverseOrder());
        assertEquals(sorted, given);
        assertEquals("2025-07-14T00:00:00Z", given.get(1));
        given().queryParam("cursor", "garbage").when().get("/api/v1/contacts/{id}/consent", id)
                .then().statusCode(400).body("errors[0].field", equalTo("cursor"));
        given().when().get("/api/v1/contacts/{id}/consent", UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void everyVersionedChangeWithoutIfMatchAnswers428AndWritesNothing() {
        String id = optedOutPatient();
        String other = optedOutPatient();
        String tie = given().contentType(ContentType.JSON)
                .body(Map.of("from", id, "to", other, "type", "FRIEND_OF"))
                .when().post("/api/v1/ties").then().statusCode(201).extract().path("id");
        String segment = given().contentType(ContentType.JSON)
                .body("{\"name\":\"Segment " + UUID.randomUUID() + "\",\"filter\":{\"tags\":[\"x\"]}}")
                .when().post("/api/v1/segments").then().statusCode(201).extract().path("id");
        String contactBody = "{\"kind\":\"PATIENT\",\"familyName\":\"Changed\"}";
        String tieBody = "{\"declaredStrength\":0.5,\"notes\":\"changed\"}";
        String segmentBody = "{\"name\":\"Changed " + UUID.randomUUID() + "\",\"filter\":{\"tags\":[\"y\"]}}";

        for (String ifMatch : new String[]{null, "*"}) {
            refused(ifMatch).contentType(ContentType.JSON).body(contactBody).put("/api/v1/contacts/" + id)
                    .then().statusCode(428).contentType("application/problem+json")
                    .body("type", endsWith("/precondition-required"));
            refused(ifMatch).contentType("application/merge-patch+json").body("{\"city\":\"X\"}")
                    .patch("/api/v1/contacts/" + id).then().statusCode(428).body("type", endsWith("/precondition-required"));
            refused(ifMatch).delete("/api/v1/contacts/" + id).then().statusCode(428);
            refused(ifMatch).contentType(ContentType.JSON).body(tieBody).put("/api/v1/ties/" + tie)
                    .then().statusCode(428).body("type", endsWith("/precondition-required"));
            refused(ifMatch).delete("/api/v1/ties/" + tie).then().statusCode(428);
            refused(ifMatch).contentType(ContentType.JSON).body(segmentBody).put("/api/v1/segments/" + segment)
                    .then().statusCode(428).body("type", endsWith("/precondition-required"));
            refused(ifMatch).delete("/api/v1/segments/" + segment).then().statusCode(428);
        }
        given().get("/api/v1/contacts/" + id).then().statusCode(200).header("ETag", equalTo("\"0\""))
                .body("familyName", equalTo("Diaz"));
        given().get("/api/v1/ties/" + tie).then().statusCode(200).header("ETag", equalTo("\"0\""));
        given().get("/api/v1/segments/" + segment).then().statusCode(200).header("ETag", equalTo("\"0\""));

        // With the tag read, each of them goes through.
        given().contentType(ContentType.JSON).header("If-Match", "\"0\"").body(segmentBody)
                .put("/api/v1/segments/" + segment).then().statusCode(200);
        given().header("If-Match", "\"0\"").delete("/api/v1/segments/" + segment).then().statusCode(412);
        given().header("If-Match", "\"1\"").delete("/api/v1/segments/" + segment).then().statusCode(204);
        given().contentType(ContentType.JSON).header("If-Match", "\"0\"").body(tieBody)
                .put("/api/v1/ties/" + tie).then().statusCode(200);
        given().header("If-Match", "\"1\"").delete("/api/v1/ties/" + tie).then().statusCode(204);
        // The patient is do-not-contact: deleting would lose that (erasure is the way out), so a delete with the
        // right tag is refused too.
        given().header("If-Match", "\"0\"").delete("/api/v1/contacts/" + id).then().statusCode(409)
                .body("type", endsWith("/opt-out-would-be-lost"));
    }

    private static io.restassured.specification.RequestSpecification refused(String ifMatch) {
        return ifMatch == null ? given() : given().header("If-Match", ifMatch);
    }

    @Test
    void erasureRemovesTheLedgerRows() throws Exception {
        String id = optedOutPatient();
        assertNotEquals(0, ledgerRows(id));
        given().when().post("/api/v1/contacts/{id}/erasure", id).then().statusCode(204);
        assertEquals(0, ledgerRows(id));
        given().when().get("/api/v1/contacts/{id}/consent", id).then().statusCode(404);
    }

    @Test
    void consentHistoryShowsWhoRecordedAnEntryOnlyToThoseWhoSeeTheWholeRecord() {
        String id = optedOutPatient();
        given().when().get("/api/v1/contacts/{id}/consent", id).then().statusCode(200)
                .body("items[0].recordedBy", notNullValue())
                .body("items[0].requestId", notNullValue());
        health.circles.TestTokens.as("outreach").when().get("/api/v1/contacts/{id}/consent", id).then().statusCode(200)
                .body("items[0].status", notNullValue())
                .body("items[0].recordedBy", nullValue())
                .body("items[0].requestId", nullValue());
    }

    private long ledgerRows(String contact) throws Exception {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM consent_entry WHERE contact_id = ?")) {
            s.setObject(1, UUID.fromString(contact));
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private String contactWithExternalId(String externalId) throws Exception {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT id FROM contact WHERE external_id = ?")) {
            s.setString(1, externalId);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getString(1);
            }
        }
    }

    private static JsonPath history(String id) {
        return given().queryParam("limit", 200).when().get("/api/v1/contacts/{id}/consent", id)
                .then().statusCode(200).extract().jsonPath();
    }

    private static JsonPath awaitImport(String ndjson) {
        String location = given().contentType("application/x-ndjson")
                .body(ndjson.getBytes(StandardCharsets.UTF_8)).when().post("/api/v1/imports")
                .then().statusCode(202).extract().header("Location");
        JsonPath job = awaitFinished(location);
        assertEquals("SUCCEEDED", job.getString("state"), job.prettify());
        assertEquals(0, job.getLong("counts.rejected"), job.prettify());
        return job;
    }

    private static JsonPath awaitFinished(String location) {
        return await("import " + location + " to finish").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> given().get(location).then().statusCode(200).extract().jsonPath(),
                        job -> !List.of("QUEUED", "RUNNING").contains(job.getString("state")));
    }
}
