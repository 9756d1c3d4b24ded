package health.circles.fhir;

import static health.circles.fhir.FhirApiTest.get;
import static health.circles.fhir.FhirApiTest.idOf;
import static health.circles.fhir.FhirApiTest.outcome;
import static health.circles.fhir.FhirApiTest.post;
import static health.circles.fhir.FhirResources.*;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.TestTokens;
import health.circles.security.AuditRows;
import io.quarkus.test.junit.QuarkusTest;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** FHIR Group in and out, CareTeams as care-team groups, and paged searches. */
@QuarkusTest
@AsRole("integration")
class FhirGroupTest {

    private static final String GROUP_ID = "urn:example:household";
    private static final LocalDate SINCE = LocalDate.of(2020, 5, 1);

    static Group household(String id, String name, String... members) {
        Group g = new Group();
        g.addIdentifier().setSystem(GROUP_ID).setValue(id);
        g.setType(Group.GroupType.PERSON).setActual(true).setName(name);
        g.getCode().addCoding().setSystem(FhirCodes.GROUP_KIND).setCode("household");
        for (String member : members) {
            g.addMember().setEntity(new Reference(member))
                    .setPeriod(new Period().setStart(Date.from(SINCE.atStartOfDay(ZoneOffset.UTC).toInstant())));
        }
        return g;
    }

    record Family(String patient, String mother, String groupLocation, Bundle sent) {
    }

    static Family family() {
        String p = urn();
        String m = urn();
        Bundle sent = bundle(Bundle.BundleType.TRANSACTION,
                entry(urn(), household(unique(), "The Lopez household", p, m)), // before the contacts it names
                entry(p, patient(unique(), "Ana", "Lopez")),
                entry(m, mother(unique(), p, "Maria", "Lopez")));
        Bundle answer = parse(Bundle.class, post("/fhir", json(sent)).statusCode(200).extract().asString());
        assertEquals("201 Created", answer.getEntry().get(0).getResponse().getStatus());
        return new Family(idOf(answer, 1, "Patient"), idOf(answer, 2, "RelatedPerson"),
                answer.getEntry().get(0).getResponse().getLocation(), sent);
    }

    @Test
    void aGroupComesBackOutAsItWentInAndResendingItChangesNothing() {
        Family f = family();
        String group = f.groupLocation().split("/")[1];
        Group out = parse(Group.class, get("/fhir/Group/" + group));
        assertEquals(GROUP_ID, out.getIdentifierFirstRep().getSystem());
        assertEquals("The Lopez household", out.getName());
        assertEquals("household", out.getCode().getCodingFirstRep().getCode());
        assertEquals(Group.GroupType.PERSON, out.getType());
        assertEquals(Set.of("Patient/" + f.patient(), "RelatedPerson/" + f.mother()), out.getMember().stream()
                .map(m -> m.getEntity().getReference()).collect(Collectors.toSet()));
        assertTrue(out.getMember().stream().noneMatch(Group.GroupMemberComponent::getInactive));
        assertEquals(SINCE, out.getMemberFirstRep().getPeriod().getStart().toInstant().atOffset(ZoneOffset.UTC)
                .toLocalDate());
        given().when().get("/api/v1/groups/" + group).then().statusCode(200).body("kind", equalTo("HOUSEHOLD"))
                .body("memberCount", equalTo(2));
        int version = given().when().get("/api/v1/groups/" + group).then().extract().path("version");

        Bundle again = parse(Bundle.class, post("/fhir", json(f.sent())).statusCode(200).extract().asString());
        assertEquals("200 OK", again.getEntry().get(0).getResponse().getStatus());
        assertEquals(f.groupLocation(), again.getEntry().get(0).getResponse().getLocation());
        given().when().get("/api/v1/groups/" + group).then().body("version", equalTo(version));
        List<Integer> memberVersions = given().when().get("/api/v1/groups/" + group + "/members").then()
                .extract().path("items.version");
        assertEquals(List.of(0, 0), memberVersions, "no membership written again");

        Bundle found = parse(Bundle.class, get("/fhir/Group?member=Patient/" + f.patient()));
        assertEquals(1, found.getTotal());
        assertEquals(group, found.getEntryFirstRep().getResource().getIdElement().getIdPart());
    }

