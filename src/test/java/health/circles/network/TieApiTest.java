package health.circles.network;

import static health.circles.Fixtures.contact;
import static health.circles.Fixtures.tie;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import health.circles.AsRole;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@AsRole("admin")
class TieApiTest {

    @Inject
    GraphProbe graph;

    @Inject
    health.circles.contact.ContactNodes contactNodes;

    @Test
    void createdTieCanBeReadBackAndReachesTheGraph() {
        String doctor = contact().physician().create().id();
        String patient = contact().patient().create().id();
        var created = tie(doctor, patient).type("TREATS").since("2025-01-10").declaredStrength(0.8)
                .notes("GP since the move").post()
                .then().statusCode(201)
                .header("ETag", "\"0\"")
                .header("Graph-Position", notNullValue())
                .body("directed", equalTo(true))
                .body("active", equalTo(true))
                .body("strength", equalTo(0.8f))
                .body("source", equalTo("MANUAL"))
                .extract();
        String id = created.path("id");
        given().when().get(created.header("Location"))
                .then().statusCode(200)
                .body("from", equalTo(doctor))
                .body("to", equalTo(patient))
                .body("type", equalTo("TREATS"))
                .body("since", equalTo("2025-01-10"))
                .body("notes", equalTo("GP since the move"));

        Map<String, Object> edge = edge(id);
        assertEquals("TREATS", edge.get("type"));
        assertEquals(doctor, edge.get("from"));
        assertEquals(0.8, (Double) edge.get("strength"), 1e-9);
        assertNull(edge.get("untilDay"), "no end, no day it ends");
    }

    @Test
    void changingATieNeedsTheCurrentVersionAndRecomputesItsStrength() {
        String id = tie(contact().patient().create().id(), contact().patient().create().id()).type("FRIEND_OF")
                .declaredStrength(0.5).create().id();
        given().contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body("{\"declaredStrength\":0.9,\"since\":\"2020-05-01\",\"notes\":\"school friends\"}")
                .when().put("/api/v1/ties/" + id)
                .then().statusCode(200)
                .header("ETag", "\"1\"")
                .body("declaredStrength", equalTo(0.9f))
                .body("strength", equalTo(0.9f));
        given().contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body("{\"declaredStrength\":0.1}")
                .when().put("/api/v1/ties/" + id)
                .then().statusCode(412)
                .contentType("application/problem+json")
                .body("type", containsString("stale-version"));
    }

    @Test
    void endedTieStaysInHistoryButLeavesTheActiveNetwork() {
        String a = contact().patient().create().id();
        String b = contact().patient().create().id();
        String id = tie(a, b).type("NEIGHBOR_OF").declaredStrength(0.5).create().id();
        var ended = given().header("If-Match", "\"0\"").queryParam("until", "2026-01-01")
                .when().post("/api/v1/ties/" + id + "/end")
                .then().statusCode(200)
                .body("until", equalTo("2026-01-01"))
                .body("active", equalTo(false))
                .extract();
        given().queryParam("active", "false").when().get("/api/v1/contacts/" + a + "/ties")
                .then().statusCode(200).body("items.id", hasItem(id));
        given().queryParam("active", "true").when().get("/api/v1/contacts/" + a + "/ties")
                .then().statusCode(200).body("items", hasSize(0));
        // Once ended, a new tie of the same type may join them again.
        tie(b, a).type("NEIGHBOR_OF").declaredStrength(0.5).create();
        Map<String, Object> edge = edge(id);
        assertEquals("2026-01-01", edge.get("until").toString());
        // The end as a number too, which analytics projects (days since 1970-01-01).
        assertEquals(java.time.LocalDate.parse("2026-01-01").toEpochDay(), ((Number) edge.get("untilDay")).longValue());
    }

    @Test
    void deletedTieLeavesBothStores() {
        String id = tie(contact().patient().create().id(), contact().patient().create().id()).type("FAMILY_OF")
                .declaredStrength(0.5).create().id();
        var deleted = given().header("If-Match", "\"0\"").when().delete("/api/v1/ties/" + id)
                .then().statusCode(204).extract();
        given().when().get("/api/v1/ties/" + id).then().statusCode(404);
        assertEquals(0L, count("MATCH ()-[t:TIE {id: $id}]->() RETURN count(t) AS n", id));
    }

    @Test
    void deletingAContactRemovesItsTiesFromBothStores() {
        String leaving = contact().patient().create().id();
        String stays = contact().patient().create().id();
        String id = tie(leaving, stays).type("FRIEND_OF").declaredStrength(0.5).create().id();
        tie(contact().physician().create().id(), leaving).type("TREATS").declaredStrength(0.5).create();
        var deleted = given().header("If-Match", "\"0\"").when().delete("/api/v1/contacts/" + leaving).then().statusCode(204).extract();
        given().when().get("/api/v1/ties/" + id).then().statusCode(404);
        given().when().get("/api/v1/contacts/" + stays + "/ties").then().statusCode(200).body("items", hasSize(0));
        assertEquals(0L, count("MATCH (c:Contact {id: $id})-[t:TIE]-() RETURN count(t) AS n", leaving));
        assertEquals(0L, count("MATCH ()-[t:TIE {id: $id}]->() RETURN count(t) AS n", id));
    }

