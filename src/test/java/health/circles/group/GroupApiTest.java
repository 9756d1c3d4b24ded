package health.circles.group;

import static health.circles.Fixtures.contact;
import static health.circles.Fixtures.group;
import static health.circles.TestTokens.as;
import static health.circles.TestTokens.asClinician;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@AsRole("admin")
class GroupApiTest {

    @Inject
    GroupGraphProbe graph;

    @Test
    void householdWithMembersCanBeReadBackListedAndReachesTheGraph() {
        String mother = contact().patient().create().id();
        String child = contact().patient().create().id();
        var created = group("HOUSEHOLD").named("Ruiz household").set("externalId", "hh-" + UUID.randomUUID())
                .member(mother, "head").member(child, "child").post()
                .then().statusCode(201).header("ETag", "\"0\"").header("Graph-Position", notNullValue())
                .body("kind", equalTo("HOUSEHOLD")).body("memberCount", equalTo(2)).extract();
        String id = created.path("id");
        given().when().get(created.header("Location")).then().statusCode(200).header("ETag", "\"0\"")
                .body("name", equalTo("Ruiz household"));
        given().when().get("/api/v1/groups/" + id + "/members").then().statusCode(200)
                .body("items", hasSize(2))
                .body("items.find { it.contactId == '" + child + "' }.role", equalTo("child"))
                .body("items.find { it.contactId == '" + mother + "' }.contact.kind", equalTo("PATIENT"))
                .body("items[0].group.kind", equalTo("HOUSEHOLD"));
        given().when().get("/api/v1/contacts/" + child + "/groups").then().statusCode(200)
                .body("items", hasSize(1)).body("items[0].group.id", equalTo(id))
                .body("items[0].group.name", equalTo("Ruiz household")).body("items[0].role", equalTo("child"));

        Map<String, Object> node = graph.group(id);
        assertEquals("HOUSEHOLD", node.get("kind"));
        assertEquals(2, ((List<?>) node.get("members")).size());
    }

    @Test
    void listFiltersByKindNameMemberExternalIdAndUpdatedSince() {
        String word = Fixtures.uniqueTag();
        String member = contact().patient().create().id();
        Instant before = Instant.now().minusSeconds(1);
        String household = group("HOUSEHOLD").named("The " + word + " family").member(member, null).create().id();
        String team = group("CARE_TEAM").named("Care for " + word.toUpperCase()).set("externalId", "ct-" + word)
                .create().id();
        given().queryParam("q", word).when().get("/api/v1/groups").then().statusCode(200)
                .body("items.id", hasItem(household)).body("items.id", hasItem(team));
        given().queryParam("q", word).queryParam("kind", "care_team").when().get("/api/v1/groups").then()
                .statusCode(200).body("items.id", equalTo(List.of(team)));
        given().queryParam("memberId", member).when().get("/api/v1/groups").then().statusCode(200)
                .body("items.id", equalTo(List.of(household)));
        given().queryParam("externalId", "ct-" + word).when().get("/api/v1/groups").then().statusCode(200)
                .body("items.id", equalTo(List.of(team)));
        given().queryParam("updatedSince", before.toString()).queryParam("q", word).when().get("/api/v1/groups")
                .then().statusCode(200).body("items", hasSize(2));
        given().queryParam("updatedSince", Instant.now().plusSeconds(3600).toString()).queryParam("q", word).when()
                .get("/api/v1/groups").then().statusCode(200).body("items", hasSize(0));
        given().queryParam("q", "%").queryParam("limit", "1").when().get("/api/v1/groups").then().statusCode(200);
        given().queryParam("kinds", "HOUSEHOLD").when().get("/api/v1/groups").then().statusCode(400)
                .body("type", equalTo("https://circles.health/problems/unknown-parameter"));
        given().queryParam("kind", "TRIBE").when().get("/api/v1/groups").then().statusCode(400)
                .body("errors[0].field", equalTo("kind"));
    }