    @Test
    void aMemberLeftOutOrInactiveHasLeftAndStaysInTheGroupsHistory() {
        Family f = family();
        String group = f.groupLocation().split("/")[1];
        Group changed = (Group) f.sent().getEntry().get(0).getResource();
        changed.setName("Lopez family");
        changed.getMember().get(1).setInactive(true); // the mother moved out
        Bundle answer = parse(Bundle.class, post("/fhir", json(f.sent())).statusCode(200).extract().asString());
        assertEquals(f.groupLocation(), answer.getEntry().get(0).getResponse().getLocation());
        Group out = parse(Group.class, get("/fhir/Group/" + group));
        assertEquals("Lopez family", out.getName());
        Map<String, Boolean> inactive = out.getMember().stream().collect(Collectors.toMap(
                m -> m.getEntity().getReference(), Group.GroupMemberComponent::getInactive));
        assertEquals(Map.of("Patient/" + f.patient(), false, "RelatedPerson/" + f.mother(), true), inactive);
        assertEquals(0, parse(Bundle.class, get("/fhir/Group?member=RelatedPerson/" + f.mother())).getTotal());

        // Sent again the same day: nothing more ends. Then a Group without the patient: she has left too.
        post("/fhir", json(f.sent())).statusCode(200);
        changed.getMember().remove(0);
        post("/fhir", json(f.sent())).statusCode(200);
        List<Map<String, Object>> members = given().when().get("/api/v1/groups/" + group + "/members").then()
                .statusCode(200).extract().path("items");
        assertEquals(2, members.size(), "ended memberships stay as history: " + members);
        assertTrue(members.stream().noneMatch(m -> (Boolean) m.get("active")), members.toString());
        given().when().get("/api/v1/groups/" + group).then().body("memberCount", equalTo(0));
    }

    @Test
    void aSingleGroupIsCreatedThenMatchedByItsIdentifier() {
        String patient = post("/fhir/Patient", json(patient(unique(), "Solo", "Member"))).statusCode(201)
                .extract().header("Location").replaceAll(".*/", "");
        Group g = household(unique(), "St Mark's", "Patient/" + patient);
        g.getCode().getCodingFirstRep().setCode("congregation");
        String location = post("/fhir/Group", json(g)).statusCode(201).extract().header("Location");
        assertTrue(location.matches(".*/fhir/Group/[0-9a-f-]{36}"), location);
        assertEquals(location, post("/fhir/Group", json(g)).statusCode(200).extract().header("Location"));
        given().when().get("/api/v1/groups/" + location.replaceAll(".*/", "")).then()
                .body("kind", equalTo("CONGREGATION")).body("name", equalTo("St Mark's"));
    }

    @Test
    void badGroupsAreRefusedWithAnOperationOutcome() {
        String patient = "Patient/" + UUID.randomUUID();
        Group unknownKind = household(unique(), "Odd");
        unknownKind.getCode().getCodingFirstRep().setCode("tribe");
        OperationOutcome refused = outcome(post("/fhir/Group", json(unknownKind)).statusCode(400),
                OperationOutcome.IssueType.CODEINVALID);
        assertEquals("Group.code", refused.getIssueFirstRep().getExpression().get(0).getValue());

        Group animals = household(unique(), "Herd").setType(Group.GroupType.ANIMAL);
        assertEquals("Group.type", outcome(post("/fhir/Group", json(animals)).statusCode(400),
                OperationOutcome.IssueType.INVALID).getIssueFirstRep().getExpression().get(0).getValue());

        Group nameless = household(unique(), null);
        outcome(post("/fhir/Group", json(nameless)).statusCode(400), OperationOutcome.IssueType.INVALID);

        Group unknownMember = household(unique(), "Ghosts", patient);
        outcome(post("/fhir/Group", json(unknownMember)).statusCode(422), OperationOutcome.IssueType.BUSINESSRULE);

        outcome(given().when().get("/fhir/Group/" + UUID.randomUUID()).then().statusCode(404),
                OperationOutcome.IssueType.NOTFOUND);
        outcome(given().when().get("/fhir/Group?member=" + patient).then().statusCode(404),
                OperationOutcome.IssueType.NOTFOUND);
    }

    @Test
    void aCareTeamIsAlsoACareTeamGroupAndResendingItChangesNothing() {
        FhirApiTest.Household h = FhirApiTest.household(Bundle.BundleType.TRANSACTION);
        CareTeam team = (CareTeam) h.bundle().getEntry().get(0).getResource();
        team.setName("Ana's heart team");
        Bundle answer = parse(Bundle.class, post("/fhir", json(h.bundle())).statusCode(200).extract().asString());
        String patient = idOf(answer, 2, "Patient");
        String mother = idOf(answer, 1, "RelatedPerson");
        String doctor = idOf(answer, 3, "Practitioner");
        List<Map<String, Object>> groups = given().when().get("/api/v1/contacts/" + patient + "/groups").then()
                .statusCode(200).extract().path("items");
        assertEquals(1, groups.size(), groups.toString());
        assertEquals("CARE_TEAM", ((Map<?, ?>) groups.get(0).get("group")).get("kind"));
        assertEquals("patient", groups.get(0).get("role"));
        String group = (String) ((Map<?, ?>) groups.get(0).get("group")).get("id");
        Map<String, String> roles = given().when().get("/api/v1/groups/" + group + "/members").then().extract()
                .<List<Map<String, Object>>>path("items").stream()
                .collect(Collectors.toMap(m -> (String) m.get("contactId"), m -> (String) m.get("role")));
        assertEquals(Map.of(patient, "patient", doctor, "physician", mother, "caregiver"), roles);
        int version = given().when().get("/api/v1/groups/" + group).then().extract().path("version");

        // Sent again (no identifier: matched by its subject): the same single group, untouched.
        post("/fhir", json(h.bundle())).statusCode(200);
        assertEquals(1, given().when().get("/api/v1/contacts/" + patient + "/groups").then()
                .extract().<List<?>>path("items").size());
        given().when().get("/api/v1/groups/" + group).then().body("version", equalTo(version))
                .body("name", equalTo("Ana's heart team"));

        CareTeam out = (CareTeam) parse(Bundle.class, get("/fhir/CareTeam?subject=" + patient))
                .getEntryFirstRep().getResource();
        assertEquals("Ana's heart team", out.getName());
        Group asGroup = parse(Group.class, get("/fhir/Group/" + group));
        assertEquals("care-team", asGroup.getCode().getCodingFirstRep().getCode());
        assertEquals(3, asGroup.getMember().size());
    }

