package health.circles.network;

import static health.circles.Fixtures.contact;
import static health.circles.Fixtures.tie;
import static health.circles.Fixtures.touchpoint;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@AsRole("admin")
class TieStrengthTest {

    @Inject
    GraphProbe graph;

    @Inject
    StrengthService strengths;

    @Test
    void touchpointAddsItsChannelWeightToTheTieAndTheGraphSeesIt() {
        String doctor = contact().physician().create().id();
        String patient = contact().patient().create().id();
        String id = tie(doctor, patient).type("TREATS").declaredStrength(0.5).create().id();
        var recorded = touchpoint("HOME_VISIT", doctor, patient).create();
        assertEquals(id, recorded.path("ties[0].id"));
        assertEquals(false, recorded.path("ties[0].inferred"));
        assertEquals(0.583, strength(id), 1e-3);
        assertEquals(0.583, (Double) graph.edge(id).get("strength"), 1e-3);
    }

    @Test
    void onTheGroundWeighsMoreThanOnline() {
        String a = contact().patient().create().id();
        String b = contact().patient().create().id();
        String c = contact().patient().create().id();
        String inPerson = tie(a, b).type("FRIEND_OF").declaredStrength(0.2).create().id();
        String online = tie(a, c).type("FRIEND_OF").declaredStrength(0.2).create().id();
        touchpoint("IN_PERSON", a, b).create();
        touchpoint("SOCIAL", a, c).create();
        assertTrue(strength(inPerson) > strength(online));
        assertEquals(0.267, strength(inPerson), 1e-3);
        assertEquals(0.207, strength(online), 1e-3);
    }

    @Test
    void aTouchpointOneHalfLifeAgoCountsHalf() {
        String a = contact().patient().create().id();
        String b = contact().patient().create().id();
        String id = tie(a, b).type("FAMILY_OF").declaredStrength(0.0).create().id();
        touchpoint("HOME_VISIT", a, b).at(Instant.now().minus(Duration.ofDays(90))).create();
        assertEquals(0.0415, strength(id), 1e-4);
    }

    @Test
    void strengthIsCappedAtOne() {
        String a = contact().patient().create().id();
        String b = contact().patient().create().id();
        String id = tie(a, b).type("FAMILY_OF").declaredStrength(0.6).create().id();
        for (int i = 0; i < 10; i++) {
            touchpoint("HOME_VISIT", a, b).create();
        }
        assertEquals(1.0, strength(id), 1e-5); // the last few are within min-change of the cap
        assertEquals(1.0, (Double) graph.edge(id).get("strength"), 1e-5);
    }

    @Test
    void tieCreatedAfterTouchpointsStartsWithTheirWeight() {
        String a = contact().caregiver().create().id();
        String b = contact().patient().create().id();
        String c = contact().patient().create().id();
        touchpoint("PHONE", a, b, c).create(); // infers FRIEND_OF between each two of them
        String id = tie(a, b).type("CARES_FOR").declaredStrength(0.5).create().id();
        assertEquals(0.533, strength(id), 1e-3);
    }

    @Test
    void touchpointWithoutATieInfersOneForEachPair() {
        String doctor = contact().physician().create().id();
        String patient = contact().patient().create().id();
        String carer = contact().caregiver().create().id();
        String clinic = contact().kind("ORGANIZATION").create().id();
        var recorded = touchpoint("IN_PERSON", doctor, patient, carer, clinic).create();
        List<Map<String, Object>> ties = recorded.path("ties");
        // Five of the six pairs: a clinician and a patient get none, as TREATS grants access and is never inferred.
        assertEquals(5, ties.size());
        ties.forEach(t -> assertEquals(true, t.get("inferred")));
        assertEquals(java.util.Optional.empty(), find(ties, doctor, patient));
        assertEquals("COLLEAGUE_OF", between(ties, doctor, carer).get("type"));
        assertEquals("FRIEND_OF", between(ties, patient, carer).get("type"));
        assertEquals("MEMBER_OF", between(ties, clinic, patient).get("type"));
        assertEquals(patient, between(ties, clinic, patient).get("from"));
        String id = (String) between(ties, patient, carer).get("id");
        given().when().get("/api/v1/ties/" + id).then().statusCode(200)
                .body("source", org.hamcrest.Matchers.equalTo("TOUCHPOINT"))
                .body("assertion", org.hamcrest.Matchers.equalTo("INFERRED"))
                .body("declaredStrength", org.hamcrest.Matchers.equalTo(0.0f));
        assertEquals(0.067, (Double) graph.edge(id).get("strength"), 1e-3);
        // A second touchpoint strengthens the inferred tie rather than inferring another.
        var again = touchpoint("IN_PERSON", patient, carer).create();
        assertEquals(id, again.path("ties[0].id"));
        assertEquals(false, again.path("ties[0].inferred"));
    }

    @Test
    void largeTouchpointsStrengthenExistingTiesButInferNone() {
        String[] crowd = new String[11];
        for (int i = 0; i < crowd.length; i++) {
            crowd[i] = contact().patient().create().id();
        }
        String id = tie(crowd[0], crowd[1]).type("NEIGHBOR_OF").declaredStrength(0.5).create().id();
        var recorded = touchpoint("EVENT", crowd).create();
        assertEquals(List.of(id), ((List<Map<String, Object>>) recorded.path("ties")).stream().map(t -> t.get("id")).toList());
    }

    @Test
    void refreshLetsStrengthDecayAndSendsItToTheGraph() {
        String a = contact().patient().create().id();
        String b = contact().patient().create().id();
        String id = tie(a, b).type("FRIEND_OF").declaredStrength(0.0).create().id();
        touchpoint("HOME_VISIT", a, b).create();
        assertEquals(0.083, strength(id), 1e-3);
        int changed = strengths.refresh(Instant.now().plus(Duration.ofDays(180)));
        assertTrue(changed >= 1);
        assertEquals(0.02075, strength(id), 1e-4);
        assertEquals(0.02075, (Double) graph.edge(id).get("strength"), 1e-4);
    }

    @Test
    void recomputingPairsIsIdempotent() {
        String a = contact().patient().create().id();
        String b = contact().patient().create().id();
        String id = tie(a, b).type("FRIEND_OF").declaredStrength(0.5).create().id();
        touchpoint("EMAIL", a, b).create();
        var pair = ContactPair.of(java.util.UUID.fromString(b), java.util.UUID.fromString(a));
        StrengthService.Recomputed done = strengths.recompute(List.of(pair));
        assertEquals(List.of(), done.changed(), "nothing changed since the touchpoint");
        assertEquals(0.513, strength(id), 1e-3);
    }

    private static Map<String, Object> between(List<Map<String, Object>> ties, String x, String y) {
        return find(ties, x, y).orElseThrow();
    }

    private static java.util.Optional<Map<String, Object>> find(List<Map<String, Object>> ties, String x, String y) {
        return ties.stream()
                .filter(t -> t.get("from").equals(x) && t.get("to").equals(y) || t.get("from").equals(y) && t.get("to").equals(x))
                .findFirst();
    }

    private static double strength(String tie) {
        return given().when().get("/api/v1/ties/" + tie).then().statusCode(200).extract().jsonPath().getDouble("strength");
    }
}
