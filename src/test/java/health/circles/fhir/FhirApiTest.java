package health.circles.fhir;

import static health.circles.fhir.FhirResources.*;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.TestTokens;
import health.circles.security.AuditRows;
import java.util.UUID;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/** FHIR in and out over HTTP: Bundles, matching by identifier, reads, and OperationOutcomes for bad input. */
@QuarkusTest
@AsRole("integration")
class FhirApiTest {

    private static final String FHIR = "application/fhir+json";

    static ValidatableResponse post(String path, String body) {
        return given().contentType(FHIR).body(body).when().post(path).then();
    }

    static String get(String path) {
        // As FHIR clients send it: "$everything" unencoded.
        String body = given().urlEncodingEnabled(false).when().get(path).then().log().ifValidationFails().statusCode(200).contentType(startsWith(FHIR)).extract().asString();
        assertEquals("", problems(body), "what the service emits is valid FHIR R4");
        return body;
    }

    /** A household: a patient, her mother, her cardiologist at a clinic, their care team and a marketing opt-out. */
    record Household(String mrn, String motherId, String npi, String clinicId, Bundle bundle) {
    }

    static Household household(Bundle.BundleType type) {
        String mrn = unique();
        String motherId = unique();
        String npi = unique();
        String clinicId = unique();
        String p = urn();
        String m = urn();
        String d = urn();
        String o = urn();
        Bundle bundle = bundle(type,
                entry(urn(), careTeam(p, d, m)),
                entry(m, mother(motherId, p, "Maria", "Lopez")),
                entry(p, patient(mrn, "Ana", "Lopez")),
                entry(d, doctor(npi, "Greg", "House")),
                entry(o, clinic(clinicId, "Princeton Heart Clinic")),
                entry(urn(), worksAt(d, o)),
                entry(urn(), marketingOptOut(p, Date.from(Instant.parse("2025-03-01T10:00:00Z")))));
        return new Household(mrn, motherId, npi, clinicId, bundle);
    }

    static String idOf(Bundle response, int entry, String type) {
        String location = response.getEntry().get(entry).getResponse().getLocation();
        assertTrue(location.startsWith(type + "/"), location);
        return location.split("/")[1];
    }

    @Test
    void capabilityStatementIsValidR4AndListsWhatIsSupported() {
        CapabilityStatement cs = parse(CapabilityStatement.class, get("/fhir/metadata"));
        assertEquals("4.0.1", cs.getFhirVersion().toCode());
        assertEquals(Set.of("Patient", "Practitioner", "RelatedPerson", "Organization", "PractitionerRole", "CareTeam",
                        "Group", "Consent"),
                cs.getRestFirstRep().getResource().stream().map(r -> r.getType()).collect(Collectors.toSet()));
        assertEquals(Set.of("transaction", "batch"), cs.getRestFirstRep().getInteraction().stream()
                .map(i -> i.getCode().toCode()).collect(Collectors.toSet()));
    }

