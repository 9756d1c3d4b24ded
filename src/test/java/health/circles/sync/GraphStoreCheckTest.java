package health.circles.sync;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.Sql;
import health.circles.imports.Networks;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;

/**
 * The relay's check that the graph store is the one PostgreSQL's applied changes went to: a store emptied or replaced
 * while PostgreSQL kept its data is rebuilt before anything is applied to it. Each test asks a check of its own, as the
 * relay does at its first drain after a start.
 */
@QuarkusTest
@AsRole("admin")
class GraphStoreCheckTest {

    @Inject
    AgroalDataSource db;

    @Inject
    Driver graph;

    @Inject
    GraphIdentityStore identity;

    @Inject
    GraphProjections projections;

    @Inject
    GraphRebuild rebuild;

    @Inject
    GraphVersionStore versions;

    private GraphStoreCheck newCheck() {
        return new GraphStoreCheck(identity, projections, rebuild, versions);
    }

    private void load(String prefix) {
        String location = given().contentType("application/x-ndjson")
                .body(Networks.ndjson(Networks.spec(prefix, 40, 100)).getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/imports").then().statusCode(202).extract().header("Location");
        await("import to succeed and the graph to catch up").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> given().get(location).then().extract().jsonPath().getString("state").equals("SUCCEEDED")
                        && given().get("/api/v1/admin/sync").then().extract().jsonPath().getLong("backlog") == 0);
    }

    private long sql(String query) {
        return Sql.query(db, query, List.of(), r -> r.getLong(1)).get(0);
    }

    private long cypher(String query) {
        return graph.executableQuery(query).execute().records().get(0).get(0).asLong();
    }

    private long rebuilds() {
        return sql("SELECT count(*) FROM graph_rebuild");
    }

    private void recordStore(String id) {
        Sql.update(db, "UPDATE sync_state SET graph_store_id = ? WHERE id = 1", Arrays.asList(id));
    }

    /** A new, empty store: what the graph is after its data directory was removed. */
    private void emptyTheGraph() {
        graph.executableQuery("MATCH ()-[t]->() DELETE t").execute();
        graph.executableQuery("MATCH (n) DELETE n").execute();
        assertEquals(0, cypher("MATCH (n) RETURN count(n)"));
    }

    private void assertInStep() {
        assertEquals(sql("SELECT count(*) FROM contact"), cypher("MATCH (c:Contact) RETURN count(c)"));
        assertEquals(sql("SELECT count(*) FROM tie WHERE assertion NOT IN ('CLAIMED', 'REJECTED')"),
                cypher("MATCH ()-[t:TIE]->() RETURN count(t)"));
    }

    @AfterEach
    void recordTheStoreAgain() {
        recordStore(identity.current());
    }

    @Test
    void theStoreHasAnIdOfItsOwnThatTheRelayRecorded() {
        String store = identity.current();
        assertFalse(store.isBlank());
        assertEquals(store, identity.current());
        // The relay's first drain after the start found both stores empty and recorded the graph's.
        await("the relay's first drain").atMost(Duration.ofSeconds(30)).until(() -> identity.recorded().isPresent());
        assertEquals(Optional.of(store), identity.recorded());
        assertTrue(newCheck().ready());
    }

    @Test
    void aStoreOtherThanTheRecordedOneIsRebuiltFromPostgresBeforeAnythingIsApplied() {
        load("gsa");
        recordStore("a-store-that-is-gone");
        emptyTheGraph();
        long before = rebuilds();

        assertTrue(newCheck().ready());

        assertInStep();
        assertEquals(before + 1, rebuilds());
        assertEquals("SUCCEEDED", Sql.query(db, "SELECT state FROM graph_rebuild ORDER BY started_at DESC LIMIT 1",
                List.of(), r -> r.getString(1)).get(0));
        assertEquals(Optional.of(identity.current()), identity.recorded());
        // The relay goes on from there: a later import reaches the rebuilt graph.
        load("gsb");
        assertInStep();
    }

    @Test
    void anEmptyStoreWithNoneRecordedIsRebuiltWhenPostgresHoldsContacts() {
        load("gsc");
        recordStore(null);
        emptyTheGraph();

        assertTrue(newCheck().ready());

        assertInStep();
        assertEquals(Optional.of(identity.current()), identity.recorded());
    }

    @Test
    void aGraphKeptFromBeforeStoresWereRecordedIsTakenAsItIs() {
        load("gsd");
        recordStore(null);
        long before = rebuilds();

        assertTrue(newCheck().ready());

        assertEquals(before, rebuilds());
        assertEquals(Optional.of(identity.current()), identity.recorded());
    }

    @Test
    void anotherStoreIsTakenAsItIsWhileNothingWasAppliedAnywhere() {
        load("gsf");
        recordStore("a-store-that-is-gone");
        List<Long> applied = Sql.query(db, "SELECT applied_position, applied_batches FROM sync_state WHERE id = 1",
                List.of(), r -> List.of(r.getLong(1), r.getLong(2))).get(0);
        long before = rebuilds();
        // As on a first start: the outbox still holds every change, which the relay applies to whichever store it finds.
        Sql.update(db, "UPDATE sync_state SET applied_position = 0, applied_batches = 0 WHERE id = 1", List.of());
        try {
            assertTrue(newCheck().ready());
        } finally {
            Sql.update(db, "UPDATE sync_state SET applied_position = ?, applied_batches = ? WHERE id = 1", applied);
        }
        assertEquals(before, rebuilds());
        assertEquals(Optional.of(identity.current()), identity.recorded());
    }

    @Test
    void anotherStoreWaitsWhileAnotherRebuildRunsAndIsRebuiltAfterIt() {
        load("gse");
        recordStore("a-store-that-is-gone");
        UUID running = UUID.randomUUID();
        Sql.update(db, "INSERT INTO graph_rebuild (id, state, started_at, heartbeat_at) VALUES (?, 'RUNNING', now(), now())",
                List.of(running));
        GraphStoreCheck check = newCheck();
        try {
            assertFalse(check.ready());
            assertEquals(Optional.of("a-store-that-is-gone"), identity.recorded());
        } finally {
            Sql.update(db, "DELETE FROM graph_rebuild WHERE id = ?", List.of(running));
        }
        assertTrue(check.ready());
        assertNotEquals(Optional.of("a-store-that-is-gone"), identity.recorded());
        assertInStep();
    }
}
