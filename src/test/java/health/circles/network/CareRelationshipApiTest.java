package health.circles.network;

import static health.circles.Fixtures.contact;
import static health.circles.Fixtures.tie;
import static health.circles.TestTokens.as;
import static health.circles.TestTokens.asClinician;
import static health.circles.TestTokens.bearer;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import health.circles.AsRole;
import health.circles.TestTokens;
import health.circles.security.AuditRows;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Care relationships with provenance: a TREATS tie shows a clinician the patient's whole record only when an admin or
 * an integration asserted it or confirmed the clinician's claim. The four ways a clinician used to give themselves a
 * patient (a TREATS tie of their own, a touchpoint naming both, a campaign outcome through them, reopening an ended
 * tie) now grant nothing.
 */
@QuarkusTest
@AsRole("admin")
class CareRelationshipApiTest {

    @Inject
    GraphProbe graph;

    @Inject
    AgroalDataSource db;

    private static String subject(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    private static RequestSpecification asRoles(String subject, String... roles) {
        return bearer(TestTokens.token(subject, Set.of(roles)));
    }

    private static RequestSpecification claim(String clinician, UUID doctor, UUID patient) {
        return asClinician(clinician, doctor).contentType(ContentType.JSON)
                .body(Map.of("from", doctor.toString(), "to", patient.toString(), "type", "TREATS"));
    }

    /** Whether the clinician sees the patient's whole record (phone and EHR number), or the limited view. */
    private static boolean seesWhole(String clinician, UUID doctor, UUID patient) {
        var body = asClinician(clinician, doctor).when().get("/api/v1/contacts/" + patient)
                .then().statusCode(200).extract().jsonPath();
        assertEquals(body.getString("phone") == null, body.getString("externalId") == null);
        return body.getString("externalId") != null;
    }

    private static List<String> treatsTiesOf(UUID patient) {
        return as("admin").queryParam("type", "TREATS").when().get("/api/v1/contacts/" + patient + "/ties")
                .then().statusCode(200).extract().jsonPath().getList("items.id");
    }

    @Test
    void clinicianClaimingATreatsTieGetsAPendingClaimThatGrantsNothingAndStaysOutOfTheGraph() {
        UUID doctor = contact().physician().named("Cleo", "Claimant").fullRecord().create().uuid();
        UUID patient = contact().patient().named("Pat", "Claimed").fullRecord().create().uuid();
        String me = subject("dr-claimant");
        String id = claim(me, doctor, patient).when().post("/api/v1/ties")
                .then().statusCode(201)
                .body("assertion", equalTo("CLAIMED"))
                .body("assertedBy", equalTo(me))
                .body("assertedAt", notNullValue())
                .body("reviewedBy", nullValue())
                .body("source", equalTo("MANUAL"))
                .extract().path("id");
        assertEquals(false, seesWhole(me, doctor, patient));
        assertNull(graph.edge(id), "a claim is not a fact of the network yet");
        as("admin").queryParam("assertion", "CLAIMED").queryParam("limit", 200).when().get("/api/v1/ties")
                .then().statusCode(200).body("items.id", hasItem(id));
    }

    @Test
    void confirmedClaimGrantsAccessAndEntersTheGraph() {
        UUID doctor = contact().physician().named("Cora", "Confirmed").fullRecord().create().uuid();
        UUID patient = contact().patient().named("Paul", "Confirmed").fullRecord().create().uuid();
        String me = subject("dr-confirmed");
        String reviewer = subject("admin-reviewer");
        String id = claim(me, doctor, patient).when().post("/api/v1/ties").then().statusCode(201).extract().path("id");
        asRoles(reviewer, "admin").header("If-Match", "\"0\"").when().post("/api/v1/ties/" + id + "/confirm")
                .then().statusCode(200)
                .header("ETag", "\"1\"")
                .body("assertion", equalTo("CONFIRMED"))
                .body("assertedBy", equalTo(me))
                .body("reviewedBy", equalTo(reviewer))
                .body("reviewedAt", notNullValue());
        assertEquals(true, seesWhole(me, doctor, patient));
        Map<String, Object> edge = graph.edge(id);
        assertNotNull(edge);
        assertEquals("TREATS", edge.get("type"));
        asRoles(reviewer, "admin").when().post("/api/v1/ties/" + id + "/confirm")
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("https://circles.health/problems/not-pending"));
        String ends = "[" + doctor + ", " + patient + "]";
        assertEquals(List.of("confirm tie " + id + " " + ends + " POST 200", "confirm tie " + id + " " + ends + " POST 409"),
                AuditRows.of(db, reviewer));
    }