    @Test
    void transactionWritesTheHouseholdAndResendingItChangesNothing() {
        Household h = household(Bundle.BundleType.TRANSACTION);
        String sent = json(h.bundle());
        String answer = post("/fhir", sent).statusCode(200).contentType(startsWith(FHIR)).extract().asString();
        assertEquals("", problems(answer));
        Bundle first = parse(Bundle.class, answer);
        assertEquals(Bundle.BundleType.TRANSACTIONRESPONSE, first.getType());
        assertEquals(7, first.getEntry().size());
        first.getEntry().forEach(e -> assertTrue(e.getResponse().getStatus().matches("20[01] .*"),
                e.getResponse().getStatus()));
        assertEquals("201 Created", first.getEntry().get(2).getResponse().getStatus());
        String patient = idOf(first, 2, "Patient");
        String mother = idOf(first, 1, "RelatedPerson");
        String doctor = idOf(first, 3, "Practitioner");

        // The same Bundle again: every resource matched by its identifier, nothing written.
        int version = given().when().get("/api/v1/contacts/" + patient).then().extract().path("version");
        Bundle second = parse(Bundle.class, post("/fhir", sent).statusCode(200).extract().asString());
        for (int i = 0; i < 7; i++) {
            assertEquals(first.getEntry().get(i).getResponse().getLocation(),
                    second.getEntry().get(i).getResponse().getLocation());
            assertEquals("200 OK", second.getEntry().get(i).getResponse().getStatus());
        }
        given().when().get("/api/v1/contacts/" + patient).then().statusCode(200).body("version", equalTo(version));

        // The ties: mother PARENT_OF patient (MTH), doctor TREATS patient (asserted by the integration, from FHIR),
        // mother CARES_FOR patient, doctor WORKS_AT the clinic; each once.
        List<Map<String, Object>> ties = given().queryParam("limit", 200).when()
                .get("/api/v1/contacts/" + patient + "/ties").then().statusCode(200).extract().path("items");
        Map<String, Long> types = ties.stream().collect(Collectors.groupingBy(t -> (String) t.get("type"),
                Collectors.counting()));
        assertEquals(Map.of("PARENT_OF", 1L, "TREATS", 1L, "CARES_FOR", 1L), types);
        Map<String, Object> parent = ties.stream().filter(t -> t.get("type").equals("PARENT_OF")).findFirst().orElseThrow();
        assertEquals(mother, parent.get("from"));
        assertEquals("CHILD_OF", parent.get("relationship"), "the patient's side of the mother's PARENT_OF tie");
        Map<String, Object> treats = ties.stream().filter(t -> t.get("type").equals("TREATS")).findFirst().orElseThrow();
        assertEquals(doctor, treats.get("from"));
        assertEquals("ASSERTED", treats.get("assertion"));
        assertEquals("FHIR", treats.get("source"));
        given().when().get("/api/v1/contacts/" + doctor).then().statusCode(200)
                .body("kind", equalTo("PHYSICIAN")).body("specialties", equalTo(List.of("Cardiology", "Heart failure")));
        given().when().get("/api/v1/contacts/" + mother).then().statusCode(200).body("kind", equalTo("FAMILY"));

        // The opt-out stops every channel, given at the Consent's time.
        given().when().get("/api/v1/contacts/" + patient).then()
                .body("consent.EMAIL.status", equalTo("DENIED")).body("consent.SMS.status", equalTo("DENIED"))
                .body("consent.PHONE.status", equalTo("DENIED")).body("consent.MAIL.status", equalTo("DENIED"))
                .body("consent.IN_PERSON.status", equalTo("DENIED"));
        given().when().get("/api/v1/contacts/" + patient + "/consent").then().statusCode(200)
                .body("items[0].givenAt", equalTo("2025-03-01T10:00:00Z"))
                .body("items[0].source", equalTo("fhir:Consent"));
    }

