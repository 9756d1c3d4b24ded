package health.circles.network;

import static health.circles.Fixtures.contact;
import static health.circles.Fixtures.tie;
import static health.circles.TestTokens.as;
import static health.circles.TestTokens.asClinician;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.contact.ContactKind;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The registry of relationship types: built-in types with their inverse names, ties read from either end, the kind
 * rules, an added type used end to end, what admins may change, and that no type but a built-in one grants access.
 */
@QuarkusTest
@AsRole("admin")
class RelationshipTypeApiTest {

    @Inject
    GraphProbe graph;

    /** A fresh UPPER_SNAKE code, so that runs against the same database do not collide. */
    private static String code(String stem) {
        return stem + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10).toUpperCase(Locale.ROOT);
    }

    private static Map<String, Map<String, Object>> allTypes() {
        Map<String, Map<String, Object>> all = new HashMap<>();
        String cursor = null;
        do {
            var request = given().queryParam("limit", 5);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.when().get("/api/v1/relationship-types").then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> items = page.getList("items");
            assertTrue(items.size() <= 5);
            items.forEach(t -> all.put((String) t.get("code"), t));
            cursor = page.getString("next");
        } while (cursor != null);
        return all;
    }

    private static Map<String, Object> addType(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/api/v1/relationship-types")
                .then().statusCode(201).header("ETag", "\"0\"").extract().jsonPath().getMap("");
    }

    private static JsonPath tiesOf(String contact) {
        return given().when().get("/api/v1/contacts/" + contact + "/ties").then().statusCode(200).extract().jsonPath();
    }

    private static Map<String, Object> tieIn(JsonPath page, String id) {
        List<Map<String, Object>> items = page.getList("items");
        return items.stream().filter(t -> id.equals(t.get("id"))).findFirst().orElseThrow();
    }

    @Test
    void builtInTypesAreListedPageByPageAsTheCodeDefinesThem() {
        Map<String, Map<String, Object>> all = allTypes();
        for (TieType t : TieType.values()) {
            Map<String, Object> row = all.get(t.name());
            assertNotNull(row, t + " is registered");
            assertEquals(true, row.get("builtIn"), t.name());
            assertEquals(!t.directed(), row.get("symmetric"), t.name());
            assertEquals(t.grantsAccess(), row.get("grantsAccess"), t.name());
            assertEquals(t.name(), row.get("forwardName"), t.name());
            assertEquals(names(t.fromKinds()), Set.copyOf((List<?>) row.get("fromKinds")), t.name());
            assertEquals(names(t.toKinds()), Set.copyOf((List<?>) row.get("toKinds")), t.name());
            assertEquals(0.5f, ((Number) row.get("defaultWeight")).floatValue(), t.name());
            if (!t.directed()) {
                assertEquals(t.name(), row.get("reverseName"), t.name());
            }
        }
        assertEquals("CHILD_OF", all.get("PARENT_OF").get("reverseName"));
        assertEquals("TREATED_BY", all.get("TREATS").get("reverseName"));
        assertEquals("CARED_FOR_BY", all.get("CARES_FOR").get("reverseName"));
        assertEquals("GRANDCHILD_OF", all.get("GRANDPARENT_OF").get("reverseName"));
        assertEquals("WARD_OF", all.get("GUARDIAN_OF").get("reverseName"));
        List<String> granting = all.values().stream().filter(t -> Boolean.TRUE.equals(t.get("grantsAccess")))
                .map(t -> (String) t.get("code")).toList();
        assertEquals(List.of("TREATS"), granting, "only TREATS grants access");
        given().when().get("/api/v1/relationship-types/SPOUSE_OF").then().statusCode(200).header("ETag", "\"0\"")
                .body("symmetric", equalTo(true)).body("reverseName", equalTo("SPOUSE_OF"));
        given().when().get("/api/v1/relationship-types/NO_SUCH_TYPE").then().statusCode(404)
                .contentType("application/problem+json");
        given().queryParam("cursor", "bm90LWEtY3Vyc29y").when().get("/api/v1/relationship-types").then()
                .statusCode(400).body("errors[0].field", equalTo("cursor"));
    }

    private static Set<String> names(Set<ContactKind> kinds) {
        return kinds.stream().map(Enum::name).collect(Collectors.toSet());
    }

    @Test
    void aContactsTiesNameEachTieFromThatContactsSide() {
        String mother = contact().kind("FAMILY").named("Mara", "Parent").create().id();
        String son = contact().patient().named("Sol", "Parent").create().id();
        String wife = contact().kind("FAMILY").named("Wren", "Spouse").create().id();
        String parent = tie(mother, son).type("PARENT_OF").create().id();
        String spouse = tie(son, wife).type("SPOUSE_OF").create().id();

        JsonPath ofSon = tiesOf(son);
        assertEquals("CHILD_OF", tieIn(ofSon, parent).get("relationship"));
        assertEquals(mother, tieIn(ofSon, parent).get("other"));
        assertEquals("PARENT_OF", tieIn(ofSon, parent).get("type"));
        assertEquals("SPOUSE_OF", tieIn(ofSon, spouse).get("relationship"));
        assertEquals(wife, tieIn(ofSon, spouse).get("other"));

        assertEquals("PARENT_OF", tieIn(tiesOf(mother), parent).get("relationship"));
        assertEquals(son, tieIn(tiesOf(mother), parent).get("other"));
        assertEquals("SPOUSE_OF", tieIn(tiesOf(wife), spouse).get("relationship"));
        assertEquals(son, tieIn(tiesOf(wife), spouse).get("other"));

        // A tie read on its own, or in the list of all ties, has no side to read it from.
        given().when().get("/api/v1/ties/" + parent).then().statusCode(200)
                .body("relationship", nullValue()).body("other", nullValue());
        // Filtering a contact's ties by type takes codes in any case.
        given().queryParam("type", "parent_of").when().get("/api/v1/contacts/" + son + "/ties").then()
                .statusCode(200).body("items.id", equalTo(List.of(parent)))
                .body("items[0].relationship", equalTo("CHILD_OF"));
    }

    @Test
    void aSymmetricTieIsOneTieWhicheverWayItIsSent() {
        String a = contact().patient().create().id();
        String b = contact().patient().create().id();
        tie(a, b).type("SIBLING_OF").create();
        tie(b, a).type("SIBLING_OF").post().then().statusCode(409).body("type", containsString("duplicate-tie"));
        // A directed family type is a different tie each way (though both would be odd).
        tie(a, b).type("GRANDPARENT_OF").create();
        tie(b, a).type("GRANDPARENT_OF").create();
    }

    @Test
    void kindsAtEachEndAreCheckedAgainstTheRegistry() {
        String clinic = contact().organization("Kind Rule Clinic").create().id();
        String person = contact().patient().create().id();
        tie(clinic, person).type("PARENT_OF").post().then().statusCode(422)
                .body("type", containsString("tie-kind-not-allowed"));
        // A guardian may be an organisation (a guardianship agency), a ward is a person.
        tie(clinic, person).type("GUARDIAN_OF").create();
        tie(person, clinic).type("GUARDIAN_OF").post().then().statusCode(422);
        tie(person, clinic).type("NO_SUCH_TYPE").post().then().statusCode(400)
                .body("errors[0].field", equalTo("type"));
        given().queryParam("type", "NO_SUCH_TYPE").when().get("/api/v1/ties").then().statusCode(400)
                .body("errors[0].field", equalTo("type"));
        given().queryParam("tieType", "NO_SUCH_TYPE").when().get("/api/v1/contacts/" + person + "/circles").then()
                .statusCode(400).body("errors[0].field", equalTo("tieType"));
    }

    @Test
    void anAddedTypeWorksEndToEndAndCannotBeDeletedWhileInUse() {
        String mentors = code("MENTORS");
        String mentoredBy = code("MENTORED_BY");
        Map<String, Object> added = addType(Map.of("code", mentors, "reverseName", mentoredBy,
                "fromKinds", List.of("COMMUNITY_LEADER"), "toKinds", List.of("PATIENT", "CAREGIVER"),
                "symmetric", false, "defaultWeight", 0.7, "description", "A peer mentor and the person mentored"));
        assertEquals(mentors, added.get("forwardName"));
        assertEquals(false, added.get("builtIn"));
        assertEquals(false, added.get("grantsAccess"));
        assertEquals("test-admin", added.get("createdBy"));

        String leader = contact().communityLeader().create().id();
        String patient = contact().patient().create().id();
        var created = tie(leader, patient).type(mentors).post().then().statusCode(201)
                .body("type", equalTo(mentors)).body("declaredStrength", equalTo(0.7f))
                .body("directed", equalTo(true)).body("assertion", equalTo("ASSERTED")).extract();
        String id = created.path("id");
        tie(patient, leader).type(mentors).post().then().statusCode(422); // kinds the wrong way round

        assertEquals(mentors, graph.edge(id).get("type"));
        assertEquals(mentoredBy, tieIn(tiesOf(patient), id).get("relationship"));
        assertEquals(mentors, tieIn(tiesOf(leader), id).get("relationship"));
        JsonPath circles = given().queryParam("depth", 1).queryParam("tieType", mentors.toLowerCase(Locale.ROOT))
                .when().get("/api/v1/contacts/" + patient + "/circles").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(leader), circles.getList("rings[0].members.id"));
        assertEquals(List.of(mentors), circles.getList("rings[0].members[0].tieTypes"));
        given().queryParam("type", mentors).when().get("/api/v1/ties").then().statusCode(200)
                .body("items.id", equalTo(List.of(id)));

        given().header("If-Match", "\"0\"").when().delete("/api/v1/relationship-types/" + mentors).then()
                .statusCode(409).body("type", containsString("relationship-type-in-use"));
        given().header("If-Match", "\"0\"").when().post("/api/v1/ties/" + id + "/end").then().statusCode(200);
        given().header("If-Match", "\"0\"").when().delete("/api/v1/relationship-types/" + mentors).then()
                .statusCode(409); // ended ties are history of the type too
        given().header("If-Match", "\"1\"").when().delete("/api/v1/ties/" + id).then().statusCode(204);
        given().when().delete("/api/v1/relationship-types/" + mentors).then().statusCode(428);
        given().header("If-Match", "\"0\"").when().delete("/api/v1/relationship-types/" + mentors).then()
                .statusCode(204);
        given().when().get("/api/v1/relationship-types/" + mentors).then().statusCode(404);
        tie(leader, patient).type(mentors).post().then().statusCode(400).body("errors[0].field", equalTo("type"));

        // Every change to the registry is on the audit trail, refused ones too, named by the type's code.
        List<Map<String, Object>> rows = given().queryParam("resource", "relationship-type")
                .queryParam("resourceId", mentors).when().get("/api/v1/audit").then().statusCode(200)
                .extract().jsonPath().getList("items");
        assertEquals(List.of("delete 204", "delete 428", "delete 409", "delete 409", "create 201"),
                rows.stream().map(r -> r.get("action") + " " + r.get("status")).toList());
        rows.forEach(r -> assertEquals("test-admin", r.get("subject")));
    }

    @Test
    void anAddedSymmetricTypeReadsTheSameFromBothEnds() {
        String buddy = code("BUDDY_OF");
        Map<String, Object> added = addType(Map.of("code", buddy, "fromKinds", List.of("PATIENT"),
                "toKinds", List.of("PATIENT"), "symmetric", true));
        assertEquals(buddy, added.get("reverseName"));
        assertEquals(0.5f, ((Number) added.get("defaultWeight")).floatValue());
        String a = contact().patient().create().id();
        String b = contact().patient().create().id();
        String id = tie(a, b).type(buddy).create().id();
        assertEquals(buddy, tieIn(tiesOf(b), id).get("relationship"));
        assertEquals(a, tieIn(tiesOf(b), id).get("other"));
        tie(b, a).type(buddy).post().then().statusCode(409);
        assertEquals(true, graph.edge(id).get("symmetric"));
    }

    @Test
    void addedTypesMustBeNewAndReadable() {
        String code = code("COACHES");
        Map<String, Object> base = Map.of("code", code, "reverseName", code("COACHED_BY"),
                "fromKinds", List.of("NURSE"), "toKinds", List.of("PATIENT"), "symmetric", false);
        post(with(base, "reverseName", "CHILD_OF")).then().statusCode(409)
                .body("type", containsString("relationship-name-taken")).body("errors[0].field", equalTo("reverseName"));
        post(with(base, "code", "TREATED_BY")).then().statusCode(409);
        post(with(base, "code", "TREATS")).then().statusCode(409)
                .body("type", containsString("duplicate-relationship-type"));
        post(without(base, "reverseName")).then().statusCode(400).body("errors[0].field", equalTo("reverseName"));
        post(with(base, "reverseName", code)).then().statusCode(400);
        post(with(base, "code", "coaches")).then().statusCode(400).body("errors[0].field", equalTo("code"));
        post(with(base, "code", "A__B")).then().statusCode(400);
        post(with(base, "fromKinds", List.of())).then().statusCode(400);
        post(with(base, "fromKinds", List.of("WIZARD"))).then().statusCode(400);
        post(with(base, "defaultWeight", 1.5)).then().statusCode(400);
        post(with(with(base, "symmetric", true), "reverseName", code("OTHER"))).then().statusCode(400);
        given().when().get("/api/v1/relationship-types/" + code).then().statusCode(404);
    }

    @Test
    void noAddedTypeGrantsAccessAndOnlyAdminsChangeTheRegistry() {
        String code = code("ATTENDS");
        Map<String, Object> body = Map.of("code", code, "reverseName", code("ATTENDED_BY"),
                "fromKinds", List.of("PHYSICIAN"), "toKinds", List.of("PATIENT"), "symmetric", false,
                "grantsAccess", true);
        post(body).then().statusCode(422).body("type", containsString("type-grants-access"))
                .body("errors[0].field", equalTo("grantsAccess"));
        for (String role : List.of("clinician", "integration", "outreach", "analyst")) {
            as(role).contentType(ContentType.JSON).body(with(body, "grantsAccess", false))
                    .when().post("/api/v1/relationship-types").then().statusCode(403);
        }
        addType(with(body, "grantsAccess", false));

        // A clinician's tie of the added type is asserted (it claims nothing) and shows them nothing more.
        UUID doctor = contact().physician().named("Ada", "Attending").create().uuid();
        UUID patient = contact().patient().named("Pia", "Attended").fullRecord().create().uuid();
        String me = "dr-attends-" + UUID.randomUUID();
        asClinician(me, doctor).contentType(ContentType.JSON)
                .body(Map.of("from", doctor.toString(), "to", patient.toString(), "type", code))
                .when().post("/api/v1/ties").then().statusCode(201).body("assertion", equalTo("ASSERTED"));
        asClinician(me, doctor).when().get("/api/v1/contacts/" + patient).then().statusCode(200)
                .body("externalId", nullValue()).body("phone", nullValue());
        assertFalse(TieType.grantsAccess(code));
    }

    @Test
    void patchChangesHowATypeReadsNeverWhatItMeans() {
        String code = code("SPONSORS");
        String reverse = code("SPONSORED_BY");
        addType(Map.of("code", code, "reverseName", reverse, "fromKinds", List.of("ORGANIZATION"),
                "toKinds", List.of("COMMUNITY_LEADER"), "symmetric", false));
        String renamed = code("SPONSEE_OF");
        patch(code, "\"0\"", Map.of("reverseName", renamed, "description", "Funds", "defaultWeight", 0.2))
                .then().statusCode(200).header("ETag", "\"1\"")
                .body("reverseName", equalTo(renamed)).body("forwardName", equalTo(code))
                .body("description", equalTo("Funds")).body("defaultWeight", equalTo(0.2f));
        String org = contact().organization("Sponsor Org").create().id();
        String leader = contact().communityLeader().create().id();
        String id = tie(org, leader).type(code).post().then().statusCode(201)
                .body("declaredStrength", equalTo(0.2f)).extract().path("id");
        assertEquals(renamed, tieIn(tiesOf(leader), id).get("relationship"));

        patch(code, "\"0\"", Map.of("description", "stale")).then().statusCode(412);
        patch(code, null, Map.of("description", "no tag")).then().statusCode(428);
        patch(code, "\"1\"", Map.of("symmetric", true)).then().statusCode(400);
        patch(code, "\"1\"", Map.of("fromKinds", List.of("PATIENT"))).then().statusCode(400);
        patch(code, "\"1\"", Map.of("reverseName", "CHILD_OF")).then().statusCode(409);
        patch(code, "\"1\"", Map.of("reverseName", code)).then().statusCode(400);
        patch(code, "\"1\"", Map.of("description", "")).then().statusCode(200).body("description", nullValue());

        // Built-in names are the documented vocabulary; their description and weight may change.
        String tag = given().when().get("/api/v1/relationship-types/EMERGENCY_CONTACT_FOR").then().statusCode(200)
                .extract().header("ETag");
        patch("EMERGENCY_CONTACT_FOR", tag, Map.of("reverseName", "HAS_ICE_CONTACT")).then().statusCode(422)
                .body("type", containsString("built-in-relationship-type"));
        String description = given().when().get("/api/v1/relationship-types/EMERGENCY_CONTACT_FOR").then()
                .extract().path("description");
        String next = patch("EMERGENCY_CONTACT_FOR", tag, Map.of("description", "Whom to call first"))
                .then().statusCode(200).body("reverseName", equalTo("HAS_EMERGENCY_CONTACT")).extract().header("ETag");
        patch("EMERGENCY_CONTACT_FOR", next, Map.of("description", description)).then().statusCode(200);
        given().header("If-Match", next).when().delete("/api/v1/relationship-types/EMERGENCY_CONTACT_FOR").then()
                .statusCode(422);
        patch("NO_SUCH_TYPE", "\"0\"", Map.of("description", "x")).then().statusCode(404);
    }

    private static io.restassured.response.Response post(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/api/v1/relationship-types");
    }

    private static io.restassured.response.Response patch(String code, String ifMatch, Map<String, Object> body) {
        var request = given().contentType("application/merge-patch+json").body(body);
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return request.when().patch("/api/v1/relationship-types/" + code);
    }

    private static Map<String, Object> with(Map<String, Object> base, String field, Object value) {
        Map<String, Object> out = new HashMap<>(base);
        out.put(field, value);
        return out;
    }

    private static Map<String, Object> without(Map<String, Object> base, String field) {
        Map<String, Object> out = new HashMap<>(base);
        out.remove(field);
        return out;
    }
}