    @Test
    void aCareTeamWithAnIdentifierIsMatchedByIt() {
        FhirApiTest.Household h = FhirApiTest.household(Bundle.BundleType.TRANSACTION);
        CareTeam team = (CareTeam) h.bundle().getEntry().get(0).getResource();
        team.addIdentifier().setSystem("urn:example:careteam").setValue(unique());
        Bundle answer = parse(Bundle.class, post("/fhir", json(h.bundle())).statusCode(200).extract().asString());
        String patient = idOf(answer, 2, "Patient");
        team.setName("Renamed team");
        post("/fhir", json(h.bundle())).statusCode(200);
        List<Map<String, Object>> groups = given().when().get("/api/v1/contacts/" + patient + "/groups").then()
                .extract().path("items");
        assertEquals(1, groups.size());
        assertEquals("Renamed team", ((Map<?, ?>) groups.get(0).get("group")).get("name"));
        CareTeam out = (CareTeam) parse(Bundle.class, get("/fhir/CareTeam?subject=Patient/" + patient))
                .getEntryFirstRep().getResource();
        assertEquals(team.getIdentifierFirstRep().getValue(), out.getIdentifierFirstRep().getValue());
    }

    @Test
    void searchesArePagedWithCountAndANextLink() {
        String p = urn();
        Bundle sent = bundle(Bundle.BundleType.TRANSACTION, entry(p, patient(unique(), "Paged", "Patient")),
                entry(urn(), mother(unique(), p, "One", "Relative")),
                entry(urn(), mother(unique(), p, "Two", "Relative")),
                entry(urn(), mother(unique(), p, "Three", "Relative")));
        String patient = idOf(parse(Bundle.class, post("/fhir", json(sent)).statusCode(200).extract().asString()),
                0, "Patient");
        Bundle first = parse(Bundle.class, get("/fhir/RelatedPerson?patient=" + patient + "&_count=2"));
        assertEquals(3, first.getTotal());
        assertEquals(2, first.getEntry().size());
        String next = first.getLink("next").getUrl();
        assertTrue(next.contains("_offset=2") && next.contains("_count=2"), next);
        Bundle second = parse(Bundle.class, get(next.substring(next.indexOf("/fhir/"))));
        assertEquals(1, second.getEntry().size());
        assertNull(second.getLink("next"));
        assertEquals(0, parse(Bundle.class, get("/fhir/RelatedPerson?patient=" + patient + "&_count=0"))
                .getEntry().size());

        for (String bad : List.of("abc", "-1", "1001", "2.5")) {
            outcome(given().queryParam("patient", patient).queryParam("_count", bad).when().get("/fhir/RelatedPerson")
                    .then().statusCode(400), OperationOutcome.IssueType.INVALID);
        }
        outcome(given().queryParam("subject", patient).queryParam("_count", "x").when().get("/fhir/CareTeam")
                .then().statusCode(400), OperationOutcome.IssueType.INVALID);
        outcome(given().queryParam("patient", patient).queryParam("_offset", "-3").when().get("/fhir/Consent")
                .then().statusCode(400), OperationOutcome.IssueType.INVALID);
        outcome(given().queryParam("member", patient).queryParam("_count", "1e3").when().get("/fhir/Group")
                .then().statusCode(400), OperationOutcome.IssueType.INVALID);
    }

    @Test
    void readingAGroupLeavesAnAuditRowNamingItsMembers() {
        Family f = family();
        String group = f.groupLocation().split("/")[1];
        String me = AuditRows.subject("fhir-group-auditor");
        TestTokens.bearer(TestTokens.token(me, Set.of("integration"))).when().get("/fhir/Group/" + group)
                .then().statusCode(200);
        TestTokens.bearer(TestTokens.token(me, Set.of("outreach"))).when().get("/fhir/Group/" + group)
                .then().statusCode(403);
        assertEquals(List.of(
                AuditRows.listing("read", "fhir", List.of("Group/" + group), Set.of(UUID.fromString(f.patient()),
                        UUID.fromString(f.mother())), "GET", 200),
                AuditRows.row("read", "fhir", group, Set.of(), "GET", 403)), AuditRows.sorted(db, me));
    }

    @jakarta.inject.Inject
    io.agroal.api.AgroalDataSource db;
}