    @Test
    void whatGoesInComesBackOutOnTheFieldsCirclesKeeps() {
        Household h = household(Bundle.BundleType.TRANSACTION);
        Bundle answer = parse(Bundle.class, post("/fhir", json(h.bundle())).statusCode(200).extract().asString());
        String patientId = idOf(answer, 2, "Patient");
        Patient in = (Patient) h.bundle().getEntry().get(2).getResource();
        Patient out = parse(Patient.class, get("/fhir/Patient/" + patientId));
        assertEquals(in.getIdentifierFirstRep().getSystem(), out.getIdentifierFirstRep().getSystem());
        assertEquals(in.getIdentifierFirstRep().getValue(), out.getIdentifierFirstRep().getValue());
        assertEquals(in.getNameFirstRep().getFamily(), out.getNameFirstRep().getFamily());
        assertEquals(in.getNameFirstRep().getGivenAsSingleString(), out.getNameFirstRep().getGivenAsSingleString());
        assertEquals(telecom(in), telecom(out));
        assertEquals(in.getAddressFirstRep().getCity(), out.getAddressFirstRep().getCity());
        assertEquals("AB12 3CD", out.getAddressFirstRep().getPostalCode(), "stored as every write path stores it");
        assertEquals("es", out.getCommunicationFirstRep().getLanguage().getCodingFirstRep().getCode());

        Practitioner doctor = parse(Practitioner.class, get("/fhir/Practitioner/" + idOf(answer, 3, "Practitioner")));
        assertEquals("House", doctor.getNameFirstRep().getFamily());
        assertEquals(List.of("Cardiology", "Heart failure"),
                doctor.getQualification().stream().map(q -> q.getCode().getText()).toList());

        Bundle related = parse(Bundle.class, get("/fhir/RelatedPerson?patient=Patient/" + patientId));
        assertEquals(1, related.getTotal());
        RelatedPerson mother = (RelatedPerson) related.getEntryFirstRep().getResource();
        assertEquals("Patient/" + patientId, mother.getPatient().getReference());
        assertEquals("Lopez", mother.getNameFirstRep().getFamily());
        assertEquals(Set.of("PRN", "133932002"), mother.getRelationship().stream()
                .map(r -> r.getCodingFirstRep().getCode()).collect(Collectors.toSet()));

        Bundle teams = parse(Bundle.class, get("/fhir/CareTeam?subject=" + patientId));
        CareTeam team = (CareTeam) teams.getEntryFirstRep().getResource();
        assertEquals(Set.of("Practitioner/" + idOf(answer, 3, "Practitioner") + " 309343006",
                        "RelatedPerson/" + idOf(answer, 1, "RelatedPerson") + " 133932002"),
                team.getParticipant().stream().map(p -> p.getMember().getReference() + " "
                        + p.getRoleFirstRep().getCodingFirstRep().getCode()).collect(Collectors.toSet()));

        Consent consent = (Consent) parse(Bundle.class, get("/fhir/Consent?patient=" + patientId))
                .getEntryFirstRep().getResource();
        assertEquals(5, consent.getProvision().getProvision().size());
        assertTrue(consent.getProvision().getProvision().stream()
                .allMatch(p -> p.getType() == Consent.ConsentProvisionType.DENY));

        Bundle everything = parse(Bundle.class, get("/fhir/Patient/" + patientId + "/$everything"));
        assertEquals(Set.of("Patient", "RelatedPerson", "Practitioner", "CareTeam", "Consent"),
                everything.getEntry().stream().map(e -> e.getResource().fhirType()).collect(Collectors.toSet()));
    }

    private static Set<String> telecom(Patient p) {
        return p.getTelecom().stream().map(t -> t.getSystem().toCode() + ":" + t.getValue()).collect(Collectors.toSet());
    }

    @Test
    void aLaterPermitGrantsTheChannelsItNames() {
        String mrn = unique();
        String p = urn();
        post("/fhir", json(bundle(Bundle.BundleType.TRANSACTION, entry(p, patient(mrn, "Iris", "Vale")),
                entry(urn(), marketingOptOut(p, Date.from(Instant.parse("2025-01-01T00:00:00Z")))))))
                .statusCode(200);
        String ref = "Patient?identifier=" + MRN + "|" + mrn;
        post("/fhir/Consent", json(permit(ref, Date.from(Instant.now().minus(1, ChronoUnit.HOURS)), "email", "sms")))
                .statusCode(200).header("Location", startsWith("http"));
        Bundle found = parse(Bundle.class, get("/fhir/Consent?patient=" + patientIdByMrn(mrn)));
        Consent c = (Consent) found.getEntryFirstRep().getResource();
        Map<String, Consent.ConsentProvisionType> byChannel = c.getProvision().getProvision().stream().collect(
                Collectors.toMap(x -> x.getCodeFirstRep().getCodingFirstRep().getCode(), x -> x.getType()));
        assertEquals(Consent.ConsentProvisionType.PERMIT, byChannel.get("email"));
        assertEquals(Consent.ConsentProvisionType.PERMIT, byChannel.get("sms"));
        assertEquals(Consent.ConsentProvisionType.DENY, byChannel.get("phone"));
    }

    private static String patientIdByMrn(String mrn) {
        Patient p = patient(mrn, "Iris", "Vale");
        String location = post("/fhir/Patient", json(p)).statusCode(200).extract().header("Location");
        return location.substring(location.indexOf("/Patient/") + 9).split("/")[0];
    }

