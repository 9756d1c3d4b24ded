package health.circles.sync;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.Management;
import health.circles.SmallBoundsProfile;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Relay batches stop at the payload-size bound, and a row larger than the bound still goes, alone. */
@QuarkusTest
@AsRole("admin")
@TestProfile(SmallBoundsProfile.class)
class RelayBatchTest {

    @Inject
    AgroalDataSource db;

    @Test
    void batchesStopAtThePayloadBoundAndAnOversizedRowGoesAlone() throws Exception {
        // The profile's other tests may have run first: count from what the relay had done once it was idle.
        awaitBacklogEmpty();
        String before = Management.given().get("/q/metrics").then().statusCode(200).extract().asString();
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

        awaitBacklogEmpty();

        String after = Management.given().get("/q/metrics").then().statusCode(200).extract().asString();
        // [1200 ×3] [3000] [3000] [10000]: the fourth row would have passed 4096 bytes, and the last one is
        // larger than the bound on its own. No two of the 3000 and 10000 rows fit in 4096 bytes, and a 1200 row
        // with either does not, so four batches for six rows means the three 1200 rows went together.
        assertEquals(4, metric(after, "circles_sync_batch_rows_count") - metric(before, "circles_sync_batch_rows_count"),
                after);
        assertEquals(6, metric(after, "circles_sync_batch_rows_sum") - metric(before, "circles_sync_batch_rows_sum"));
        assertTrue(metric(after, "circles_sync_batch_payload_bytes_max") > 10_000);
        assertEquals(6, metric(after, "circles_sync_applied_rows_total")
                - metric(before, "circles_sync_applied_rows_total"));
    }

    private static void awaitBacklogEmpty() {
        await().atMost(Duration.ofSeconds(60)).until(
                () -> given().get("/api/v1/admin/sync").then().extract().jsonPath().getLong("backlog") == 0);
    }

    private static double metric(String text, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(text);
        assertTrue(m.find(), name + " is exported");
        return Double.parseDouble(m.group(1));
    }
}