    @Test
    void listPagesWithTheCursor() {
        String word = Fixtures.uniqueTag();
        for (int i = 0; i < 3; i++) {
            group("SUPPORT_GROUP").named(word + " circle " + i).create();
        }
        var first = given().queryParam("q", word).queryParam("limit", 2).when().get("/api/v1/groups").then()
                .statusCode(200).body("items", hasSize(2)).body("next", notNullValue()).extract();
        given().queryParam("q", word).queryParam("limit", 2).queryParam("cursor", first.<String>path("next")).when()
                .get("/api/v1/groups").then().statusCode(200).body("items", hasSize(1)).body("next", nullValue())
                .body("items.id", not(hasItem(first.<List<String>>path("items.id").get(0))));
        given().queryParam("cursor", "bm9wZQ").when().get("/api/v1/groups").then().statusCode(400)
                .body("errors[0].field", equalTo("cursor"));
    }

    @Test
    void clinicianJoiningAGroupSeesAndRewritesNothingOfItUntilTreatingAMember() {
        UUID doctor = contact().physician().named("Greta", "Joiner").fullRecord().create().uuid();
        String patient = contact().patient().create().id();
        String id = group("CARE_TEAM").named("Care team " + UUID.randomUUID())
                .set("description", "Oncology follow-up").set("externalId", "ct-" + UUID.randomUUID())
                .member(patient, null).create().id();
        String path = "/api/v1/groups/" + id;
        String me = "dr-joiner-" + UUID.randomUUID();
        asClinician(me, doctor).when().get(path).then().statusCode(200).body("description", nullValue())
                .body("externalId", nullValue());
        asClinician(me, doctor).contentType(ContentType.JSON).body(Map.of("contactId", doctor.toString()))
                .when().post(path + "/members").then().statusCode(201);
        // Now a current member they see whole, their own contact, which shows and opens nothing.
        asClinician(me, doctor).when().get(path).then().statusCode(200).body("memberCount", equalTo(2))
                .body("description", nullValue()).body("externalId", nullValue());
        asClinician(me, doctor).when().get("/api/v1/groups?memberId=" + doctor).then().statusCode(200)
                .body("items.id", equalTo(List.of(id))).body("items[0].description", nullValue());
        asClinician(me, doctor).contentType("application/merge-patch+json").header("If-Match", "\"0\"")
                .body("{\"description\":\"Nothing to see\"}").when().patch(path).then().statusCode(404)
                .contentType("application/problem+json");
        given().when().get(path).then().body("description", equalTo("Oncology follow-up")).body("version", equalTo(0));
        // Treating a member is what shows the group whole.
        Fixtures.tie(doctor, patient).type("TREATS").create();
        asClinician(me, doctor).when().get(path).then().statusCode(200).body("description", equalTo("Oncology follow-up"));
        asClinician(me, doctor).contentType("application/merge-patch+json").header("If-Match", "\"0\"")
                .body("{\"description\":\"Oncology and palliative care\"}").when().patch(path).then().statusCode(200);
    }

    @Test
    void aClinicianAddingAPatientToAGroupOpensNothingOfItToThemButTheirOwnGroupIsTheirs() {
        UUID doctor = contact().physician().named("Gus", "Adder").fullRecord().create().uuid();
        String patient = contact().patient().create().id();
        String stranger = contact().patient().create().id();
        Fixtures.tie(doctor, patient).type("TREATS").create();
        String external = "hh-" + UUID.randomUUID();
        String id = group("HOUSEHOLD").named("Strangers " + UUID.randomUUID()).set("description", "Their story")
                .set("externalId", external).member(stranger, null).create().id();
        String path = "/api/v1/groups/" + id;
        String me = "dr-adder-" + UUID.randomUUID();
        // Adding a patient one treats to a group is a clinician's to do...
        asClinician(me, doctor).contentType(ContentType.JSON).body(Map.of("contactId", patient))
                .when().post(path + "/members").then().statusCode(201);
        // ...and opens nothing of it to them: that member counts for everyone but whoever added them.
        asClinician(me, doctor).when().get(path).then().statusCode(200).body("memberCount", equalTo(2))
                .body("description", nullValue()).body("externalId", nullValue());
        asClinician(me, doctor).contentType("application/merge-patch+json").header("If-Match", "\"0\"")
                .body("{\"description\":\"Rewritten\"}").when().patch(path).then().statusCode(404);
        asClinician("dr-other-" + UUID.randomUUID(), doctor).when().get(path).then().statusCode(200)
                .body("description", equalTo("Their story"));
        // Nor does the external id find the group for those who see it limited; a clash names no holder to them.
        for (String role : new String[] {"outreach", "analyst"}) {
            as(role).queryParam("externalId", external).when().get("/api/v1/groups").then().statusCode(200)
                    .body("items", hasSize(0));
        }
        asClinician(me, doctor).contentType(ContentType.JSON)
                .body(Map.of("kind", "HOUSEHOLD", "name", "Clash " + UUID.randomUUID(), "externalId", external))
                .when().post("/api/v1/groups").then().statusCode(409)
                .body("detail", not(containsString(id))).body("errors[0].reason", equalTo("held by another group"));
        given().queryParam("externalId", external).when().get("/api/v1/groups").then().statusCode(200)
                .body("items.id", equalTo(List.of(id)));
        // A group the clinician makes with their patient is theirs to read and change.
        String mine = asClinician(me, doctor).contentType(ContentType.JSON).body(Map.of("kind", "CARE_TEAM", "name",
                        "Mine " + UUID.randomUUID(), "description", "Diabetes follow-up",
                        "members", List.of(Map.of("contactId", patient))))
                .when().post("/api/v1/groups").then().statusCode(201).extract().path("id");
        asClinician(me, doctor).when().get("/api/v1/groups/" + mine).then().statusCode(200)
                .body("description", equalTo("Diabetes follow-up"));
    }