    @Test
    void aBadEntryRollsTheWholeTransactionBack() {
        Household h = household(Bundle.BundleType.TRANSACTION);
        ((RelatedPerson) h.bundle().getEntry().get(1).getResource()).getRelationshipFirstRep().getCodingFirstRep()
                .setCode("NOT-A-CODE");
        String answer = post("/fhir", json(h.bundle())).statusCode(400).contentType(startsWith(FHIR)).extract().asString();
        assertEquals("", problems(answer));
        OperationOutcome outcome = parse(OperationOutcome.class, answer);
        assertEquals(OperationOutcome.IssueType.CODEINVALID, outcome.getIssueFirstRep().getCode());
        assertEquals("Bundle.entry[1].resource.relationship[0]", outcome.getIssueFirstRep().getExpression().get(0)
                .getValue());
        // Nothing of it was kept: the patient (applied before the bad entry) is not there.
        post("/fhir/Patient", json(patient(h.mrn(), "Ana", "Lopez"))).statusCode(201);
    }

    @Test
    void aBatchAppliesEachEntryOnItsOwn() {
        String good = unique();
        Patient bad = patient(unique(), "Bad", "Entry");
        bad.getTelecomFirstRep().setValue("not an email");
        Bundle batch = bundle(Bundle.BundleType.BATCH, entry(urn(), patient(good, "Good", "Entry")), entry(urn(), bad));
        String answer = post("/fhir", json(batch)).statusCode(200).extract().asString();
        assertEquals("", problems(answer));
        Bundle response = parse(Bundle.class, answer);
        assertEquals(Bundle.BundleType.BATCHRESPONSE, response.getType());
        assertEquals("201 Created", response.getEntry().get(0).getResponse().getStatus());
        assertEquals("400 Bad Request", response.getEntry().get(1).getResponse().getStatus());
        OperationOutcome outcome = (OperationOutcome) response.getEntry().get(1).getResponse().getOutcome();
        assertEquals("Bundle.entry[1].resource.telecom", outcome.getIssueFirstRep().getExpression().get(0).getValue());
        post("/fhir/Patient", json(patient(good, "Good", "Entry"))).statusCode(200);
        // The entry committed on its own, so it wrote its own audit row, under the request's id.
        java.util.UUID created = java.util.UUID.fromString(
                response.getEntry().get(0).getResponse().getLocation().split("/")[1]);
        assertEquals(List.of("Bundle.entry[0] 201 same request"), health.circles.Sql.query(db, """
                SELECT e.resource_id || ' ' || e.status || CASE WHEN e.request_id = t.request_id
                       THEN ' same request' ELSE ' other request' END
                FROM audit_event e JOIN audit_event t ON t.action = 'transaction' AND t.contact_ids @> e.contact_ids
                WHERE e.action = 'batch-entry' AND e.contact_ids = ARRAY[?::uuid]""", List.of(created.toString()),
                r -> r.getString(1)));
    }

    @Test
    void aCareTeamAssertsTreatsOverARejectedClaimAndConfirmsAPendingOne() {
        java.util.UUID doctor = health.circles.Fixtures.contact().physician().named("Fhir", "Claimant").create().uuid();
        java.util.UUID rejectedFor = health.circles.Fixtures.contact().patient().create().uuid();
        java.util.UUID pendingFor = health.circles.Fixtures.contact().patient().create().uuid();
        java.util.UUID carer = health.circles.Fixtures.contact().caregiver().create().uuid();
        String clinician = "dr-fhir-" + java.util.UUID.randomUUID();
        String rejected = claim(clinician, doctor, rejectedFor);
        String pending = claim(clinician, doctor, pendingFor);
        given().post("/api/v1/ties/" + rejected + "/reject").then().statusCode(200);
        for (java.util.UUID patient : List.of(rejectedFor, pendingFor)) {
            post("/fhir/CareTeam", json(careTeam("Patient/" + patient, "Practitioner/" + doctor,
                    "RelatedPerson/" + carer))).statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        }
        // The EHR's word stands: a new asserted tie beside the rejected claim, and the pending claim confirmed.
        List<String> afterRejected = given().queryParam("type", "TREATS").get("/api/v1/contacts/" + rejectedFor + "/ties")
                .then().statusCode(200).extract().jsonPath().getList("items.assertion");
        assertTrue(afterRejected.contains("ASSERTED"), afterRejected.toString());
        given().get("/api/v1/ties/" + pending).then().statusCode(200).body("assertion", equalTo("CONFIRMED"));
        CareTeam team = (CareTeam) parse(Bundle.class, get("/fhir/CareTeam?subject=" + rejectedFor))
                .getEntryFirstRep().getResource();
        assertTrue(team.getParticipant().stream().anyMatch(p -> p.getMember().getReference()
                .equals("Practitioner/" + doctor)), "the doctor is on the care team");
    }

