package health.circles.imports;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.TestTokens;
import health.circles.synthetic.SyntheticNetwork;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Import leases in one process: the lease is renewed on a timer while a batch takes its time, and a replica whose job
 * was taken over commits nothing more (its fencing token is refused), so every row is counted exactly once. The
 * two-process version, with a replica killed, is TwoReplicasIT.
 */
@QuarkusTest
@AsRole("admin")
class ImportLeaseTest {

    @Inject
    AgroalDataSource db;

    @Inject
    ImportRunner runner;

    @Inject
    ImportJobStore jobs;

    private ImportRunner.Pause pause;

    @AfterEach
    void release() {
        runner.pause(null);
        if (pause != null) {
            pause.released.countDown();
        }
    }

    @Test
    void aLongBatchKeepsItsLeaseAndAJobTakenOverIsNeverCountedTwice() throws Exception {
        SyntheticNetwork.Spec spec = Networks.spec("lease-", 90, 60);
        long[] counts = Networks.counts(spec);
        long rows = counts[0] + counts[1] + counts[2];
        pause = new ImportRunner.Pause(2);
        runner.pause(pause);
        String location = ImportApiTest.start(Networks.ndjson(spec), "application/x-ndjson", "?batchSize=30");
        UUID id = UUID.fromString(location.substring(location.lastIndexOf('/') + 1));
        assertTrue(pause.reached.await(30, TimeUnit.SECONDS), "batch 2 reached its checkpoint");

        // Batch 2 is held past several heartbeats: the timer renews the lease although no batch commits.
        Timestamp before = heartbeat(id);
        long token = lease(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> heartbeat(id).after(before));
        assertEquals(1, given().get(location).then().extract().jsonPath().getInt("batches"));
        assertTrue(jobs.heartbeat(new ImportJobStore.Lease(id, token)), "the holder's lease is current");

        // Another replica takes the job over (as claimNext does once the lease looks stale): a new fencing token.
        update("UPDATE import_job SET lease_token = lease_token + 1, lease_owner = 'other-replica', "
                + "heartbeat_at = now() WHERE id = ?", id);
        assertFalse(jobs.heartbeat(new ImportJobStore.Lease(id, token)), "the old token no longer renews");
        assertFalse(jobs.finish(new ImportJobStore.Lease(id, token), ImportState.FAILED, "stale"),
                "nor ends the job");

        // The stalled batch wakes up: its checkpoint is refused, its rows roll back, and this replica stops.
        pause.released.countDown();
        runner.pause(null);
        await().atMost(Duration.ofSeconds(10)).until(() -> count("SELECT count(*) FROM contact "
                + "WHERE external_id LIKE 'lease-%'") == 30 && !runnerHolds(id, token));
        JsonPath stalled = given().get(location).then().extract().jsonPath();
        assertEquals("RUNNING", stalled.getString("state"), "still the other replica's job");
        assertEquals(1, stalled.getInt("batches"), "batch 2 was not counted");
        assertEquals(30, count("SELECT count(*) FROM contact WHERE external_id LIKE 'lease-%'"),
                "batch 2's contacts rolled back");
        assertEquals(30, count("SELECT coalesce(sum(items), 0) FROM outbox WHERE aggregate_id = '" + id + "'"),
                "the graph is sent batch 1 only");

        // The other replica dies too: its lease goes stale, a resume hands the job back, and it ends exactly once.
        ImportApiTest.resumeOrphaned(db, location, given());
        JsonPath done = ImportApiTest.awaitFinished(location);
        assertEquals("SUCCEEDED", done.getString("state"));
        assertEquals(rows, done.getLong("counts.inserted"), "every row counted once");
        assertEquals(90, count("SELECT count(*) FROM contact WHERE external_id LIKE 'lease-%'"));
        assertEquals(token + 2, lease(id), "claimed three times: this replica, the other, this one again");
        assertEquals(0, count("SELECT count(*) - count(DISTINCT (type, version)) FROM outbox WHERE aggregate_id = '"
                + id + "'"), "no batch sent to the graph twice");
        assertEquals(counts[1], count("SELECT count(*) FROM tie WHERE external_id LIKE 'lease-%'"));
        assertEquals(2, count("SELECT jsonb_array_length(lease_history) FROM import_job WHERE id = '" + id + "'"),
                "the two claims by a runner are recorded (the simulated replica wrote none)");
    }

    @Test
    void anErasureWaitsForTheImportBatchInFlight() throws Exception {
        // A batch looks at the erasure register, then loads and writes contacts: an erasure committing in between
        // would be missed, and the person written anew under a new id. So an erasure waits for the batch.
        UUID bystander = health.circles.Fixtures.contact().patient().create().uuid();
        pause = new ImportRunner.Pause(1);
        runner.pause(pause);
        String location = ImportApiTest.start(Networks.ndjson(Networks.spec("erase-wait-", 60, 30)),
                "application/x-ndjson", "?batchSize=30");
        assertTrue(pause.reached.await(30, TimeUnit.SECONDS), "batch 1 reached its checkpoint");
        CompletableFuture<Integer> erasure = CompletableFuture.supplyAsync(() -> TestTokens.as("admin")
                .when().post("/api/v1/contacts/" + bystander + "/erasure").then().extract().statusCode());
        assertThrows(TimeoutException.class, () -> erasure.get(3, TimeUnit.SECONDS),
                "the erasure committed while an import batch was in flight");
        pause.released.countDown();
        runner.pause(null);
        assertEquals(204, erasure.get(30, TimeUnit.SECONDS));
        assertEquals("SUCCEEDED", ImportApiTest.awaitFinished(location).getString("state"));
        assertEquals(0, count("SELECT count(*) FROM contact WHERE id = '" + bystander + "'"));
    }

    private boolean runnerHolds(UUID id, long token) {
        ImportJobStore.Lease held = runner.heldLease();
        return held != null && held.equals(new ImportJobStore.Lease(id, token));
    }

    private Timestamp heartbeat(UUID id) throws Exception {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT heartbeat_at FROM import_job WHERE id = ?")) {
            s.setObject(1, id);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getTimestamp(1);
            }
        }
    }

    private long lease(UUID id) throws Exception {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT lease_token FROM import_job WHERE id = ?")) {
            s.setObject(1, id);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private void update(String sql, UUID id) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, id);
            assertEquals(1, s.executeUpdate());
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql);
             ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }
}