    @Test
    void rejectedClaimGrantsNothingStaysAsHistoryAndFreesTheSlot() {
        UUID doctor = contact().physician().named("Rita", "Rejected").fullRecord().create().uuid();
        UUID patient = contact().patient().named("Rex", "Rejected").fullRecord().create().uuid();
        String me = subject("dr-rejected");
        String id = claim(me, doctor, patient).when().post("/api/v1/ties").then().statusCode(201).extract().path("id");
        claim(me, doctor, patient).when().post("/api/v1/ties").then().statusCode(409); // one pending claim per pair
        as("integration").when().post("/api/v1/ties/" + id + "/reject")
                .then().statusCode(200).body("assertion", equalTo("REJECTED")).body("reviewedBy", equalTo("test-integration"));
        assertEquals(false, seesWhole(me, doctor, patient));
        assertNull(graph.edge(id));
        as("admin").when().get("/api/v1/ties/" + id).then().statusCode(200).body("assertion", equalTo("REJECTED"));
        as("admin").when().post("/api/v1/ties/" + id + "/confirm").then().statusCode(409);
        claim(me, doctor, patient).when().post("/api/v1/ties").then().statusCode(201).body("assertion", equalTo("CLAIMED"));
    }

    @Test
    void claimantCannotConfirmOrRejectTheirOwnClaim() {
        UUID doctor = contact().physician().named("Otis", "Ownclaim").fullRecord().create().uuid();
        UUID patient = contact().patient().named("Olive", "Ownclaim").fullRecord().create().uuid();
        String me = subject("dr-ownclaim");
        String id = claim(me, doctor, patient).when().post("/api/v1/ties").then().statusCode(201).extract().path("id");
        asClinician(me, doctor).when().post("/api/v1/ties/" + id + "/confirm")
                .then().statusCode(403).contentType("application/problem+json");
        // The same person holding an admin or integration role as well still cannot vouch for themselves.
        asRoles(me, "admin", "clinician").when().post("/api/v1/ties/" + id + "/confirm")
                .then().statusCode(403).contentType("application/problem+json")
                .body("type", equalTo("https://circles.health/problems/own-claim"));
        asRoles(me, "integration").when().post("/api/v1/ties/" + id + "/reject")
                .then().statusCode(403).body("type", equalTo("https://circles.health/problems/own-claim"));
        as("admin").when().get("/api/v1/ties/" + id).then().body("assertion", equalTo("CLAIMED"));
        assertEquals(false, seesWhole(me, doctor, patient));
    }

    @Test
    void clinicianClaimsOnlyFromTheirOwnContact() {
        UUID doctor = contact().physician().named("Ivo", "Impostor").fullRecord().create().uuid();
        UUID colleague = contact().physician().named("Gil", "Genuine").fullRecord().create().uuid();
        UUID patient = contact().patient().named("Ada", "Anyone").fullRecord().create().uuid();
        asClinician(subject("dr-impostor"), doctor).contentType(ContentType.JSON)
                .body(Map.of("from", colleague.toString(), "to", patient.toString(), "type", "TREATS"))
                .when().post("/api/v1/ties")
                .then().statusCode(403).contentType("application/problem+json")
                .body("type", equalTo("https://circles.health/problems/claim-not-own"));
        as("clinician").contentType(ContentType.JSON) // no contact claim at all
                .body(Map.of("from", doctor.toString(), "to", patient.toString(), "type", "TREATS"))
                .when().post("/api/v1/ties").then().statusCode(403);
        assertEquals(List.of(), treatsTiesOf(patient));
    }

    @Test
    void clinicianStillAssertsTiesThatGrantNothing() {
        UUID doctor = contact().physician().named("Nell", "Neighbour").fullRecord().create().uuid();
        UUID colleague = contact().physician().named("Ned", "Neighbour").fullRecord().create().uuid();
        asClinician(subject("dr-neighbour"), doctor).contentType(ContentType.JSON)
                .body(Map.of("from", doctor.toString(), "to", colleague.toString(), "type", "COLLEAGUE_OF"))
                .when().post("/api/v1/ties").then().statusCode(201).body("assertion", equalTo("ASSERTED"));
    }

