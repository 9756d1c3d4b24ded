package health.circles.sync;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.imports.Networks;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;

@QuarkusTest
@AsRole("admin")
class ReconcileApiTest {

    @Inject
    AgroalDataSource db;

    @Inject
    Driver graph;

    private void load(String prefix) {
        String location = given().contentType("application/x-ndjson").body(Networks.ndjson(Networks.spec(prefix, 60, 150)).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .post("/api/v1/imports").then().statusCode(202).extract().header("Location");
        // One minute for both: the import to succeed, then the graph to catch up with it.
        await("import to succeed and the graph to catch up").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> given().get(location).then().extract().jsonPath().getString("state").equals("SUCCEEDED")
                        && given().get("/api/v1/admin/sync").then().extract().jsonPath().getLong("backlog") == 0);
    }

    private long sql(String query) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(query);
             ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    private long cypher(String query) {
        return graph.executableQuery(query).execute().records().get(0).get(0).asLong();
    }

    private String someContact(String prefix, int n) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT id::text FROM contact WHERE external_id = ?")) {
            s.setString(1, prefix + "c" + n);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getString(1);
            }
        }
    }

    private void cypherWrite(String query, Map<String, Object> params) {
        graph.executableQuery(query).withParameters(params).execute();
    }

    /** Deletes, adds and alters nodes and relationships behind the relay's back. */
    private void damage(String prefix) throws Exception {
        cypherWrite("MATCH (c:Contact {id: $id}) DETACH DELETE c", Map.of("id", someContact(prefix, 5)));
        cypherWrite("MATCH (c:Contact {id: $id}) SET c.displayName = 'Somebody Else'", Map.of("id", someContact(prefix, 6)));
        cypherWrite("MATCH (:Contact {id: $id})-[t:TIE]-() WITH t LIMIT 2 DELETE t", Map.of("id", someContact(prefix, 7)));
        cypherWrite("MATCH (:Contact {id: $id})-[t:TIE]-() WITH t LIMIT 1 SET t.strength = 42.0", Map.of("id", someContact(prefix, 8)));
        cypherWrite("CREATE (:Contact {id: 'ffffffff-0000-0000-0000-000000000000', kind: 'PATIENT', v: 1})", Map.of());
        cypherWrite("""
                MATCH (a:Contact {id: $a}), (b:Contact {id: $b})
                CREATE (a)-[:TIE {id: '00000000-0000-0000-0000-0000000000ff', type: 'FRIEND_OF', strength: 1.0, v: 1}]->(b)""",
                Map.of("a", someContact(prefix, 9), "b", someContact(prefix, 10)));
    }

    private void assertInStep() throws Exception {
        assertEquals(sql("SELECT count(*) FROM contact"), cypher("MATCH (c:Contact) RETURN count(c)"));
        // Pending and rejected claims of care relationships are not in the graph.
        assertEquals(sql("SELECT count(*) FROM tie WHERE assertion NOT IN ('CLAIMED', 'REJECTED')"),
                cypher("MATCH ()-[t:TIE]->() RETURN count(t)"));
    }

    @Test
    void reconcileRepairsMissingExtraAndStaleNodesAndTies() throws Exception {
        load("rec-");
        damage("rec-");

        JsonPath report = given().post("/api/v1/admin/sync/reconcile").then().statusCode(200).extract().jsonPath();

        assertEquals(1, report.getLong("repaired.contactsMissing.count"), report.prettify());
        assertEquals(1, report.getLong("repaired.contactsExtra.count"));
        assertEquals(1, report.getLong("repaired.contactsStale.count"));
        assertTrue(report.getLong("repaired.tiesMissing.count") >= 3, "the two deleted and the removed node's ties");
        assertEquals(1, report.getLong("repaired.tiesExtra.count"));
        assertEquals(1, report.getLong("repaired.tiesStale.count"));
        assertEquals("ffffffff-0000-0000-0000-000000000000", report.getString("repaired.contactsExtra.sampleIds[0]"));
        assertInStep();
        assertEquals(0, cypher("MATCH (c:Contact {displayName: 'Somebody Else'}) RETURN count(c)"));
        given().post("/api/v1/admin/sync/reconcile").then().statusCode(200)
                .body("repaired.tiesMissing.count", equalTo(0))
                .body("repaired.contactsStale.count", equalTo(0))
                .body("repaired.tiesStale.count", equalTo(0));
    }

    /** A reconcile does not wait out a rebuild, which holds the graph for minutes: it is refused at once. */
    @Test
    void aReconcileWhileARebuildRunsIsRefusedAtOnce() throws Exception {
        java.util.UUID running = java.util.UUID.randomUUID();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                INSERT INTO graph_rebuild (id, state, started_at, heartbeat_at)
                VALUES (?, 'RUNNING', now() + interval '1 minute', now())""")) {
            s.setObject(1, running);
            s.executeUpdate();
        }
        try {
            given().post("/api/v1/admin/sync/reconcile").then().statusCode(409)
                    .contentType("application/problem+json").body("type", org.hamcrest.Matchers.endsWith("rebuild-running"));
        } finally {
            try (Connection c = db.getConnection();
                 PreparedStatement s = c.prepareStatement("DELETE FROM graph_rebuild WHERE id = ?")) {
                s.setObject(1, running);
                s.executeUpdate();
            }
        }
        given().post("/api/v1/admin/sync/reconcile").then().statusCode(200);
    }

    @Test
    void aRebuildWhoseProcessDiedIsEndedByTheNextAndTheStatusSaysSoMeanwhile() throws Exception {
        java.util.UUID dead = java.util.UUID.randomUUID();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                INSERT INTO graph_rebuild (id, state, started_at, heartbeat_at)
                VALUES (?, 'RUNNING', now() - interval '2 hours', now() - interval '1 hour')""")) {
            s.setObject(1, dead);
            s.executeUpdate();
        }
        String location = given().post("/api/v1/admin/sync/rebuild").then().statusCode(202)
                .extract().header("Location");
        given().get("/api/v1/admin/sync/rebuild/" + dead).then().statusCode(200).body("state", equalTo("FAILED"))
                .body("error", org.hamcrest.Matchers.startsWith("abandoned"));
        await("rebuild to finish").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> !given().get(location).then().extract().jsonPath().getString("state").equals("RUNNING"));
        given().get(location).then().body("state", equalTo("SUCCEEDED"));
        // A failed latest rebuild leaves the graph in doubt: DEGRADED, naming it, until another succeeds.
        java.util.UUID failed = java.util.UUID.randomUUID();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                INSERT INTO graph_rebuild (id, state, error, started_at, finished_at)
                VALUES (?, 'FAILED', 'Neo4j went away', now() + interval '1 second', now() + interval '1 second')""")) {
            s.setObject(1, failed);
            s.executeUpdate();
        }
        given().get("/api/v1/admin/sync").then().statusCode(200).body("state", equalTo("DEGRADED"))
                .body("lastError", org.hamcrest.Matchers.containsString(failed.toString()));
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE graph_rebuild SET started_at = now() - interval '1 day' WHERE id = ?")) {
            s.setObject(1, failed);
            s.executeUpdate();
        }
        given().get("/api/v1/admin/sync").then().statusCode(200)
                .body("lastError", org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("graph rebuild")));
    }

    @Test
    void rebuildReloadsTheGraphFromPostgresWithProgress() throws Exception {
        load("reb-");
        damage("reb-");

        String location = given().post("/api/v1/admin/sync/rebuild").then().statusCode(202)
                .body("state", equalTo("RUNNING")).extract().header("Location");
        JsonPath job = await("rebuild to finish").atMost(Duration.ofSeconds(60)).pollDelay(Duration.ofMillis(100))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> given().get(location).then().statusCode(200).extract().jsonPath(),
                        j -> !j.getString("state").equals("RUNNING"));

        assertEquals("SUCCEEDED", job.getString("state"), job.prettify());
        assertEquals(100.0, job.getDouble("percent"));
        assertEquals(job.getLong("total"), job.getLong("done"));
        assertInStep();
        JsonPath report = given().post("/api/v1/admin/sync/reconcile").then().statusCode(200).extract().jsonPath();
        assertEquals(0, report.getLong("repaired.contactsMissing.count") + report.getLong("repaired.contactsExtra.count")
                + report.getLong("repaired.contactsStale.count") + report.getLong("repaired.tiesMissing.count")
                + report.getLong("repaired.tiesExtra.count") + report.getLong("repaired.tiesStale.count"), report.prettify());
    }
}
