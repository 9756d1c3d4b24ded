package health.circles.sync;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.Management;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Relay batches stop at the payload-size bound, and a row larger than the bound still goes, alone. */
@QuarkusTest
@AsRole("admin")
@TestProfile(RelayBatchTest.SmallBatches.class)
class RelayBatchTest {

    /** A 4 KiB payload bound, so that a few small rows show where a batch stops; a fresh database of its own. */
    public static class SmallBatches implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("circles.sync.max-bytes", "4096");
        }
    }

    @Inject
    AgroalDataSource db;

    @Test
    void batchesStopAtThePayloadBoundAndAnOversizedRowGoesAlone() throws Exception {
        // Removals of ties the graph never held: no-ops in Neo4j, so only the batching is seen. One statement, so
        // the relay finds all six pending at once.
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                INSERT INTO outbox (type, aggregate_id, version, payload)
                SELECT 'tie.deleted', gen_random_uuid(), 1,
                       jsonb_build_object('id', gen_random_uuid()::text, 'version', 1, 'pad', repeat('x', size))
                FROM unnest(ARRAY[1200, 1200, 1200, 3000, 3000, 10000]) WITH ORDINALITY AS t(size, n)
                ORDER BY n""")) {
            assertEquals(6, s.executeUpdate());
        }

        await().atMost(Duration.ofSeconds(60)).until(
                () -> given().get("/api/v1/admin/sync").then().extract().jsonPath().getLong("backlog") == 0);

        String metrics = Management.given().get("/q/metrics").then().statusCode(200).extract().asString();
        // [1200 ×3] [3000] [3000] [10000]: the fourth row would have passed 4096 bytes, and the last one is
        // larger than the bound on its own.
        assertEquals(4, metric(metrics, "circles_sync_batch_rows_count"), metrics);
        assertEquals(6, metric(metrics, "circles_sync_batch_rows_sum"));
        assertEquals(3, metric(metrics, "circles_sync_batch_rows_max"));
        assertTrue(metric(metrics, "circles_sync_batch_payload_bytes_max") > 10_000);
        assertEquals(6, metric(metrics, "circles_sync_applied_rows_total"));
    }

    private static double metric(String text, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(text);
        assertTrue(m.find(), name + " is exported");
        return Double.parseDouble(m.group(1));
    }
}