    @Test
    void patchNeedsTheCurrentVersionAndKeepsTheKindOnceThereAreMembers() {
        String member = contact().patient().create().id();
        String id = group("HOUSEHOLD").member(member, null).create().id();
        String path = "/api/v1/groups/" + id;
        given().contentType("application/merge-patch+json").body("{\"name\":\"Renamed\"}").when().patch(path)
                .then().statusCode(428);
        given().contentType("application/merge-patch+json").header("If-Match", "\"7\"").body("{\"name\":\"Renamed\"}")
                .when().patch(path).then().statusCode(412);
        given().contentType("application/merge-patch+json").header("If-Match", "\"0\"")
                .body("{\"name\":\"Renamed\",\"description\":\"Lives above the bakery\"}").when().patch(path)
                .then().statusCode(200).header("ETag", "\"1\"").body("name", equalTo("Renamed"))
                .body("description", equalTo("Lives above the bakery")).body("kind", equalTo("HOUSEHOLD"));
        given().contentType("application/merge-patch+json").header("If-Match", "\"1\"").body("{\"kind\":\"OTHER\"}")
                .when().patch(path).then().statusCode(409)
                .body("type", equalTo("https://circles.health/problems/group-kind-fixed"));
        given().contentType("application/merge-patch+json").header("If-Match", "\"1\"").body("{\"name\":null}")
                .when().patch(path).then().statusCode(400).body("errors[0].field", equalTo("name"));
        given().contentType("application/merge-patch+json").header("If-Match", "\"1\"").body("{\"colour\":\"red\"}")
                .when().patch(path).then().statusCode(400);
        given().contentType("application/merge-patch+json").header("If-Match", "\"1\"")
                .body("{\"members\":[]}").when().patch(path).then().statusCode(400)
                .body("errors[0].field", equalTo("members"));
        assertEquals("Renamed", graph.group(id).get("name"));
    }

    @Test
    void managingOrganizationMustBeAnOrganization() {
        String clinic = contact().organization("Clinic " + UUID.randomUUID()).create().id();
        String person = contact().patient().create().id();
        group("CLINIC_PANEL").set("managingOrganization", clinic).post().then().statusCode(201)
                .body("managingOrganization", equalTo(clinic));
        group("CLINIC_PANEL").set("managingOrganization", person).post().then().statusCode(422)
                .body("type", equalTo("https://circles.health/problems/not-an-organization"));
        group("CLINIC_PANEL").set("managingOrganization", UUID.randomUUID().toString()).post().then().statusCode(422)
                .body("errors[0].field", equalTo("managingOrganization"));
    }

    @Test
    void externalIdIsUnique() {
        String external = "g-" + UUID.randomUUID();
        group("OTHER").set("externalId", external).create();
        group("OTHER").set("externalId", external).post().then().statusCode(409)
                .body("type", equalTo("https://circles.health/problems/duplicate-external-id"));
    }