    private static String claim(String clinician, java.util.UUID doctor, java.util.UUID patient) {
        return TestTokens.asClinician(clinician, doctor).contentType(io.restassured.http.ContentType.JSON)
                .body(Map.of("from", doctor.toString(), "to", patient.toString(), "type", "TREATS"))
                .when().post("/api/v1/ties").then().statusCode(201).body("assertion", equalTo("CLAIMED"))
                .extract().path("id");
    }

    @Test
    void aReferenceThatIsNotUrlEncodedIsRefusedAsSuch() {
        String ref = "Patient?identifier=" + MRN + "|%zz";
        outcome(post("/fhir/Consent", json(permit(ref, Date.from(Instant.now().minus(1, ChronoUnit.HOURS)), "email")))
                .statusCode(400), OperationOutcome.IssueType.INVALID);
        // In a batch, the entries before it stand, with their answers.
        String good = unique();
        Bundle batch = bundle(Bundle.BundleType.BATCH, entry(urn(), patient(good, "Good", "Encoding")),
                entry(urn(), permit(ref, Date.from(Instant.now().minus(1, ChronoUnit.HOURS)), "email")));
        Bundle response = parse(Bundle.class, post("/fhir", json(batch)).statusCode(200).extract().asString());
        assertEquals("201 Created", response.getEntry().get(0).getResponse().getStatus());
        assertEquals("400 Bad Request", response.getEntry().get(1).getResponse().getStatus());
    }

    @Test
    void badInputIsAnOperationOutcomeNeverAJavaMessage() {
        outcome(post("/fhir", "{\"resourceType\":\"Bundle\",").statusCode(400), OperationOutcome.IssueType.STRUCTURE);
        outcome(post("/fhir", "[]").statusCode(400), OperationOutcome.IssueType.STRUCTURE);
        outcome(post("/fhir", "{\"resourceType\":\"Nonsense\"}").statusCode(400), OperationOutcome.IssueType.INVALID);
        outcome(post("/fhir/Patient", json(doctor(unique(), "Wrong", "Type"))).statusCode(400),
                OperationOutcome.IssueType.INVALID);
        outcome(post("/fhir", json(patient(unique(), "Not", "Bundle"))).statusCode(400),
                OperationOutcome.IssueType.INVALID);
        outcome(post("/fhir/Patient", "{\"resourceType\":\"Patient\",\"nmae\":[]}").statusCode(400),
                OperationOutcome.IssueType.INVALID);
        outcome(post("/fhir/Patient", "{\"resourceType\":\"Patient\",\"birthDate\":\"yesterday\"}").statusCode(400),
                OperationOutcome.IssueType.INVALID);
        outcome(post("/fhir/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Nul\\u0000l\"}]}")
                .statusCode(400), OperationOutcome.IssueType.INVALID);
        outcome(post("/fhir/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"\\ud800\"}]}")
                .statusCode(400), OperationOutcome.IssueType.INVALID);
        outcome(post("/fhir/Encounter", "{\"resourceType\":\"Encounter\"}").statusCode(404),
                OperationOutcome.IssueType.NOTFOUND);
        outcome(given().when().get("/fhir/Patient/" + unique()).then().statusCode(404),
                OperationOutcome.IssueType.NOTFOUND);
        outcome(given().when().get("/fhir/RelatedPerson?patient=x&nxet=1").then().statusCode(400),
                OperationOutcome.IssueType.INVALID);
        String huge = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + "x".repeat(1_100_000) + "\"}]}";
        outcome(post("/fhir/Patient", huge).statusCode(413), OperationOutcome.IssueType.TOOCOSTLY);
    }

    static OperationOutcome outcome(ValidatableResponse response, OperationOutcome.IssueType type) {
        String body = response.contentType(startsWith(FHIR)).extract().asString();
        assertEquals("", problems(body));
        OperationOutcome outcome = parse(OperationOutcome.class, body);
        assertEquals(type, outcome.getIssueFirstRep().getCode(), body);
        String text = outcome.getIssueFirstRep().getDetails().getText();
        assertTrue(!text.contains("Exception") && !text.contains("HAPI-") && !text.contains("java."), text);
        return outcome;
    }

