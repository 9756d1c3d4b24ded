package health.circles.security;

import static health.circles.Fixtures.contact;
import static health.circles.Fixtures.tie;
import static health.circles.TestTokens.as;
import static health.circles.TestTokens.asClinician;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import health.circles.Anonymous;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Clinical touchpoints keep their topic and outcome only for callers who see clinical detail of a participant. */
@QuarkusTest
@Anonymous
class TouchpointDisclosureApiTest {

    /**
     * Contacts and touchpoints of one test: a doctor treating "mine", a friend of both "mine" and "other", a clinical
     * touchpoint of each pair, one of the doctor with a colleague, and a non-clinical one.
     */
    private record World(UUID doctor, UUID mine, UUID other, UUID friend, UUID friendship,
                         String clinicalMine, String clinicalOther, String clinicalWithDoctor, String plain) {
    }

    private static World world() {
        UUID doctor = contact().physician().named("Tess", "Topic").fullRecord().create().uuid();
        UUID mine = contact().patient().named("Mara", "Mine").fullRecord().create().uuid();
        UUID other = contact().patient().named("Oren", "Other").fullRecord().create().uuid();
        UUID friend = contact().patient().named("Fay", "Friend").fullRecord().create().uuid();
        tie(doctor, mine).type("TREATS").create();
        UUID friendship = tie(other, friend).type("FRIEND_OF").create().uuid();
        UUID colleague = contact().physician().named("Cole", "Colleague").fullRecord().create().uuid();
        return new World(doctor, mine, other, friend, friendship,
                touchpoint(as("admin"), List.of(mine, friend), true, "insulin titration", "dose raised"),
                touchpoint(as("admin"), List.of(other, friend), true, "depression screening", "referred"),
                // with a colleague, not a patient: a clinician-patient touchpoint would infer a TREATS tie
                touchpoint(as("admin"), List.of(doctor, colleague), true, "wound care", "healing"),
                touchpoint(as("admin"), List.of(other, friend), false, "community picnic", "will come"));
    }

    private static String touchpoint(RequestSpecification as, List<UUID> participants, boolean clinical, String topic,
                                     String outcome) {
        return as.contentType(ContentType.JSON)
                .body(Map.of("participants", participants.stream().map(UUID::toString).toList(), "channel",
                        "IN_PERSON", "occurredAt", "2026-05-01T10:00:00Z",
                        "topic", topic, "outcome", outcome, "clinical", clinical))
                .when().post("/api/v1/touchpoints")
                .then().statusCode(201).extract().path("id");
    }

    @Test
    void outreachAndAnalystSeeNoClinicalTopicOrOutcomeButKeepNonClinicalOnes() {
        World w = world();
        for (String role : List.of("outreach", "analyst")) {
            for (String clinical : List.of(w.clinicalMine(), w.clinicalOther(), w.clinicalWithDoctor())) {
                as(role).when().get("/api/v1/touchpoints/" + clinical)
                        .then().statusCode(200)
                        .body("clinical", equalTo(true))
                        .body("channel", equalTo("IN_PERSON"))
                        .body("participants.size()", equalTo(2))
                        .body("topic", nullValue())
                        .body("outcome", nullValue());
            }
            as(role).when().get("/api/v1/touchpoints/" + w.plain())
                    .then().statusCode(200)
                    .body("clinical", equalTo(false))
                    .body("topic", equalTo("community picnic"))
                    .body("outcome", equalTo("will come"));
        }
    }

    @Test
    void clinicianSeesClinicalDetailOfOwnPatientsAndSelfOnly() {
        World w = world();
        Supplier<RequestSpecification> doctor = () -> asClinician("dr-topic-" + w.doctor(), w.doctor());
        doctor.get().when().get("/api/v1/touchpoints/" + w.clinicalMine())
                .then().statusCode(200).body("topic", equalTo("insulin titration")).body("outcome", equalTo("dose raised"));
        doctor.get().when().get("/api/v1/touchpoints/" + w.clinicalWithDoctor())
                .then().statusCode(200).body("topic", equalTo("wound care"));
        doctor.get().when().get("/api/v1/touchpoints/" + w.clinicalOther())
                .then().statusCode(200).body("topic", nullValue()).body("outcome", nullValue());
        doctor.get().when().get("/api/v1/touchpoints/" + w.plain())
                .then().statusCode(200).body("topic", equalTo("community picnic"));
    }