    @Test
    void integrationAssertedTreatsTieGrantsAccess() {
        UUID doctor = contact().physician().named("Emil", "Ehr").fullRecord().create().uuid();
        UUID patient = contact().patient().named("Erin", "Ehr").fullRecord().create().uuid();
        String ehr = subject("ehr");
        String me = subject("dr-ehr");
        assertEquals(false, seesWhole(me, doctor, patient));
        String id = asRoles(ehr, "integration").contentType(ContentType.JSON)
                .body(Map.of("from", doctor.toString(), "to", patient.toString(), "type", "TREATS", "source", "FHIR"))
                .when().post("/api/v1/ties")
                .then().statusCode(201).body("assertion", equalTo("ASSERTED")).body("assertedBy", equalTo(ehr))
                .body("source", equalTo("FHIR")).extract().path("id");
        assertEquals(true, seesWhole(me, doctor, patient));
        assertNotNull(graph.edge(id));
        // Limited viewers still see the provenance, not the notes.
        as("outreach").when().get("/api/v1/ties/" + id).then().statusCode(200)
                .body("assertion", equalTo("ASSERTED")).body("assertedBy", equalTo(ehr)).body("notes", nullValue());
    }

    @Test
    void touchpointNamingClinicianAndPatientGrantsNothing() {
        UUID doctor = contact().physician().named("Tobi", "Touch").fullRecord().create().uuid();
        UUID patient = contact().patient().named("Tess", "Touch").fullRecord().create().uuid();
        String me = subject("dr-touch");
        asClinician(me, doctor).contentType(ContentType.JSON)
                .body(Map.of("participants", List.of(doctor.toString(), patient.toString()), "channel", "IN_PERSON",
                        "occurredAt", Instant.now().minusSeconds(60).toString()))
                .when().post("/api/v1/touchpoints")
                .then().statusCode(201).body("ties", org.hamcrest.Matchers.empty());
        assertEquals(List.of(), treatsTiesOf(patient));
        assertEquals(false, seesWhole(me, doctor, patient));
    }

    @Test
    void touchpointStrengthensAnAssertedTreatsTieWithoutCreatingOne() {
        UUID doctor = contact().physician().named("Stan", "Strong").fullRecord().create().uuid();
        UUID patient = contact().patient().named("Sue", "Strong").fullRecord().create().uuid();
        UUID tie = tie(doctor, patient).type("TREATS").create().uuid();
        as("admin").contentType(ContentType.JSON)
                .body(Map.of("participants", List.of(doctor.toString(), patient.toString()), "channel", "HOME_VISIT",
                        "occurredAt", Instant.now().minusSeconds(60).toString()))
                .when().post("/api/v1/touchpoints")
                .then().statusCode(201).body("ties[0].id", equalTo(tie.toString())).body("ties[0].inferred", equalTo(false));
        assertEquals(List.of(tie.toString()), treatsTiesOf(patient));
    }

    @Test
    void campaignOutcomeThroughAPhysicianGrantsNothing() {
        String tag = "care" + UUID.randomUUID().toString().substring(0, 8);
        UUID doctor = contact().physician().named("Vera", "Via").fullRecord().create().uuid();
        UUID patient = contact().patient().named("Otto", "Outcome").phone("+1 555 010 4040").email("oo@example.org")
                .externalId("mrn-" + UUID.randomUUID()).tags(tag).consent("EMAIL", "GRANTED", "test").create().uuid();
        String segment = as("outreach").contentType(ContentType.JSON)
                .body("{\"name\":\"Care %s\",\"filter\":{\"tags\":[\"%s\"]},\"includeUnknown\":false}".formatted(tag, tag))
                .when().post("/api/v1/segments").then().statusCode(201).extract().path("id");
        String campaign = as("outreach").contentType(ContentType.JSON)
                .body("{\"name\":\"Care %s\",\"segmentId\":\"%s\",\"channel\":\"EMAIL\",\"seeds\":[],\"hops\":1}"
                        .formatted(tag, segment))
                .when().post("/api/v1/campaigns").then().statusCode(201).extract().path("id");
        as("outreach").contentType(ContentType.JSON)
                .body(Map.of("contactId", patient.toString(), "outcome", "RESPONDED", "via", doctor.toString()))
                .when().post("/api/v1/campaigns/" + campaign + "/outcomes").then().statusCode(201);
        assertEquals(List.of(), treatsTiesOf(patient));
        assertEquals(false, seesWhole(subject("dr-via"), doctor, patient));
    }

