package health.circles.security;

import static health.circles.Fixtures.contact;
import static health.circles.TestTokens.as;
import static health.circles.TestTokens.asClinician;
import static health.circles.TestTokens.bearer;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.Anonymous;
import health.circles.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Break-the-glass: a clinician opens a record in an emergency; it is answered whole, audited, bounded and reviewed. */
@QuarkusTest
@Anonymous
class EmergencyAccessApiTest {

    @Inject
    AgroalDataSource db;

    private static io.restassured.response.Response open(String clinician, UUID doctor, UUID patient, Object body) {
        return asClinician(clinician, doctor).contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/contacts/" + patient + "/emergency-access");
    }

    private static JsonPath review(String queue) {
        return as("admin").queryParam("reviewed", queue).queryParam("limit", 200)
                .when().get("/api/v1/admin/emergency-accesses").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void breakingTheGlassAnswersTheWholeRecordAndGrantsItForTheWindow() {
        UUID doctor = contact().physician().named("Erik", "Emergency").fullRecord().create().uuid();
        UUID patient = contact().patient().named("Ella", "Unconscious").fullRecord().create().uuid();
        String me = AuditRows.subject("dr-emergency");
        asClinician(me, doctor).when().get("/api/v1/contacts/" + patient)
                .then().statusCode(200).body("phone", nullValue()).body("externalId", nullValue());
        JsonPath granted = open(me, doctor, patient, Map.of("reason", "Brought in unconscious, allergies unknown"))
                .then().statusCode(200)
                .body("contact.id", equalTo(patient.toString()))
                .body("contact.phone", notNullValue())
                .body("contact.externalId", notNullValue())
                .body("id", notNullValue())
                .extract().jsonPath();
        Duration window = Duration.between(Instant.now(), Instant.parse(granted.getString("expiresAt")));
        assertTrue(window.compareTo(Duration.ofHours(4)) <= 0 && window.compareTo(Duration.ofHours(3)) > 0,
                "the grant lasts the configured window (PT4H): " + window);
        // The grant, not only the answer: later reads are whole too, ties' notes included.
        asClinician(me, doctor).when().get("/api/v1/contacts/" + patient)
                .then().statusCode(200).body("phone", notNullValue()).body("externalId", notNullValue());
        // Another clinician gains nothing from it.
        UUID bystander = contact().physician().named("Bea", "Bystander").fullRecord().create().uuid();
        asClinician(AuditRows.subject("dr-bystander"), bystander)
                .when().get("/api/v1/contacts/" + patient).then().statusCode(200).body("externalId", nullValue());
    }

    /** Emergency access opens the record, not the patient's consent: no grant may follow from it, an opt-out may. */
    @Test
    void emergencyAccessDoesNotLetAClinicianGrantConsentOrLiftAnOptOut() {
        UUID doctor = contact().physician().named("Gus", "Glass").fullRecord().create().uuid();
        UUID patient = contact().patient().named("Ona", "Optedout").fullRecord().doNotContact(true)
                .consent("SMS", "DENIED", "phone-call").create().uuid();
        String me = AuditRows.subject("dr-glass-consent");
        open(me, doctor, patient, Map.of("reason", "Seizure in the waiting room")).then().statusCode(200);
        for (String channel : List.of("DO_NOT_CONTACT", "SMS", "MAIL", "PHONE")) {
            // Given after the opt-outs: as a real lift would be.
            asClinician(me, doctor).contentType(ContentType.JSON).body(Map.of("channel", channel, "status", "GRANTED",
                            "givenAt", Instant.now().toString(), "source", "phone-call"))
                    .when().post("/api/v1/contacts/" + patient + "/consent")
                    .then().statusCode(403).contentType("application/problem+json")
                    .body("type", org.hamcrest.Matchers.endsWith("care-relationship-required"));
        }
        io.restassured.response.Response record = as("admin").when().get("/api/v1/contacts/" + patient);
        record.then().statusCode(200).body("doNotContact", equalTo(true))
                .body("consent.SMS.status", equalTo("DENIED")).body("consent.MAIL.status", equalTo("DENIED"))
                .body("consent.PHONE.status", equalTo("UNKNOWN"));
        String etag = record.header("ETag");
        asClinician(me, doctor).contentType("application/merge-patch+json").header("If-Match", etag)
                .body("{\"consent\":{\"PHONE\":{\"status\":\"GRANTED\",\"source\":\"phone-call\"}}}")
                .when().patch("/api/v1/contacts/" + patient).then().statusCode(403);

        // An opt-out is the patient's protection: recording one needs no care relationship.
        asClinician(me, doctor).contentType(ContentType.JSON)
                .body(Map.of("channel", "PHONE", "status", "DENIED", "givenAt", Instant.now().toString(),
                        "source", "phone-call"))
                .when().post("/api/v1/contacts/" + patient + "/consent").then().statusCode(201);
        // And the record's other fields stay writable in the emergency: a PUT of what a GET returned, answers included.
        io.restassured.response.Response current = asClinician(me, doctor).when().get("/api/v1/contacts/" + patient);
        asClinician(me, doctor).contentType(ContentType.JSON).header("If-Match", current.header("ETag"))
                .body(current.asString()).when().put("/api/v1/contacts/" + patient).then().statusCode(200);
        as("admin").when().get("/api/v1/contacts/" + patient).then().statusCode(200)
                .body("doNotContact", equalTo(true)).body("consent.PHONE.status", equalTo("DENIED"));
    }

    @Test
    void emergencyAccessIsWrittenToTheAuditTrailAsSuch() {
        UUID doctor = contact().physician().named("Aldo", "Audited").fullRecord().create().uuid();
        UUID patient = contact().patient().named("Alma", "Audited").fullRecord().create().uuid();
        String me = AuditRows.subject("dr-audited");
        open(me, doctor, patient, Map.of("reason", "Cardiac arrest in the waiting room")).then().statusCode(200);
        UUID unknown = UUID.randomUUID();
        open(me, doctor, unknown, Map.of("reason", "Wrong id")).then().statusCode(404);
        assertEquals(List.of(
                "emergency-access contact " + patient + " [" + patient + "] POST 200",
                "emergency-access contact " + unknown + " [" + unknown + "] POST 404"), AuditRows.of(db, me));
    }

    @Test
    void emergencyAccessIsListedForReviewAndReviewedOnce() {
        UUID doctor = contact().physician().named("Lars", "Listed").fullRecord().create().uuid();
        UUID patient = contact().patient().named("Lina", "Listed").fullRecord().create().uuid();
        String me = AuditRows.subject("dr-listed");
        String id = open(me, doctor, patient, Map.of("reason", "Overdose, patient cannot answer"))
                .then().statusCode(200).extract().path("id");
        JsonPath queue = review("false");
        int at = queue.getList("items.id").indexOf(id);
        assertTrue(at >= 0, "the access waits in the review queue");
        assertEquals(patient.toString(), queue.getString("items[" + at + "].contactId"));
        assertEquals(me, queue.getString("items[" + at + "].subject"));
        assertEquals(doctor.toString(), queue.getString("items[" + at + "].subjectContactId"));
        assertEquals("Overdose, patient cannot answer", queue.getString("items[" + at + "].reason"));
        assertEquals(true, queue.getBoolean("items[" + at + "].active"));
        assertEquals(false, queue.getBoolean("items[" + at + "].reviewed"));
        assertTrue(queue.getString("items[" + at + "].grantedAt") != null);

        String reviewer = AuditRows.subject("admin-reviewer");
        bearer(TestTokens.token(reviewer, Set.of("admin"))).contentType(ContentType.JSON)
                .body(Map.of("note", "Confirmed with the ED rota"))
                .when().post("/api/v1/admin/emergency-accesses/" + id + "/review")
                .then().statusCode(200).body("reviewed", equalTo(true)).body("reviewedBy", equalTo(reviewer))
                .body("reviewNote", equalTo("Confirmed with the ED rota")).body("reviewedAt", notNullValue());
        as("admin").contentType(ContentType.JSON).body("{}")
                .when().post("/api/v1/admin/emergency-accesses/" + id + "/review")
                .then().statusCode(409).contentType("application/problem+json");
        assertTrue(!review("false").getList("items.id").contains(id));
        assertTrue(review("true").getList("items.id").contains(id));
        as("admin").contentType(ContentType.JSON).body("{}")
                .when().post("/api/v1/admin/emergency-accesses/" + UUID.randomUUID() + "/review")
                .then().statusCode(404).contentType("application/problem+json");
        as("admin").queryParam("reviewed", "maybe").when().get("/api/v1/admin/emergency-accesses")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void reviewListingIsPagedNewestFirst() {
        UUID doctor = contact().physician().named("Pia", "Paged").fullRecord().create().uuid();
        String me = AuditRows.subject("dr-paged");
        for (int i = 0; i < 3; i++) {
            UUID patient = contact().patient().named("Page" + i, "Paged").fullRecord().create().uuid();
            open(me, doctor, patient, Map.of("reason", "Emergency " + i)).then().statusCode(200);
        }
        JsonPath first = as("admin").queryParam("limit", 2).when().get("/api/v1/admin/emergency-accesses")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(2, first.getList("items").size());
        assertTrue(Instant.parse(first.getString("items[0].grantedAt"))
                .compareTo(Instant.parse(first.getString("items[1].grantedAt"))) >= 0);
        JsonPath second = as("admin").queryParam("limit", 2).queryParam("next", first.getString("next"))
                .when().get("/api/v1/admin/emergency-accesses").then().statusCode(200).extract().jsonPath();
        assertTrue(second.getList("items.id").stream().noneMatch(first.getList("items.id")::contains));
    }

    @Test
    void onlyCliniciansBreakTheGlass() {
        UUID patient = contact().patient().named("Nora", "Notallowed").fullRecord().create().uuid();
        for (String role : new String[] {"outreach", "analyst", "admin", "integration"}) {
            as(role).contentType(ContentType.JSON).body(Map.of("reason", "curious"))
                    .when().post("/api/v1/contacts/" + patient + "/emergency-access")
                    .then().statusCode(403).contentType("application/problem+json");
        }
        for (String role : new String[] {"clinician", "outreach", "analyst", "integration"}) {
            as(role).when().get("/api/v1/admin/emergency-accesses").then().statusCode(403);
        }
    }

    @Test
    void reasonIsRequiredBoundedAndPlainText() {
        UUID doctor = contact().physician().named("Vic", "Validated").fullRecord().create().uuid();
        UUID patient = contact().patient().named("Val", "Validated").fullRecord().create().uuid();
        String me = AuditRows.subject("dr-validated");
        for (Object body : new Object[] {"{}", Map.of("reason", ""), Map.of("reason", "   "), "{\"reason\":null}",
                Map.of("reason", "x".repeat(501)), Map.of("reason", "stroke\u0000"), Map.of("reason", "line\nbreak"),
                Map.of("reason", "bell\u0007"), "{\"reason\":42}", "[]"}) {
            open(me, doctor, patient, body).then().statusCode(400).contentType("application/problem+json");
        }
        asClinician(me, doctor).contentType(ContentType.JSON)
                .when().post("/api/v1/contacts/" + patient + "/emergency-access")
                .then().statusCode(400).contentType("application/problem+json");
        open(me, doctor, patient, Map.of("reason", "y".repeat(500))).then().statusCode(200);
    }

    @Test
    void expiredGrantShowsNothingMore() throws SQLException {
        UUID doctor = contact().physician().named("Ida", "Expired").fullRecord().create().uuid();
        UUID patient = contact().patient().named("Ian", "Expired").fullRecord().create().uuid();
        String me = AuditRows.subject("dr-expired");
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                INSERT INTO emergency_access (id, contact_id, subject, reason, granted_at, expires_at)
                VALUES (?, ?, ?, 'long ago', ?, ?)""")) {
            s.setObject(1, UUID.randomUUID());
            s.setObject(2, patient);
            s.setString(3, me);
            s.setTimestamp(4, Timestamp.from(Instant.now().minus(Duration.ofHours(5))));
            s.setTimestamp(5, Timestamp.from(Instant.now().minus(Duration.ofHours(1))));
            s.executeUpdate();
        }
        asClinician(me, doctor).when().get("/api/v1/contacts/" + patient)
                .then().statusCode(200).body("externalId", nullValue());
    }

    @Test
    void erasureLeavesTheIdsAndDropsTheReason() {
        UUID doctor = contact().physician().named("Ena", "Erased").fullRecord().create().uuid();
        UUID patient = contact().patient().named("Eve", "Erased").fullRecord().create().uuid();
        String me = AuditRows.subject("dr-erased");
        String id = open(me, doctor, patient, Map.of("reason", "Eve Erased collapsed at home"))
                .then().statusCode(200).extract().path("id");
        as("admin").when().post("/api/v1/contacts/" + patient + "/erasure").then().statusCode(204);
        JsonPath all = review("false");
        int at = all.getList("items.id").indexOf(id);
        assertTrue(at >= 0, "the access stays listed for review");
        assertEquals(patient.toString(), all.getString("items[" + at + "].contactId"));
        assertEquals(null, all.getString("items[" + at + "].reason"));
        assertEquals(true, all.getBoolean("items[" + at + "].contactErased"));
        as("admin").when().get("/api/v1/admin/emergency-accesses").then().statusCode(200)
                .body("items.reason", not(hasItem("Eve Erased collapsed at home")));
    }
}