    @Test
    void clinicianWithoutTheTreatsTieSeesNoClinicalDetail() {
        World w = world();
        UUID stranger = contact().physician().named("Sam", "Stranger").fullRecord().create().uuid();
        asClinician("dr-stranger-" + stranger, stranger).when().get("/api/v1/touchpoints/" + w.clinicalMine())
                .then().statusCode(200).body("clinical", equalTo(true)).body("topic", nullValue()).body("outcome", nullValue());
        as("clinician").when().get("/api/v1/touchpoints/" + w.clinicalMine())  // no contact claim at all
                .then().statusCode(200).body("topic", nullValue());
        asClinician("dr-stranger-" + stranger, stranger).when().get("/api/v1/touchpoints/" + w.plain())
                .then().statusCode(200).body("topic", equalTo("community picnic"));
    }

    @Test
    void adminAndIntegrationSeeEverything() {
        World w = world();
        for (String role : List.of("admin", "integration")) {
            as(role).when().get("/api/v1/touchpoints/" + w.clinicalOther())
                    .then().statusCode(200).body("topic", equalTo("depression screening")).body("outcome", equalTo("referred"));
        }
    }

    @Test
    void contactHistoryIsFilteredPerTouchpointAndRole() {
        World w = world();
        String friendHistory = "/api/v1/contacts/" + w.friend() + "/touchpoints";
        Map<String, Map<String, Object>> outreach = byId(as("outreach").when().get(friendHistory));
        assertEquals(3, outreach.size());
        assertNull(outreach.get(w.clinicalMine()).get("topic"));
        assertNull(outreach.get(w.clinicalOther()).get("outcome"));
        assertEquals("community picnic", outreach.get(w.plain()).get("topic"));

        Map<String, Map<String, Object>> doctor = byId(asClinician("dr-topic-" + w.doctor(), w.doctor()).when().get(friendHistory));
        assertEquals("insulin titration", doctor.get(w.clinicalMine()).get("topic"));  // "mine" took part
        assertNull(doctor.get(w.clinicalOther()).get("topic"));
        assertEquals("community picnic", doctor.get(w.plain()).get("topic"));

        Map<String, Map<String, Object>> admin = byId(as("admin").when().get(friendHistory));
        assertEquals("depression screening", admin.get(w.clinicalOther()).get("topic"));
    }

    @Test
    void tieHistoryIsFilteredTheSameWay() {
        World w = world();
        String tieHistory = "/api/v1/ties/" + w.friendship() + "/touchpoints";
        for (String role : List.of("analyst", "outreach")) {
            Map<String, Map<String, Object>> seen = byId(as(role).when().get(tieHistory));
            assertEquals(2, seen.size());
            assertNull(seen.get(w.clinicalOther()).get("topic"));
            assertNull(seen.get(w.clinicalOther()).get("outcome"));
            assertEquals("will come", seen.get(w.plain()).get("outcome"));
        }
        Map<String, Map<String, Object>> integration = byId(as("integration").when().get(tieHistory));
        assertEquals("referred", integration.get(w.clinicalOther()).get("outcome"));
    }

    @Test
    void creationAnswerIsFilteredLikeAReadButTheTextIsStored() {
        UUID a = contact().patient().named("Cora", "Created").fullRecord().create().uuid();
        UUID b = contact().patient().named("Dino", "Created").fullRecord().create().uuid();
        String id = as("outreach").contentType(ContentType.JSON)
                .body(Map.of("participants", List.of(a.toString(), b.toString()), "channel", "PHONE",
                        "occurredAt", "2026-04-02T09:00:00Z", "topic", "medication question", "outcome", "call GP",
                        "clinical", true))
                .when().post("/api/v1/touchpoints")
                .then().statusCode(201)
                .body("clinical", equalTo(true))
                .body("topic", nullValue())
                .body("outcome", nullValue())
                .extract().path("id");
        as("outreach").contentType(ContentType.JSON)
                .body(Map.of("participants", List.of(a.toString(), b.toString()), "channel", "PHONE",
                        "occurredAt", "2026-04-03T09:00:00Z", "topic", "flyer", "outcome", "interested"))
                .when().post("/api/v1/touchpoints")
                .then().statusCode(201).body("topic", equalTo("flyer")).body("outcome", equalTo("interested"));
        as("admin").when().get("/api/v1/touchpoints/" + id)
                .then().statusCode(200).body("topic", equalTo("medication question")).body("outcome", equalTo("call GP"));
    }

    private static Map<String, Map<String, Object>> byId(Response response) {
        List<Map<String, Object>> items = response.then().statusCode(200).extract().path("items");
        Map<String, Map<String, Object>> byId = new java.util.HashMap<>();
        items.forEach(i -> byId.put((String) i.get("id"), i));
        return byId;
    }
}