    @Test
    void clinicianReopeningAnEndedTreatsTieIsRefusedAndGrantsNothing() {
        UUID doctor = contact().physician().named("Ronja", "Reopen").fullRecord().create().uuid();
        UUID patient = contact().patient().named("Ruth", "Reopen").fullRecord().create().uuid();
        String me = subject("dr-reopen");
        UUID tie = tie(doctor, patient).type("TREATS").create().uuid();
        assertEquals(true, seesWhole(me, doctor, patient));
        asClinician(me, doctor).header("If-Match", "\"0\"").queryParam("until", LocalDate.now().toString())
                .when().post("/api/v1/ties/" + tie + "/end").then().statusCode(200).body("active", equalTo(false));
        assertEquals(false, seesWhole(me, doctor, patient));
        // The tie touches the clinician's own contact, so they may change it, but not bring its access back.
        asClinician(me, doctor).contentType(ContentType.JSON).header("If-Match", "\"1\"")
                .body(Map.of("declaredStrength", 0.5))
                .when().put("/api/v1/ties/" + tie).then().statusCode(403).contentType("application/problem+json")
                .body("type", equalTo("https://circles.health/problems/reopen-needs-assertion"));
        asClinician(me, doctor).contentType(ContentType.JSON).header("If-Match", "\"1\"")
                .body(Map.of("declaredStrength", 0.5, "until", LocalDate.now().plusYears(1).toString()))
                .when().put("/api/v1/ties/" + tie).then().statusCode(403);
        assertEquals(false, seesWhole(me, doctor, patient));
        as("admin").when().get("/api/v1/ties/" + tie).then().body("active", equalTo(false)).body("version", equalTo(1));
        // An admin may reopen it: the relationship stays asserted on their authority.
        as("admin").contentType(ContentType.JSON).header("If-Match", "\"1\"").body(Map.of("declaredStrength", 0.5))
                .when().put("/api/v1/ties/" + tie).then().statusCode(200).body("active", equalTo(true));
        assertEquals(true, seesWhole(me, doctor, patient));
    }

