package health.circles.outreach;

import static health.circles.TestTokens.as;
import static health.circles.TestTokens.asClinician;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Who should know whom over HTTP, on small planted networks built through the API: a patient with three friends, and
 * around them contacts who know one or two of those friends (a peer mentor among them, one who is do-not-contact, one
 * known only through a tie that has ended).
 */
@QuarkusTest
@AsRole("admin")
class SuggestionApiTest {

    /** The patient, its friends and the contacts two ties away. */
    private record Planted(UUID patient, UUID f1, UUID f2, UUID f3, UUID mentor, UUID twoShared, UUID alsoTwo,
                           UUID doNotContact, UUID throughEndedTie) {
    }

    private static Planted plant() {
        UUID patient = person("PATIENT", false);
        UUID f1 = person("PATIENT", false);
        UUID f2 = person("PATIENT", false);
        UUID f3 = person("PATIENT", false);
        for (UUID f : List.of(f1, f2, f3)) {
            tie(patient, f);
        }
        UUID mentor = Fixtures.contact().kind("PATIENT").tags("peer-mentor").create().uuid();
        tie(mentor, f1);
        UUID twoShared = person("PATIENT", false);
        tie(twoShared, f1);
        tie(twoShared, f2);
        UUID alsoTwo = person("PATIENT", false);
        tie(alsoTwo, f1);
        tie(alsoTwo, f3);
        UUID dnc = person("PATIENT", true);
        tie(dnc, f1);
        tie(dnc, f2);
        tie(dnc, f3);
        UUID ended = person("PATIENT", false);
        Fixtures.tie(ended, f2).type("FRIEND_OF").since("2020-01-01").until("2021-01-01").create();
        return new Planted(patient, f1, f2, f3, mentor, twoShared, alsoTwo, dnc, ended);
    }

    @Test
    void contactsTwoTiesAwayAreProposedWithTheContactsBothKnowAndUsefulPairingsRankedUp() {
        Planted p = plant();
        JsonPath answer = suggestions(p.patient(), null);
        List<UUID> proposed = ids(answer);
        assertEquals(Set.of(p.twoShared(), p.alsoTwo(), p.mentor()), Set.copyOf(proposed), answer.prettify());
        assertEquals("ADAMIC_ADAR", answer.getString("measure"));
        Map<String, Object> two = suggestion(answer, p.twoShared());
        assertEquals(2, two.get("sharedCount"));
        assertEquals(Set.of(p.f1().toString(), p.f2().toString()), Set.copyOf(sharedIds(two)));
        // Adamic-Adar: 1/ln 5 (f1 has five ties) + 1/ln 3 (f2 has three active ties; its ended one does not count);
        // the mentor shares f1 only, but is a peer mentor for a patient, and counts twice.
        assertEquals(1 / Math.log(5) + 1 / Math.log(3), ((Number) two.get("score")).doubleValue(), 1e-4);
        Map<String, Object> mentor = suggestion(answer, p.mentor());
        assertEquals("peer mentor", mentor.get("pairing"));
        assertEquals(2 * ((Number) mentor.get("score")).doubleValue(), ((Number) mentor.get("rankScore")).doubleValue(),
                1e-3);
        assertEquals(null, two.get("pairing"));

        JsonPath common = suggestions(p.patient(), "COMMON_NEIGHBORS");
        assertEquals(2.0, ((Number) suggestion(common, p.alsoTwo()).get("score")).doubleValue(), 1e-9);
    }

