package health.circles.security;

import static health.circles.TestTokens.as;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.Factories;
import health.circles.graph.Graph;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;

/** Erasure: gone from both stores and every derived record, touchpoints anonymised, audit kept, idempotent. */
@QuarkusTest
class ErasureApiTest {

    @Inject
    AgroalDataSource db;

    @Inject
    Driver driver;

    @Inject
    Graph graph;

    @Test
    void erasedContactIsGoneFromBothStoresWithItsTiesAndItsPlaceInTouchpoints() throws SQLException {
        UUID erased = Factories.patient("Ernestine", "Zyxwvutson");
        UUID friend = Factories.patient("Fritz", "Friendly");
        UUID tie = Factories.tie(erased, friend, "FRIEND_OF", "met at clinic");
        UUID touchpoint = touchpoint(erased, friend);
        as("admin").when().get("/api/v1/contacts/" + erased).then().statusCode(200);
        awaitGraph("MATCH (c:Contact {id: $id}) RETURN count(c) AS n", erased, 1);

        as("admin").when().post("/api/v1/contacts/" + erased + "/erasure").then().statusCode(204);

        as("admin").when().get("/api/v1/contacts/" + erased).then().statusCode(404);
        as("admin").when().get("/api/v1/ties/" + tie).then().statusCode(404);
        as("admin").when().get("/api/v1/contacts/" + friend + "/ties").then().statusCode(200)
                .body("items.size()", equalTo(0));
        assertEquals(0, count("SELECT count(*) FROM touchpoint_participant WHERE contact_id = ?", erased));
        assertEquals(1, count("SELECT count(*) FROM touchpoint_participant WHERE contact_id = ?", friend));
        assertEquals(1, count("SELECT count(*) FROM touchpoint WHERE id = ? AND topic IS NULL AND outcome IS NULL",
                touchpoint));
        assertEquals(0, count("SELECT count(*) FROM search_lexicon WHERE word = 'zyxwvutson' AND ? IS NOT NULL", erased));
        assertEquals(1, count("SELECT count(*) FROM contact_erasure WHERE contact_id = ?", erased));
        assertTrue(count("SELECT count(*) FROM audit_event WHERE contact_ids @> ARRAY[?]::uuid[]", erased) >= 2,
                "the audit trail keeps the erased contact's id");
        assertEquals(0, count("SELECT count(*) FROM outbox WHERE aggregate_id = ? AND payload::text LIKE '%Zyxwvutson%'",
                erased));
        awaitGraph("MATCH (c:Contact {id: $id}) RETURN count(c) AS n", erased, 0);
        awaitGraph("MATCH ()-[t:TIE {id: $id}]-() RETURN count(t) AS n", tie, 0);
    }

    @Test
    void erasingTwiceAnswersAlikeAndUnknownIdsAreNotFound() {
        UUID erased = Factories.patient("Ida", "Idempotent");
        as("admin").when().delete("/api/v1/contacts/" + erased + "?erase=true").then().statusCode(204);
        as("admin").when().post("/api/v1/contacts/" + erased + "/erasure").then().statusCode(204);
        as("admin").when().delete("/api/v1/contacts/" + erased + "?erase=true").then().statusCode(204);
        as("admin").when().post("/api/v1/contacts/" + UUID.randomUUID() + "/erasure").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void onlyAdminsErase() {
        UUID patient = Factories.patient("Otis", "Onlyadmin");
        for (String role : new String[] {"clinician", "outreach", "analyst", "integration"}) {
            as(role).when().post("/api/v1/contacts/" + patient + "/erasure").then().statusCode(403);
        }
        as("admin").when().get("/api/v1/contacts/" + patient).then().statusCode(200);
    }

    @Test
    void erasureWorksWhileNeo4jIsDownAndReachesTheGraphWhenItReturns() {
        UUID erased = Factories.patient("Dana", "Downtime");
        awaitGraph("MATCH (c:Contact {id: $id}) RETURN count(c) AS n", erased, 1);
        graph.embedded().stop();
        try {
            as("admin").when().post("/api/v1/contacts/" + erased + "/erasure").then().statusCode(204);
            as("admin").when().get("/api/v1/contacts/" + erased).then().statusCode(404);
        } finally {
            graph.embedded().start();
        }
        awaitGraph("MATCH (c:Contact {id: $id}) RETURN count(c) AS n", erased, 0);
    }

    private UUID touchpoint(UUID... participants) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = db.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO touchpoint (id, channel, occurred_at, topic, outcome, clinical, created_at)
                    VALUES (?, 'HOME_VISIT', now(), 'diabetes follow-up', 'insulin adjusted', true, now())""")) {
                s.setObject(1, id);
                s.executeUpdate();
            }
            for (UUID p : participants) {
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO touchpoint_participant (touchpoint_id, contact_id) VALUES (?, ?)")) {
                    s.setObject(1, id);
                    s.setObject(2, p);
                    s.executeUpdate();
                }
            }
        }
        return id;
    }

    private long count(String sql, UUID param) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, param);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void awaitGraph(String cypher, UUID id, long expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long found = -1;
        while (System.nanoTime() < deadline) {
            try {
                found = driver.executableQuery(cypher).withParameters(Map.of("id", id.toString())).execute()
                        .records().get(0).get("n").asLong();
                if (found == expected) {
                    return;
                }
            } catch (RuntimeException e) {
                // the graph is coming back
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        assertFalse(true, cypher + " for " + id + ": expected " + expected + ", found " + found);
    }
}
