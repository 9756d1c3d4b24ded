package health.circles.sync;

import static health.circles.Fixtures.contact;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.Management;
import health.circles.graph.Graph;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;

/** Neo4j goes away and comes back: PostgreSQL takes every write meanwhile, and the graph catches up. */
@QuarkusTest
@AsRole("admin")
class GraphOutageTest {

    private static final Logger LOG = Logger.getLogger(GraphOutageTest.class);

    @Inject
    Graph graph;

    @Inject
    Driver neo4j;

    @Test
    void writesGoOnWhileNeo4jIsDownAndEveryNodeArrivesWhenItReturns() {
        List<String> ids = new ArrayList<>();
        long restartedAt;
        try {
            graph.embedded().stop();

            for (int i = 0; i < 5; i++) {
                ids.add(contact().patient().named("Outage", "Patient " + (char) ('A' + i)).create().id());
            }
            given().contentType("application/merge-patch+json").header("If-Match", "\"0\"").body("{\"city\":\"Harbor\"}")
                    .when().patch("/api/v1/contacts/{id}", ids.get(0))
                    .then().statusCode(200);

            JsonPath status = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(this::syncStatus, s -> "DEGRADED".equals(s.getString("state")));
            assertTrue(status.getLong("backlog") >= 6, "the writes wait in the outbox: " + status.prettify());
            assertTrue(status.getDouble("lagSeconds") > 0, "lag is reported: " + status.prettify());
            assertTrue(status.getString("lastError") != null, "the cause is reported: " + status.prettify());

            // A read that needs the graph is a 503 to retry, not a 500.
            given().queryParam("from", ids.get(0)).queryParam("to", ids.get(1)).when().get("/api/v1/paths")
                    .then().statusCode(503).contentType("application/problem+json")
                    .header("Retry-After", equalTo("5"))
                    .body("type", org.hamcrest.Matchers.endsWith("graph-unavailable"));

            Management.given().when().get("/q/health/ready")
                    .then().statusCode(200)
                    .body("status", equalTo("UP"))
                    .body("checks.find { it.name == 'graph-sync' }.status", equalTo("UP"))
                    .body("checks.find { it.name == 'graph-sync' }.data.state", equalTo("DEGRADED"));
        } finally {
            graph.embedded().start();
            restartedAt = System.nanoTime();
        }

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(this::syncStatus, s -> s.getLong("backlog") == 0 && "UP".equals(s.getString("state")));
        LOG.infof("Backlog drained %d ms after Neo4j restarted", (System.nanoTime() - restartedAt) / 1_000_000);

        List<Map<String, Object>> nodes = neo4j.executableQuery("""
                        MATCH (c:Contact) WHERE c.id IN $ids RETURN c.id AS id, c.v AS v ORDER BY c.id""")
                .withParameters(Map.of("ids", ids)).execute().records().stream().map(r -> r.asMap()).toList();
        assertEquals(ids.size(), nodes.size(), "every contact written during the outage is in the graph");
        assertTrue(nodes.stream().anyMatch(n -> ids.get(0).equals(n.get("id")) && Long.valueOf(1).equals(n.get("v"))),
                "the update made during the outage arrived too");
        Management.given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("checks.find { it.name == 'graph-sync' }.data.state", equalTo("UP"));
    }

    private JsonPath syncStatus() {
        return given().when().get("/api/v1/admin/sync").then().statusCode(200).extract().jsonPath();
    }
}
