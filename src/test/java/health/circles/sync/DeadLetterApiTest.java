package health.circles.sync;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.Fixtures;
import health.circles.Management;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;

/**
 * Poisoned outbox rows: each fails its attempts (3 in tests) and becomes a dead letter while the rows behind it reach
 * the graph; operators list, retry and discard dead letters over HTTP.
 */
@QuarkusTest
@AsRole("admin")
class DeadLetterApiTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    AgroalDataSource db;

    @Inject
    Driver neo4j;

    @AfterEach
    void noDeadLetterOutlivesItsTest() {
        // Later tests expect a graph in step (state UP): give up on whatever this test left.
        for (Object position : given().queryParam("limit", 200).when().get("/api/v1/admin/sync/dead-letters")
                .then().statusCode(200).extract().jsonPath().getList("items.position")) {
            given().when().delete("/api/v1/admin/sync/dead-letters/{p}", position);
        }
    }

    @Test
    void rowOfAnUnknownTypeBecomesADeadLetterWhileTheRowsBehindItAreApplied() {
        UUID aggregate = UUID.randomUUID();
        long poisoned = insertOutboxRow("mystery.changed", aggregate, "{\"what\":\"nobody knows\"}");
        String behind = contact("Behind");

        await().atMost(WAIT).until(() -> inGraph(behind));
        JsonPath letter = awaitDeadLetter(poisoned);
        assertEquals("mystery.changed", letter.getString("type"));
        assertEquals(aggregate.toString(), letter.getString("aggregateId"));
        assertEquals(3, letter.getInt("attempts"), "max-attempts in tests");
        assertTrue(letter.getString("error").contains("No graph projection for outbox type mystery.changed"),
                letter.getString("error"));
        assertNotNull(letter.getString("firstFailedAt"));
        assertNotNull(letter.getString("deadAt"));
        assertEquals(0, outboxRows(poisoned), "the row left the outbox: it is not marked applied");

        given().when().get("/api/v1/admin/sync")
                .then().statusCode(200)
                .body("deadLetters", greaterThanOrEqualTo(1))
                .body("state", equalTo("DEGRADED"));
        Management.given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("checks.find { it.name == 'graph-sync' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'graph-sync' }.data.state", equalTo("DEGRADED"))
                .body("checks.find { it.name == 'graph-sync' }.data.deadLetters", greaterThanOrEqualTo(1));
        Management.given().when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("circles_sync_dead_letters_rows"))
                .body(containsString("circles_sync_backlog_rows"))
                .body(containsString("circles_sync_lag_seconds"))
                .body(containsString("circles_sync_applied_rows_total"));

        given().when().delete("/api/v1/admin/sync/dead-letters/{p}", poisoned).then().statusCode(204);
        given().when().delete("/api/v1/admin/sync/dead-letters/{p}", poisoned)
                .then().statusCode(404).contentType("application/problem+json");
        given().when().post("/api/v1/admin/sync/dead-letters/{p}/retry", poisoned)
                .then().statusCode(404).contentType("application/problem+json");
        given().when().get("/api/v1/admin/sync")
                .then().statusCode(200).body("deadLetters", equalTo(0)).body("state", equalTo("UP"));
        assertTrue(auditRows("discard", poisoned) >= 2, "discards are audited, refused ones too");
    }

    @Test
    void tieWhoseEndIsMissingFromTheGraphWaitsAsADeadLetterWithItsLaterChangesParkedUntilRetried() {
        String from = contact("Tie From");
        String to = contact("Tie To");
        await().atMost(WAIT).until(() -> inGraph(from) && inGraph(to));
        neo4j.executableQuery("MATCH (c:Contact {id: $id}) DETACH DELETE c").withParameters(Map.of("id", to)).execute();

        String tie = given().contentType(ContentType.JSON)
                .body(Map.of("from", from, "to", to, "type", "FRIEND_OF", "declaredStrength", 0.5))
                .when().post("/api/v1/ties").then().statusCode(201).extract().path("id");
        long poisoned = position("tie.upserted", tie);
        // A later change of the same tie must not overtake the one that failed.
        given().contentType(ContentType.JSON).header("If-Match", "\"0\"").body("{\"declaredStrength\":0.9}")
                .when().put("/api/v1/ties/" + tie).then().statusCode(200);
        String behind = contact("Behind Tie");

        await().atMost(WAIT).until(() -> inGraph(behind));
        JsonPath letter = awaitDeadLetter(poisoned);
        assertEquals(3, letter.getInt("attempts"));
        assertTrue(letter.getString("error").contains("missing from the graph"), letter.getString("error"));
        assertEquals(1, letter.getLong("parked"), "the tie's later change is parked behind it");
        assertEquals(0, tiesInGraph(tie), "neither change of the tie reached the graph");
        given().when().get("/api/v1/admin/sync").then().statusCode(200)
                .body("deadLetters", equalTo(1)).body("parked", equalTo(1));

        // The end comes back (a change to the contact sends it again), then the operator retries.
        given().contentType("application/merge-patch+json").header("If-Match", "\"0\"").body("{\"city\":\"Harbor\"}")
                .when().patch("/api/v1/contacts/{id}", to).then().statusCode(200);
        await().atMost(WAIT).until(() -> inGraph(to));
        given().when().post("/api/v1/admin/sync/dead-letters/{p}/retry", poisoned).then().statusCode(204);

        await().atMost(WAIT).until(() -> tieVersion(tie) == 1L);
        given().when().get("/api/v1/admin/sync").then().statusCode(200)
                .body("deadLetters", equalTo(0)).body("parked", equalTo(0)).body("state", equalTo("UP"));
        assertTrue(auditRows("retry", poisoned) >= 1, "the retry is audited");
    }

    @Test
    void erasingAContactDropsTheDeadLettersThatNameItAndItsNodeLeavesTheGraph() {
        String from = contact("Erased From");
        String to = contact("Erased To");
        await().atMost(WAIT).until(() -> inGraph(from) && inGraph(to));
        neo4j.executableQuery("MATCH (c:Contact {id: $id}) DETACH DELETE c").withParameters(Map.of("id", to)).execute();
        String tie = given().contentType(ContentType.JSON)
                .body(Map.of("from", from, "to", to, "type", "FRIEND_OF", "declaredStrength", 0.5))
                .when().post("/api/v1/ties").then().statusCode(201).extract().path("id");
        long poisoned = position("tie.upserted", tie);
        long behindContact = insertOutboxRow("mystery.about", UUID.fromString(from), "{\"who\":\"" + from + "\"}");
        awaitDeadLetter(poisoned);
        awaitDeadLetter(behindContact);

        given().when().post("/api/v1/contacts/" + from + "/erasure").then().statusCode(204);

        assertEquals(0, query("SELECT count(*) FROM outbox_dead_letter WHERE strpos(payload::text, ?) > 0 "
                + "OR aggregate_id = ?", from, UUID.fromString(from)), "no dead letter names the erased contact");
        // Nothing parks the removal of the node and its edges.
        await().atMost(WAIT).until(() -> !inGraph(from));
        assertEquals(0, tiesInGraph(tie));
    }

    /**
     * An import's ties travel as one row keyed by the job, so the deletion of one of them is not parked behind the
     * batch while it waits: the deletion reaches the graph first, and the retried batch must not bring the tie back.
     */
    @Test
    void importBatchAppliedAfterOneOfItsTiesWasDeletedLeavesThatTieOutOfTheGraph() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String contacts = """
                {"record":"contact","externalId":"dl-a-%1$s","kind":"PATIENT","givenName":"Ada","familyName":"Batch"}
                {"record":"contact","externalId":"dl-b-%1$s","kind":"PATIENT","givenName":"Bo","familyName":"Batch"}
                {"record":"contact","externalId":"dl-c-%1$s","kind":"PATIENT","givenName":"Cy","familyName":"Batch"}
                """.formatted(tag);
        awaitImported(importNdjson(contacts));
        String a = contactId("dl-a-" + tag);
        String c = contactId("dl-c-" + tag);
        await().atMost(WAIT).until(() -> inGraph(a) && inGraph(c));
        // The batch of ties fails while one of its ends is missing from the graph.
        neo4j.executableQuery("MATCH (n:Contact {id: $id}) DETACH DELETE n").withParameters(Map.of("id", c)).execute();

        String ties = """
                {"record":"tie","externalId":"dl-ab-%1$s","from":"dl-a-%1$s","to":"dl-b-%1$s","type":"FRIEND_OF"}
                {"record":"tie","externalId":"dl-ac-%1$s","from":"dl-a-%1$s","to":"dl-c-%1$s","type":"FRIEND_OF"}
                """.formatted(tag);
        String job = importNdjson(ties);
        awaitImported(job);
        UUID jobId = UUID.fromString(job.substring(job.lastIndexOf('/') + 1));
        String ab = tieId("dl-ab-" + tag);
        String ac = tieId("dl-ac-" + tag);
        // While the batch waits, one of its ties is deleted; the deletion is applied to the graph at once.
        given().header("If-Match", "\"0\"").when().delete("/api/v1/ties/{id}", ab).then().statusCode(204);
        long batch = query("SELECT position FROM outbox WHERE type = 'tie.upserted' AND aggregate_id = ? "
                + "UNION ALL SELECT position FROM outbox_dead_letter WHERE type = 'tie.upserted' AND aggregate_id = ?",
                jobId, jobId);
        awaitDeadLetter(batch);
        await().atMost(WAIT).until(() -> query("SELECT count(*) FROM outbox WHERE type = 'tie.deleted' "
                + "AND aggregate_id = ? AND applied_at IS NOT NULL", UUID.fromString(ab)) == 1);

        // The missing end comes back, and the operator retries the batch.
        given().contentType("application/merge-patch+json").header("If-Match", "\"0\"").body("{\"city\":\"Harbor\"}")
                .when().patch("/api/v1/contacts/{id}", c).then().statusCode(200);
        await().atMost(WAIT).until(() -> inGraph(c));
        given().when().post("/api/v1/admin/sync/dead-letters/{p}/retry", batch).then().statusCode(204);

        await().atMost(WAIT).until(() -> tiesInGraph(ac) == 1);
        await().atMost(WAIT).until(() -> query("SELECT count(*) FROM outbox WHERE position = ? "
                + "AND applied_at IS NOT NULL", batch) == 1);
        assertEquals(0, tiesInGraph(ab), "the deleted tie stays out of the graph");
        assertEquals(0, query("SELECT count(*) FROM tie WHERE id = ?", UUID.fromString(ab)));
    }

    @Test
    void deadLettersArePagedOldestFirstAndBadPositionsAre400() {
        long first = insertOutboxRow("mystery.first", UUID.randomUUID(), "{}");
        long second = insertOutboxRow("mystery.second", UUID.randomUUID(), "{}");
        awaitDeadLetter(first);
        awaitDeadLetter(second);

        JsonPath page = given().queryParam("limit", 1).when().get("/api/v1/admin/sync/dead-letters")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(first), page.getList("items.position", Long.class));
        String next = page.getString("next");
        assertNotNull(next);
        JsonPath rest = given().queryParam("limit", 1).queryParam("cursor", next)
                .when().get("/api/v1/admin/sync/dead-letters").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(second), rest.getList("items.position", Long.class));

        given().when().post("/api/v1/admin/sync/dead-letters/{p}/retry", "abc")
                .then().statusCode(400).contentType("application/problem+json");
        given().when().delete("/api/v1/admin/sync/dead-letters/{p}", "-1")
                .then().statusCode(400).contentType("application/problem+json");
        given().queryParam("cursor", "bm90LWEtY3Vyc29y").when().get("/api/v1/admin/sync/dead-letters")
                .then().statusCode(400).contentType("application/problem+json");
    }

    private JsonPath awaitDeadLetter(long position) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    JsonPath list = given().queryParam("limit", 200).when().get("/api/v1/admin/sync/dead-letters")
                            .then().statusCode(200).extract().jsonPath();
                    int at = list.getList("items.position", Long.class).indexOf(position);
                    return at < 0 ? null : JsonPath.from(list.prettify()).setRootPath("items[" + at + "]");
                }, j -> j != null);
    }

    private static String importNdjson(String body) {
        return given().contentType("application/x-ndjson").body(body.getBytes(StandardCharsets.UTF_8))
                .when().post("/api/v1/imports").then().statusCode(202).extract().header("Location");
    }

    private static void awaitImported(String location) {
        String state = await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> given().get(location).then().statusCode(200).extract().jsonPath().getString("state"),
                        s -> !List.of("QUEUED", "RUNNING").contains(s));
        assertEquals("SUCCEEDED", state);
    }

    private String contactId(String externalId) {
        return text("SELECT id::text FROM contact WHERE external_id = ?", externalId);
    }

    private String tieId(String externalId) {
        return text("SELECT id::text FROM tie WHERE external_id = ?", externalId);
    }

    private String text(String sql, Object param) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, param);
            try (ResultSet r = s.executeQuery()) {
                assertTrue(r.next(), sql + " " + param);
                return r.getString(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String contact(String family) {
        return Fixtures.contact().patient().named("Dead", family).create().id();
    }

    private boolean inGraph(String id) {
        return neo4j.executableQuery("MATCH (c:Contact {id: $id}) RETURN count(c) AS n")
                .withParameters(Map.of("id", id)).execute().records().get(0).get("n").asLong() == 1;
    }

    private long tiesInGraph(String id) {
        return neo4j.executableQuery("MATCH ()-[t:TIE {id: $id}]->() RETURN count(t) AS n")
                .withParameters(Map.of("id", id)).execute().records().get(0).get("n").asLong();
    }

    private Long tieVersion(String id) {
        var records = neo4j.executableQuery("MATCH ()-[t:TIE {id: $id}]->() RETURN t.v AS v")
                .withParameters(Map.of("id", id)).execute().records();
        return records.isEmpty() ? null : records.get(0).get("v").asLong();
    }

    private long insertOutboxRow(String type, UUID aggregate, String payload) {
        return query("""
                INSERT INTO outbox (type, aggregate_id, version, payload) VALUES (?, ?, 1, CAST(? AS jsonb))
                RETURNING position""", type, aggregate, payload);
    }

    private long position(String type, String aggregate) {
        return query("SELECT min(position) FROM outbox WHERE type = ? AND aggregate_id = ?", type,
                UUID.fromString(aggregate));
    }

    private long outboxRows(long position) {
        return query("SELECT count(*) FROM outbox WHERE position = ?", position);
    }

    private long auditRows(String action, long position) {
        return query("SELECT count(*) FROM audit_event WHERE resource_type = 'sync-dead-letter' AND action = ? "
                + "AND resource_id = ?", action, String.valueOf(position));
    }

    private long query(String sql, Object... params) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
