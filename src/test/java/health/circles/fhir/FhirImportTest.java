package health.circles.fhir;

import static health.circles.fhir.FhirResources.*;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.contact.ErasureSweep;
import io.agroal.api.AgroalDataSource;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/** Bulk FHIR NDJSON through the import jobs: one resource per line, per-row errors, re-runs that change nothing. */
@QuarkusTest
@AsRole("integration")
class FhirImportTest {

    @Inject
    AgroalDataSource db;

    @Inject
    ErasureSweep sweep;

    @ConfigProperty(name = "circles.imports.dir")
    String importsDir;

    static String start(String ndjson, String query) {
        return given().contentType("application/fhir+ndjson").body(ndjson.getBytes(StandardCharsets.UTF_8))
                .when().post("/api/v1/imports" + query).then().statusCode(202)
                .body("format", equalTo("FHIR_NDJSON")).extract().header("Location");
    }

    static JsonPath finished(String location) {
        return await("import " + location).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> given().get(location).then().statusCode(200).extract().jsonPath(),
                        job -> !List.of("QUEUED", "RUNNING").contains(job.getString("state")));
    }

    static String line(Resource r) {
        return json(r).replace("\n", "") + "\n";
    }

    @Test
    void aFhirFileLandsThroughTheImportJobsAndRunningItAgainChangesNothing() {
        String mrn = unique();
        String motherId = unique();
        String npi = unique();
        String clinic = unique();
        String household = unique();
        String patientRef = "Patient?identifier=" + MRN + "|" + mrn;
        String motherRef = "RelatedPerson?identifier=" + MRN + "|" + motherId;
        String doctorRef = "Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|" + npi;
        Group group = FhirGroupTest.household(household, "Bulk household", patientRef, motherRef);
        Patient anonymous = patient(unique(), "No", "Identifier");
        anonymous.getIdentifier().clear();
        String file = line(clinic(clinic, "Bulk Clinic"))
                + line(patient(mrn, "Bea", "Bulk"))
                + "{\"resourceType\":\"Patient\",\"shoeSize\":42}\n" // row 3: not a Patient element
                + line(doctor(npi, "Dora", "Doc"))
                + line(mother(motherId, patientRef, "Mona", "Bulk"))
                + "not json at all\n" // row 6
                + line(worksAt(doctorRef, "Organization?identifier=urn:example:org|" + clinic))
                + line(careTeam(patientRef, doctorRef, motherRef))
                + line(group)
                + line(anonymous) // row 10: an import needs identifiers
                + "{\"resourceType\":\"Encounter\",\"status\":\"planned\"}\n" // row 11: not taken
                + line(marketingOptOut(patientRef, Date.from(Instant.parse("2025-03-01T10:00:00Z"))))
                + line(mother(unique(), "Patient?identifier=" + MRN + "|nobody", "Lost", "Relative")); // row 13

        JsonPath job = finished(start(file, "?batchSize=3"));
        assertEquals("SUCCEEDED", job.getString("state"), job.prettify());
        assertEquals(5, job.getInt("batches"));
        assertEquals(13, job.getLong("counts.read"));
        List<Map<String, Object>> errors = given().get("/api/v1/imports/" + job.getString("id") + "/errors").then()
                .statusCode(200).extract().path("items");
        Map<Integer, String> byRow = errors.stream().collect(Collectors.toMap(e -> (Integer) e.get("row"),
                e -> e.get("field") + " " + e.get("reason"), (a, b) -> a + "; " + b));
        assertEquals(5, job.getLong("counts.rejected"), byRow.toString());
        assertEquals(7, job.getLong("counts.inserted"), job.prettify());
        assertEquals(1, job.getLong("counts.updated"), "the consent changed the patient's record");
        assertEquals(List.of(3, 6, 10, 11, 13), byRow.keySet().stream().sorted().toList(), byRow.toString());
        assertTrue(byRow.get(3).contains("shoeSize"), byRow.get(3));
        assertTrue(byRow.get(10).startsWith("Patient.identifier"), byRow.get(10));
        assertTrue(byRow.get(13).contains("identifier"), byRow.get(13));

        // What landed reads back through FHIR: the patient, her related person, care team and household.
        String patient = FhirApiTest.post("/fhir/Patient", json(patient(mrn, "Bea", "Bulk"))).statusCode(200)
                .extract().header("Location").replaceAll(".*/", ""); // matched by its MRN: the imported one
        Bundle related = parse(Bundle.class, FhirApiTest.get("/fhir/RelatedPerson?patient=" + patient));
        assertEquals(1, related.getTotal());
        CareTeam team = (CareTeam) parse(Bundle.class, FhirApiTest.get("/fhir/CareTeam?subject=" + patient))
                .getEntryFirstRep().getResource();
        assertEquals(2, team.getParticipant().size());
        Bundle groups = parse(Bundle.class, FhirApiTest.get("/fhir/Group?member=" + patient));
        assertEquals(2, groups.getTotal(), "the household and the care team");
        given().get("/api/v1/contacts/" + patient).then().body("consent.EMAIL.status", equalTo("DENIED"));

        JsonPath again = finished(start(file, "?batchSize=3"));
        assertEquals("SUCCEEDED", again.getString("state"));
        assertEquals(0, again.getLong("counts.inserted"), again.prettify());
        assertEquals(0, again.getLong("counts.updated"), again.prettify());
        assertEquals(8, again.getLong("counts.unchanged"));
        assertEquals(5, again.getLong("counts.rejected"));
    }

    /**
     * A FHIR file of a job that failed waits in the imports folder for a resume; erasing a person it names (by an
     * identifier of the person, or a reference to one) rewrites it without those lines, the others kept.
     */
    @Test
    void erasingAPersonScrubsTheLinesThatNameThemFromStoredFhirFiles() throws Exception {
        String mrn = unique();
        String npi = unique();
        String family = "Scrubbington" + mrn.substring(0, 6);
        String patientRef = "Patient?identifier=" + MRN + "|" + mrn;
        String file = line(patient(mrn, "Erin", family))
                + line(mother(unique(), patientRef, "Mona", family))
                + line(doctor(npi, "Dora", "Keepsake"));
        JsonPath landed = finished(start(file, ""));
        assertEquals(3, landed.getLong("counts.inserted"), landed.prettify());
        String patient = FhirApiTest.post("/fhir/Patient", json(patient(mrn, "Erin", family))).statusCode(200)
                .extract().header("Location").replaceAll(".*/", "");
        Path stored = failedFhirImport(file);

        given().auth().oauth2(health.circles.TestTokens.token("fhir-eraser", java.util.Set.of("admin")))
                .when().post("/api/v1/contacts/" + patient + "/erasure").then().statusCode(204);

        await(stored + " without the erased patient").atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    sweep.sweep();
                    String text = Files.readString(stored);
                    return !text.contains(mrn) && !text.contains(family);
                });
        List<String> lines = Files.readAllLines(stored);
        assertEquals(3, lines.size(), "row numbers keep their meaning");
        assertEquals(List.of("{}", "{}"), lines.subList(0, 2));
        assertTrue(lines.get(2).contains(npi), "the doctor's line is no one's to erase");
    }

    /** A FHIR job that failed before its first batch, its file kept in the imports folder for a resume. */
    private Path failedFhirImport(String ndjson) throws Exception {
        java.util.UUID job = java.util.UUID.randomUUID();
        Files.createDirectories(Path.of(importsDir));
        Path stored = Path.of(importsDir, job + ".ndjson");
        Files.writeString(stored, ndjson);
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                INSERT INTO import_job (id, state, format, file_name, size_bytes, batch_size, error, started_at,
                                        finished_at)
                VALUES (?, 'FAILED', 'FHIR_NDJSON', ?, ?, 100, 'stopped', now(), now())""")) {
            s.setObject(1, job);
            s.setString(2, job + ".ndjson");
            s.setLong(3, ndjson.getBytes(StandardCharsets.UTF_8).length);
            s.executeUpdate();
        }
        return stored;
    }
}