    @Test
    void relayingATieTwiceLeavesOneRelationship() {
        String id = tie(contact().patient().create().id(), contact().patient().create().id()).type("FRIEND_OF")
                .declaredStrength(0.5).create().id();
        Map<String, Object> edge = edge(id);
        // The relay delivers the tie's first change again after a failure: no second relationship, no rollback.
        Map<String, Object> first = new java.util.HashMap<>(Map.of("id", id, "from", edge.get("from"), "to", edge.get("to"),
                "type", "FRIEND_OF", "symmetric", true, "strength", 0.1, "version", 0L));
        first.put("since", null);
        first.put("until", null);
        // Once with the ends found by their index, once by the node ids their contacts' writes returned.
        graph.apply(new TieGraph(new health.circles.contact.ContactNodes()), TieGraph.UPSERTED, java.util.List.of(first));
        graph.apply(new TieGraph(contactNodes), TieGraph.UPSERTED, java.util.List.of(first));
        assertEquals(1L, count("MATCH ()-[t:TIE {id: $id}]->() RETURN count(t) AS n", id));
        assertEquals(0.5, (Double) edge(id).get("strength"), 1e-9, "an old change must not win");
    }

    @Test
    void tieToOneselfIsRejected() {
        String a = contact().patient().create().id();
        tie(a, a).type("FRIEND_OF").post()
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("to"));
    }

    @Test
    void tieToUnknownContactIsUnprocessable() {
        tie(contact().patient().create().id(), "00000000-0000-0000-0000-000000000001").type("FRIEND_OF").post()
                .then().statusCode(422).body("type", containsString("unknown-contact")).body("errors[0].field", equalTo("to"));
    }

    @Test
    void typeThatDoesNotFitTheKindsIsUnprocessable() {
        tie(contact().patient().create().id(), contact().physician().create().id()).type("TREATS").post()
                .then().statusCode(422).body("type", containsString("tie-kind-not-allowed"));
        tie(contact().patient().create().id(), contact().patient().create().id()).type("WORKS_AT").post()
                .then().statusCode(422);
        String org = contact().kind("ORGANIZATION").create().id();
        tie(contact().physician().create().id(), org).type("WORKS_AT").post().then().statusCode(201);
    }

    @Test
    void duplicateOpenTieOfTheSameTypeConflicts() {
        String doctor = contact().physician().create().id();
        String patient = contact().patient().create().id();
        tie(doctor, patient).type("TREATS").declaredStrength(0.5).create();
        tie(doctor, patient).type("TREATS").post()
                .then().statusCode(409).body("type", containsString("duplicate-tie"));
        // A different type between the same two is another relationship.
        tie(doctor, patient).type("COLLEAGUE_OF").post().then().statusCode(201);
    }

    @Test
    void symmetricTieTheOtherWayRoundIsADuplicate() {
        String a = contact().patient().create().id();
        String b = contact().patient().create().id();
        tie(a, b).type("FRIEND_OF").declaredStrength(0.5).create();
        tie(b, a).type("FRIEND_OF").post()
                .then().statusCode(409).body("type", containsString("duplicate-tie"));
        // Directed types have a direction: B CARES_FOR A is not A CARES_FOR B.
        tie(a, b).type("CARES_FOR").declaredStrength(0.5).create();
        tie(b, a).type("CARES_FOR").post().then().statusCode(201);
    }

    @Test
    void untilBeforeSinceIsRejected() {
        tie(contact().patient().create().id(), contact().patient().create().id()).type("FRIEND_OF")
                .since("2025-06-01").until("2025-01-01").post()
                .then().statusCode(400).body("errors[0].field", equalTo("until"));
    }

    @Test
    void malformedIdsAndParametersAreBadRequests() {
        given().when().get("/api/v1/ties/not-a-uuid").then().statusCode(400).contentType("application/problem+json");
        given().when().get("/api/v1/contacts/xyz/ties").then().statusCode(400);
        given().queryParam("active", "maybe").when().get("/api/v1/ties")
                .then().statusCode(400).body("errors[0].field", equalTo("active"));
        given().queryParam("type", "ENEMY_OF").when().get("/api/v1/ties").then().statusCode(400);
        tie("nope", contact().patient().create().id()).type("FRIEND_OF").post().then().statusCode(400);
        tie(contact().patient().create().id(), contact().patient().create().id()).type("FRIEND_OF")
                .declaredStrength(1.5).post()
                .then().statusCode(400);
        given().when().get("/api/v1/ties/00000000-0000-0000-0000-000000000002").then().statusCode(404);
    }

    @Test
    void inferredSourceCannotBeClaimedByClients() {
        tie(contact().patient().create().id(), contact().patient().create().id())
                .type("FRIEND_OF").set("source", "TOUCHPOINT").post()
                .then().statusCode(400).body("errors[0].field", equalTo("source"));
    }

    @Test
    void contactTiesListsBothDirectionsAndPages() {
        String centre = contact().patient().create().id();
        String t1 = tie(centre, contact().patient().create().id()).type("FRIEND_OF").declaredStrength(0.5)
                .create().id();
        String t2 = tie(contact().patient().create().id(), centre).type("FAMILY_OF").declaredStrength(0.5)
                .create().id();
        String t3 = tie(contact().physician().create().id(), centre).type("TREATS").declaredStrength(0.5).create().id();
        String next = given().queryParam("limit", 2).when().get("/api/v1/contacts/" + centre + "/ties")
                .then().statusCode(200).body("items", hasSize(2)).body("next", notNullValue())
                .extract().path("next");
        given().queryParam("limit", 2).queryParam("cursor", next).when().get("/api/v1/contacts/" + centre + "/ties")
                .then().statusCode(200).body("items", hasSize(1)).body("next", equalTo(null));
        given().queryParam("type", "TREATS").when().get("/api/v1/contacts/" + centre + "/ties")
                .then().statusCode(200).body("items.id", hasItem(t3)).body("items.id", not(hasItem(t1)))
                .body("items.id", not(hasItem(t2)));
    }

    private Map<String, Object> edge(String id) {
        return graph.edge(id);
    }

    private long count(String cypher, String id) {
        return graph.count(cypher, Map.of("id", id));
    }
}