    @Test
    @AsRole("outreach")
    void otherRolesAreRefusedWithAnOperationOutcome() {
        outcome(post("/fhir/Patient", json(patient(unique(), "No", "Access"))).statusCode(403),
                OperationOutcome.IssueType.FORBIDDEN);
        outcome(given().when().get("/fhir/metadata").then().statusCode(403), OperationOutcome.IssueType.FORBIDDEN);
    }

    @Test
    void aMissingOrBadTokenIsAnOperationOutcome() {
        outcome(given().header("Authorization", "").when().get("/fhir/metadata").then().statusCode(401),
                OperationOutcome.IssueType.LOGIN);
        outcome(given().header("Authorization", "Bearer not.a.token").when().get("/fhir/Patient/" + unique())
                .then().statusCode(401), OperationOutcome.IssueType.LOGIN);
    }

    @Test
    void readsAndWritesLeaveOneAuditRowNamingEveryResource() {
        String me = AuditRows.subject("fhir-auditor");
        var as = TestTokens.bearer(TestTokens.token(me, Set.of("integration")));
        String p = urn();
        String m = urn();
        Bundle sent = bundle(Bundle.BundleType.TRANSACTION, entry(p, patient(unique(), "Audra", "Trail")),
                entry(m, mother(unique(), p, "Mara", "Trail")));
        Bundle answer = parse(Bundle.class, as.contentType(FHIR).body(json(sent)).when().post("/fhir").then()
                .statusCode(200).extract().asString());
        UUID patient = UUID.fromString(idOf(answer, 0, "Patient"));
        UUID mother = UUID.fromString(idOf(answer, 1, "RelatedPerson"));
        String tie = given().when().get("/api/v1/contacts/" + patient + "/ties").then().extract().path("items[0].id");
        TestTokens.bearer(TestTokens.token(me, Set.of("integration"))).when().get("/fhir/Patient/" + patient)
                .then().statusCode(200);
        TestTokens.bearer(TestTokens.token(me, Set.of("integration"))).when()
                .get("/fhir/RelatedPerson?patient=" + patient).then().statusCode(200);
        UUID unknown = UUID.randomUUID();
        TestTokens.bearer(TestTokens.token(me, Set.of("integration"))).when().get("/fhir/Patient/" + unknown)
                .then().statusCode(404);
        TestTokens.bearer(TestTokens.token(me, Set.of("outreach"))).when().get("/fhir/Patient/" + patient)
                .then().statusCode(403);
        assertEquals(List.of(
                AuditRows.listing("transaction", "fhir", List.of("Patient/" + patient, "RelatedPerson/" + mother,
                        "Tie/" + tie), Set.of(patient, mother), "POST", 200),
                AuditRows.listing("read", "fhir", List.of("Patient/" + patient), Set.of(patient), "GET", 200),
                AuditRows.listing("search", "fhir", List.of("RelatedPerson/" + mother), Set.of(patient, mother),
                        "GET", 200),
                AuditRows.row("read", "fhir", unknown, Set.of(unknown), "GET", 404),
                AuditRows.row("read", "fhir", patient, Set.of(patient), "GET", 403)), AuditRows.sorted(db, me));
    }

    @jakarta.inject.Inject
    io.agroal.api.AgroalDataSource db;

    @Test
    void anErasedPatientIsNotBroughtBackByTheirIdentifier() {
        String mrn = unique();
        String location = post("/fhir/Patient", json(patient(mrn, "Gone", "Forever"))).statusCode(201)
                .extract().header("Location");
        String id = location.substring(location.lastIndexOf('/') + 1);
        TestTokens.as("admin").when().post("/api/v1/contacts/" + id + "/erasure").then().statusCode(204);
        OperationOutcome refused = outcome(post("/fhir/Patient", json(patient(mrn, "Gone", "Forever")))
                .statusCode(409), OperationOutcome.IssueType.CONFLICT);
        assertEquals("erased-identifier", refused.getIssueFirstRep().getDetails().getCodingFirstRep().getCode());
    }

    static List<Resource> resources(Bundle b) {
        return b.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).toList();
    }
}