    @Test
    void rolesComeFromTheKindsVocabularyAndFitTheContact() {
        String patient = contact().patient().create().id();
        String physician = contact().physician().create().id();
        String nurse = contact().nurse().create().id();
        String org = contact().organization("Clinic " + UUID.randomUUID()).create().id();
        group("CARE_TEAM").member(patient, "patient").member(physician, "Physician").member(nurse, "nurse")
                .post().then().statusCode(201);
        group("CARE_TEAM").member(patient, "physician").post().then().statusCode(422)
                .body("type", equalTo("https://circles.health/problems/role-not-allowed"))
                .body("errors[0].field", equalTo("members[0].role"));
        group("HOUSEHOLD").member(patient, "nurse").post().then().statusCode(422)
                .body("errors[0].reason", containsString("head"));
        group("HOUSEHOLD").member(org, null).post().then().statusCode(422);
        group("OTHER").member(org, null).post().then().statusCode(201);
        group("HOUSEHOLD").member(UUID.randomUUID(), null).post().then().statusCode(422)
                .body("type", equalTo("https://circles.health/problems/unknown-contact"));
        group("HOUSEHOLD").member(patient, null).member(patient, "child").post().then().statusCode(400)
                .body("errors[0].field", equalTo("members[1].contactId"));
    }

    @Test
    void membershipsAreAddedChangedAndEndedAndKeptAsHistory() {
        String group = group("CONGREGATION").create().id();
        String person = contact().patient().create().id();
        String members = "/api/v1/groups/" + group + "/members";
        var added = given().contentType(ContentType.JSON)
                .body(Map.of("contactId", person, "role", "volunteer", "since", "2024-05-01")).when().post(members)
                .then().statusCode(201).header("ETag", "\"0\"").body("active", equalTo(true))
                .body("contact.id", equalTo(person)).extract();
        String member = added.path("id");
        given().contentType(ContentType.JSON).body(Map.of("contactId", person)).when().post(members).then()
                .statusCode(409).body("type", equalTo("https://circles.health/problems/duplicate-membership"));
        given().when().get(added.header("Location")).then().statusCode(200).body("role", equalTo("volunteer"));
        given().contentType(ContentType.JSON).body(Map.of("role", "leader", "since", "2024-05-01")).when()
                .put(members + "/" + member).then().statusCode(428);
        given().contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body(Map.of("role", "leader", "since", "2024-05-01")).when().put(members + "/" + member).then()
                .statusCode(200).header("ETag", "\"1\"").body("role", equalTo("leader"));
        given().contentType(ContentType.JSON).header("If-Match", "\"1\"")
                .body(Map.of("role", "leader", "since", "2024-05-01", "until", "2024-01-01")).when()
                .put(members + "/" + member).then().statusCode(400).body("errors[0].field", equalTo("until"));
        given().queryParam("until", "2025-02-01").when().post(members + "/" + member + "/end").then().statusCode(200)
                .body("until", equalTo("2025-02-01")).body("active", equalTo(false));
        given().queryParam("active", "true").when().get(members).then().statusCode(200).body("items", hasSize(0));
        given().queryParam("active", "false").when().get(members).then().statusCode(200).body("items", hasSize(1));
        given().queryParam("active", "maybe").when().get(members).then().statusCode(400);
        given().when().get("/api/v1/groups/" + group).then().body("memberCount", equalTo(0));
        // A new spell after the end is a new membership; the old one stays as history.
        given().contentType(ContentType.JSON).body(Map.of("contactId", person)).when().post(members).then()
                .statusCode(201).body("role", equalTo("member"));
        given().when().get("/api/v1/contacts/" + person + "/groups").then().statusCode(200).body("items", hasSize(2));
        given().queryParam("active", "true").when().get("/api/v1/contacts/" + person + "/groups").then()
                .body("items", hasSize(1));
        // In the graph, both spells: the ended one with its until.
        List<?> inGraph = (List<?>) graph.group(group).get("members");
        assertEquals(2, inGraph.size());
        assertTrue(inGraph.toString().contains("2025-02-01"));
        given().when().get("/api/v1/groups/" + UUID.randomUUID() + "/members/" + member).then().statusCode(404);
        given().when().get("/api/v1/contacts/" + UUID.randomUUID() + "/groups").then().statusCode(404);
    }