    @Test
    void tiesThatEndedDoNotWeighOnTheScores() {
        // Scores come rounded to four places. The patient knows m1 and m2. Through m1 (active ties: the patient and b; four ended ones) it could meet b;
        // through m2 (active ties: the patient, c and d) c or d. Counting m1's ended ties (six ties) would put b below
        // c and d (1/ln 6 < 1/ln 3); over the active ties b shares a contact of two ties and comes first.
        UUID patient = person("PATIENT", false);
        UUID m1 = person("PATIENT", false);
        UUID m2 = person("PATIENT", false);
        UUID b = person("PATIENT", false);
        UUID c = person("PATIENT", false);
        UUID d = person("PATIENT", false);
        tie(patient, m1);
        tie(patient, m2);
        tie(m1, b);
        tie(m2, c);
        tie(m2, d);
        for (int i = 0; i < 4; i++) {
            Fixtures.tie(m1, person("PATIENT", false)).type("FRIEND_OF").since("2019-01-01").until("2020-01-01")
                    .create();
        }
        JsonPath answer = suggestions(patient, null);
        assertEquals(b, ids(answer).get(0), answer.prettify());
        assertEquals(Set.of(b, c, d), Set.copyOf(ids(answer)));
        assertEquals(1 / Math.log(2), ((Number) suggestion(answer, b).get("score")).doubleValue(), 1e-4);
        assertEquals(1 / Math.log(3), ((Number) suggestion(answer, c).get("score")).doubleValue(), 1e-4);
        JsonPath resource = suggestions(patient, "RESOURCE_ALLOCATION");
        assertEquals(0.5, ((Number) suggestion(resource, b).get("score")).doubleValue(), 1e-4);
        assertEquals(1 / 3.0, ((Number) suggestion(resource, d).get("score")).doubleValue(), 1e-4);
        JsonPath common = suggestions(patient, "COMMON_NEIGHBORS");
        assertEquals(1.0, ((Number) suggestion(common, b).get("score")).doubleValue(), 1e-4);
    }

    @Test
    void doNotContactContactsAndTiesThatEndedAreNeverSuggestions() {
        Planted p = plant();
        List<UUID> proposed = ids(suggestions(p.patient(), null));
        assertFalse(proposed.contains(p.doNotContact()), "do-not-contact proposed");
        assertFalse(proposed.contains(p.throughEndedTie()), "known only through an ended tie, proposed");
        accept(p.patient(), p.doNotContact(), "{}").then().statusCode(422).body("type", containsString("do-not-contact"));
        // Nor the other way round: a do-not-contact contact gets no suggestions, and is introduced to nobody.
        JsonPath theirs = suggestions(p.doNotContact(), null);
        assertEquals(List.of(), ids(theirs));
        assertTrue(theirs.getList("notes", String.class).stream().anyMatch(n -> n.contains("not to be contacted")));
        accept(p.doNotContact(), p.patient(), "{}").then().statusCode(422).body("type", containsString("do-not-contact"));
    }

    @Test
    void aDismissedSuggestionIsNotProposedAgainToEitherOfTheTwo() {
        Planted p = plant();
        given().post("/api/v1/contacts/" + p.patient() + "/suggestions/" + p.twoShared() + "/dismiss")
                .then().statusCode(204);
        assertFalse(ids(suggestions(p.patient(), null)).contains(p.twoShared()));
        assertFalse(ids(suggestions(p.twoShared(), null)).contains(p.patient()));
        assertTrue(ids(suggestions(p.patient(), null)).contains(p.alsoTwo()));
    }

    @Test
    void acceptingCreatesTheTieThroughTheNetworkAndTheSuggestionGoes() {
        Planted p = plant();
        var created = accept(p.patient(), p.alsoTwo(), "{\"type\":\"FRIEND_OF\",\"declaredStrength\":0.7}")
                .then().statusCode(201).header("Graph-Position", org.hamcrest.Matchers.notNullValue())
                .body("type", equalTo("FRIEND_OF")).extract().jsonPath();
        String tie = created.getString("id");
        given().get("/api/v1/ties/" + tie).then().statusCode(200)
                .body("from", equalTo(p.patient().toString())).body("to", equalTo(p.alsoTwo().toString()))
                .body("source", equalTo("MANUAL"));
        assertFalse(ids(suggestions(p.patient(), null)).contains(p.alsoTwo()), "a tie now, not a suggestion");
        // Tied now: accepting again is refused, as no suggestion (422) or, before the graph has the tie, as the
        // network's duplicate open tie (409).
        accept(p.patient(), p.alsoTwo(), "{}").then().statusCode(org.hamcrest.Matchers.anyOf(equalTo(409),
                equalTo(422)));
        // Two contacts with nothing in common: nothing suggests the tie.
        accept(p.patient(), person("PATIENT", false), "{}").then().statusCode(422);
    }

