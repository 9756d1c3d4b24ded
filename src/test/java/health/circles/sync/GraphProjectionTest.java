package health.circles.sync;

import static health.circles.Fixtures.contact;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;

/** The outbox carries contact writes into Neo4j, as seen by querying Neo4j itself. */
@QuarkusTest
@AsRole("admin")
class GraphProjectionTest {

    @Inject
    Driver neo4j;

    @Inject
    Outbox outbox;

    @Inject
    GraphRelay relay;

    @Test
    void createdContactBecomesANodeWithoutPersonalData() {
        String id = contact().patient().named("Aisha", "Khan").email("aisha@example.org").phone("+1 555 010 2030")
                .tags("diabetes").consent("EMAIL", "GRANTED").create().id();

        Map<String, Object> node = awaitNode(id, n -> true);
        assertEquals(Set.of("id", "kind", "displayName", "v"), node.keySet(), "only what graph queries need");
        assertEquals("PATIENT", node.get("kind"));
        assertEquals("Aisha Khan", node.get("displayName"));
        assertEquals(List.of("Contact"), labels(id));
    }

    @Test
    void updatesAndDeletesReachTheGraph() {
        String id = contact().patient().named("Luis", "Rivera").create().id();
        awaitNode(id, n -> true);

        given().contentType("application/merge-patch+json; charset=UTF-8").header("If-Match", "\"0\"")
                .body("{\"kind\":\"CAREGIVER\",\"givenName\":\"Luís\"}")
                .when().patch("/api/v1/contacts/{id}", id)
                .then().statusCode(200);
        awaitNode(id, n -> "Luís Rivera".equals(n.get("displayName")) && "CAREGIVER".equals(n.get("kind")));

        given().header("If-Match", "\"1\"").when().delete("/api/v1/contacts/{id}", id).then().statusCode(204);
        await().atMost(Duration.ofSeconds(20)).until(() -> node(id).isEmpty());
    }

    @Test
    void replayedOlderChangeIsIgnored() {
        String id = contact().patient().named("Peter", "Moore").create().id();
        given().contentType("application/merge-patch+json").header("If-Match", "\"0\"").body("{\"familyName\":\"Moore-Clark\"}")
                .when().patch("/api/v1/contacts/{id}", id)
                .then().statusCode(200);
        awaitNode(id, n -> "Peter Moore-Clark".equals(n.get("displayName")));

        // The relay may deliver a change again after a failure: version 0 must not overwrite version 1.
        replay("contact.upserted", id, 0, Map.of("id", id, "kind", "PATIENT", "displayName", "Peter Moore",
                "version", 0));
        assertEquals("Peter Moore-Clark", node(id).orElseThrow().get("displayName"));
        assertEquals(1L, node(id).orElseThrow().get("v"));

        // Nor may an old upsert bring a deleted contact back.
        given().header("If-Match", "\"1\"").when().delete("/api/v1/contacts/{id}", id).then().statusCode(204);
        await().atMost(Duration.ofSeconds(20)).until(() -> node(id).isEmpty());
        replay("contact.upserted", id, 1, Map.of("id", id, "kind", "PATIENT", "displayName", "Peter Moore-Clark",
                "version", 1));
        assertTrue(node(id).isEmpty(), "a deleted contact stays deleted");
    }

    /** Appends a change to the outbox as a write would, and waits until the relay has applied it. */
    private void replay(String type, String id, long version, Map<String, Object> payload) {
        long position = QuarkusTransaction.requiringNew()
                .call(() -> outbox.append(type, UUID.fromString(id), version, payload));
        assertTrue(relay.awaitApplied(position, Duration.ofSeconds(20)), "the relay applied the replayed change");
    }

    private Map<String, Object> awaitNode(String id, java.util.function.Predicate<Map<String, Object>> condition) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> node(id), n -> n.isPresent() && condition.test(n.get()))
                .orElseThrow();
    }

    private Optional<Map<String, Object>> node(String id) {
        List<Record> records = neo4j.executableQuery("MATCH (c:Contact {id: $id}) RETURN properties(c) AS p")
                .withParameters(Map.of("id", id)).execute().records();
        return records.stream().findFirst().map(r -> r.get("p").asMap());
    }

    private List<String> labels(String id) {
        return neo4j.executableQuery("MATCH (c {id: $id}) WHERE c:Contact RETURN labels(c) AS l")
                .withParameters(Map.of("id", id)).execute().records().get(0).get("l").asList(v -> v.asString());
    }
}