    @Test
    void deletingAGroupTakesItsMembershipsFromBothStores() {
        String person = contact().patient().create().id();
        String id = group("SUPPORT_GROUP").member(person, "member").create().id();
        given().when().delete("/api/v1/groups/" + id).then().statusCode(428);
        given().header("If-Match", "\"0\"").when().delete("/api/v1/groups/" + id).then().statusCode(204);
        given().when().get("/api/v1/groups/" + id).then().statusCode(404);
        given().when().get("/api/v1/contacts/" + person + "/groups").then().statusCode(200).body("items", hasSize(0));
        assertEquals(Map.of(), graph.group(id));
        given().when().get("/api/v1/contacts/" + person).then().statusCode(200);
    }

    @Test
    void creationWithAnIdempotencyKeyIsAnsweredOnceAndReplayed() {
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = group("OTHER").body();
        String first = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body).when()
                .post("/api/v1/groups").then().statusCode(201).extract().path("id");
        String again = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body).when()
                .post("/api/v1/groups").then().statusCode(201).extract().path("id");
        assertEquals(first, again);
    }

    @Test
    void erasingAMemberEndsAndAnonymisesItsPlacesAndTakesThemFromTheGraph() {
        String stays = contact().patient().create().id();
        String erased = contact().patient().create().id();
        String org = contact().organization("Clinic " + UUID.randomUUID()).create().id();
        String id = group("HOUSEHOLD").set("managingOrganization", org).member(stays, "head")
                .member(erased, "child").create().id();
        String other = group("HOUSEHOLD").member(erased, null).create().id();
        given().when().post("/api/v1/contacts/" + erased + "/erasure").then().statusCode(204);
        given().when().post("/api/v1/contacts/" + org + "/erasure").then().statusCode(204);
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        given().when().get("/api/v1/groups/" + id + "/members").then().statusCode(200)
                .body("items", hasSize(2))
                .body("items.find { it.erased == true }.contactId", nullValue())
                .body("items.find { it.erased == true }.until", equalTo(today))
                .body("items.find { it.erased == true }.role", equalTo("child"))
                .body("items.find { it.erased == true }.active", equalTo(false))
                .body("items.contactId", not(hasItem(erased)));
        given().when().get("/api/v1/groups/" + id).then().body("memberCount", equalTo(1))
                .body("managingOrganization", nullValue());
        List<?> members = (List<?>) graph.group(id).get("members");
        assertEquals(1, members.size());
        assertTrue(members.toString().contains(stays));
        assertEquals(List.of(), graph.group(other).get("members"));
        var ended = given().queryParam("active", "false").when().get("/api/v1/groups/" + other + "/members").then()
                .extract();
        String place = ended.path("items[0].id");
        given().when().post("/api/v1/groups/" + other + "/members/" + place + "/end").then().statusCode(409)
                .body("type", equalTo("https://circles.health/problems/member-erased"));
    }

    @Test
    void reconcileRestoresAGroupAndItsMembershipsRemovedFromTheGraph() {
        String person = contact().patient().create().id();
        String id = group("HOUSEHOLD").member(person, "head").create().id();
        graph.caughtUp();
        graph.write("MATCH (g:Group {id: $id}) DETACH DELETE g", Map.of("id", id));
        as("admin").when().post("/api/v1/admin/sync/reconcile").then().statusCode(200)
                .body("repaired.groupsMissing.count", equalTo(1))
                .body("repaired.groupMembersMissing.count", equalTo(1));
        assertEquals(1, ((List<?>) graph.group(id).get("members")).size());
    }

    @Test
    void badInputIsAClearProblem() {
        given().contentType(ContentType.JSON).body("{\"kind\":\"HOUSEHOLD\",\"name\":\"a\\u0000b\"}").when()
                .post("/api/v1/groups").then().statusCode(400).body("errors[0].field", equalTo("name"));
        given().contentType(ContentType.JSON).body("{\"kind\":\"HOUSEHOLD\",\"name\":\"\"}").when()
                .post("/api/v1/groups").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"kind\":\"CLAN\",\"name\":\"x\"}").when()
                .post("/api/v1/groups").then().statusCode(400);
        given().when().get("/api/v1/groups/not-a-uuid").then().statusCode(400);
        given().queryParam("memberId", "nope").when().get("/api/v1/groups").then().statusCode(400)
                .body("errors[0].field", equalTo("memberId"));
    }
}