    @Test
    void aClinicianAsksOnlyForContactsTheySeeWholeAndNothingTellsOthersApart() {
        Planted p = plant();
        UUID doctor = Fixtures.contact().physician().create().uuid();
        asClinician("dr-" + doctor, doctor).get("/api/v1/contacts/" + p.patient() + "/suggestions")
                .then().statusCode(404).contentType("application/problem+json");
        String unknown = asClinician("dr-" + doctor, doctor).get("/api/v1/contacts/" + UUID.randomUUID()
                + "/suggestions").then().statusCode(404).extract().path("title");
        String hidden = asClinician("dr-" + doctor, doctor).get("/api/v1/contacts/" + p.patient() + "/suggestions")
                .then().statusCode(404).extract().path("title");
        assertEquals(unknown, hidden);
        asClinician("dr-" + doctor, doctor).contentType(ContentType.JSON).body("{}")
                .post("/api/v1/contacts/" + p.patient() + "/suggestions/" + p.alsoTwo() + "/accept").then().statusCode(404);
        Fixtures.tie(doctor, p.patient()).type("TREATS").create();
        asClinician("dr-" + doctor, doctor).get("/api/v1/contacts/" + p.patient() + "/suggestions")
                .then().statusCode(200).body("suggestions.contactId", hasItem(p.twoShared().toString()));
        // Outreach may look and dismiss, not create ties.
        as("outreach").get("/api/v1/contacts/" + p.patient() + "/suggestions").then().statusCode(200);
        as("outreach").contentType(ContentType.JSON).body("{}")
                .post("/api/v1/contacts/" + p.patient() + "/suggestions/" + p.alsoTwo() + "/accept").then().statusCode(403);
        as("analyst").get("/api/v1/contacts/" + p.patient() + "/suggestions").then().statusCode(403);
    }

    @Test
    void badRequestsAreProblems() {
        Planted p = plant();
        String base = "/api/v1/contacts/" + p.patient() + "/suggestions";
        given().queryParam("measure", "vibes").get(base).then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItem("measure"));
        given().queryParam("limit", "0").get(base).then().statusCode(400).body("errors.field", hasItem("limit"));
        given().queryParam("limit", "51").get(base).then().statusCode(400);
        given().get("/api/v1/contacts/not-a-uuid/suggestions").then().statusCode(400);
        given().get("/api/v1/contacts/" + UUID.randomUUID() + "/suggestions").then().statusCode(404);
        given().post(base + "/" + p.patient() + "/dismiss").then().statusCode(400);
        given().post(base + "/" + UUID.randomUUID() + "/dismiss").then().statusCode(404);
        accept(p.patient(), p.twoShared(), "{\"declaredStrength\":2}").then().statusCode(400);
        accept(p.patient(), p.twoShared(), "{\"type\":\"NO_SUCH_TYPE\"}").then().statusCode(org.hamcrest.Matchers.anyOf(
                equalTo(400), equalTo(422)));
    }

    private static UUID person(String kind, boolean doNotContact) {
        return Fixtures.contact().kind(kind).doNotContact(doNotContact).create().uuid();
    }

    private static void tie(UUID a, UUID b) {
        Fixtures.tie(a, b).type("FRIEND_OF").declaredStrength(1.0).create();
    }

    /** The suggestions once the graph has every write made before (a busy relay may lag behind the bounded wait). */
    private static JsonPath suggestions(UUID contact, String measure) {
        long until = System.currentTimeMillis() + 30_000;
        while (true) {
            var request = given();
            if (measure != null) {
                request = request.queryParam("measure", measure);
            }
            JsonPath answer = request.get("/api/v1/contacts/" + contact + "/suggestions").then().statusCode(200)
                    .contentType(ContentType.JSON).extract().jsonPath();
            if (answer.getList("notes", String.class).stream().noneMatch(n -> n.contains("had not all reached"))
                    || System.currentTimeMillis() > until) {
                return answer;
            }
        }
    }

    private static io.restassured.response.Response accept(UUID contact, UUID other, String body) {
        return given().contentType(ContentType.JSON).body(body)
                .post("/api/v1/contacts/" + contact + "/suggestions/" + other + "/accept");
    }

    private static List<UUID> ids(JsonPath answer) {
        return answer.getList("suggestions.contactId", String.class).stream().map(UUID::fromString).toList();
    }

    private static Map<String, Object> suggestion(JsonPath answer, UUID id) {
        return answer.getMap("suggestions.find { it.contactId == '" + id + "' }");
    }

    @SuppressWarnings("unchecked")
    private static List<String> sharedIds(Map<String, Object> suggestion) {
        return ((List<Map<String, Object>>) suggestion.get("shared")).stream().map(m -> (String) m.get("contactId"))
                .toList();
    }
}