    @Test
    void clinicianCannotReopenAnEndedTreatsTieThroughItsEnd() {
        UUID doctor = contact().physician().named("Enid", "Endagain").fullRecord().create().uuid();
        UUID patient = contact().patient().named("Eli", "Endagain").fullRecord().create().uuid();
        String me = subject("dr-end-again");
        UUID tie = tie(doctor, patient).type("TREATS").create().uuid();
        as("admin").when().post("/api/v1/ties/" + tie + "/end").then().statusCode(200).body("active", equalTo(false));
        assertEquals(false, seesWhole(me, doctor, patient));
        // An end in the future on an ended tie is a reopening, whatever the endpoint is called.
        asClinician(me, doctor).queryParam("until", LocalDate.now().plusYears(100).toString())
                .when().post("/api/v1/ties/" + tie + "/end").then().statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("https://circles.health/problems/reopen-needs-assertion"));
        // So is a second clinician, who treats the patient, reopening the first one's tie.
        UUID other = contact().physician().named("Otto", "Endagain").fullRecord().create().uuid();
        tie(other, patient).type("TREATS").create();
        asClinician(subject("dr-other"), other).queryParam("until", LocalDate.now().plusDays(1).toString())
                .when().post("/api/v1/ties/" + tie + "/end").then().statusCode(403);
        assertEquals(false, seesWhole(me, doctor, patient));
        as("admin").when().get("/api/v1/ties/" + tie).then().body("active", equalTo(false)).body("version", equalTo(1));
        // Moving the end of an ended tie within the past grants nothing, and stays the clinician's to correct.
        asClinician(me, doctor).queryParam("until", LocalDate.now().minusDays(1).toString())
                .when().post("/api/v1/ties/" + tie + "/end").then().statusCode(200).body("active", equalTo(false));
        assertEquals(false, seesWhole(me, doctor, patient));
    }

    @Test
    void clinicianCannotPutOffAScheduledEndOfATreatsTie() {
        UUID doctor = contact().physician().named("Sven", "Scheduled").fullRecord().create().uuid();
        UUID patient = contact().patient().named("Sara", "Scheduled").fullRecord().create().uuid();
        String me = subject("dr-scheduled");
        UUID tie = tie(doctor, patient).type("TREATS").create().uuid();
        LocalDate nextMonth = LocalDate.now().plusMonths(1);
        as("admin").queryParam("until", nextMonth.toString()).when().post("/api/v1/ties/" + tie + "/end")
                .then().statusCode(200).body("active", equalTo(true));
        assertEquals(true, seesWhole(me, doctor, patient));
        asClinician(me, doctor).contentType(ContentType.JSON).header("If-Match", "\"1\"")
                .body(Map.of("declaredStrength", 0.5))
                .when().put("/api/v1/ties/" + tie).then().statusCode(403).contentType("application/problem+json")
                .body("type", equalTo("https://circles.health/problems/reopen-needs-assertion"));
        asClinician(me, doctor).contentType(ContentType.JSON).header("If-Match", "\"1\"")
                .body(Map.of("declaredStrength", 0.5, "until", nextMonth.plusDays(1).toString()))
                .when().put("/api/v1/ties/" + tie).then().statusCode(403);
        asClinician(me, doctor).queryParam("until", nextMonth.plusYears(1).toString())
                .when().post("/api/v1/ties/" + tie + "/end").then().statusCode(403);
        as("admin").when().get("/api/v1/ties/" + tie).then().body("until", equalTo(nextMonth.toString()))
                .body("version", equalTo(1));
        // Ending it sooner, or changing it without touching the end, is still the clinician's to do.
        asClinician(me, doctor).contentType(ContentType.JSON).header("If-Match", "\"1\"")
                .body(Map.of("declaredStrength", 0.5, "until", nextMonth.toString()))
                .when().put("/api/v1/ties/" + tie).then().statusCode(200);
        asClinician(me, doctor).queryParam("until", LocalDate.now().plusDays(1).toString())
                .when().post("/api/v1/ties/" + tie + "/end").then().statusCode(200).body("active", equalTo(true));
        asClinician(me, doctor).when().post("/api/v1/ties/" + tie + "/end").then().statusCode(200)
                .body("active", equalTo(false));
        assertEquals(false, seesWhole(me, doctor, patient));
    }

    @Test
    void outreachAndAnalystCreateNoTies() {
        UUID doctor = contact().physician().named("Olaf", "Outreach").fullRecord().create().uuid();
        UUID patient = contact().patient().named("Orla", "Outreach").fullRecord().create().uuid();
        for (String role : new String[] {"outreach", "analyst"}) {
            as(role).contentType(ContentType.JSON)
                    .body(Map.of("from", doctor.toString(), "to", patient.toString(), "type", "TREATS"))
                    .when().post("/api/v1/ties").then().statusCode(403).contentType("application/problem+json");
        }
        assertEquals(List.of(), treatsTiesOf(patient));
    }

    @Test
    void pendingClaimsArePagedForReview() {
        UUID doctor = contact().physician().named("Quinn", "Queue").fullRecord().create().uuid();
        String me = subject("dr-queue");
        for (int i = 0; i < 3; i++) {
            UUID patient = contact().patient().named("Quentin" + i, "Queue").fullRecord().create().uuid();
            claim(me, doctor, patient).when().post("/api/v1/ties").then().statusCode(201);
        }
        var first = as("admin").queryParam("assertion", "CLAIMED").queryParam("limit", 2).when().get("/api/v1/ties")
                .then().statusCode(200).body("items.assertion", not(hasItem("ASSERTED"))).extract().jsonPath();
        assertEquals(2, first.getList("items").size());
        assertNotNull(first.getString("next"));
        as("admin").queryParam("assertion", "CLAIMED").queryParam("next", first.getString("next")).when().get("/api/v1/ties")
                .then().statusCode(200).body("items.assertion", not(hasItem("CONFIRMED")));
        as("admin").queryParam("assertion", "MAYBE").when().get("/api/v1/ties")
                .then().statusCode(400).contentType("application/problem+json");
        given().when().get("/api/v1/ties?assertion=CLAIMED&limit=1").then().statusCode(200);
    }
}
