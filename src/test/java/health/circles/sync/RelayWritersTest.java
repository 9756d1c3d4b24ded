package health.circles.sync;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import health.circles.AsRole;
import health.circles.SmallBoundsProfile;
import health.circles.Fixtures;
import health.circles.Management;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;

/**
 * A relay batch of tie upserts runs its graph transactions side by side when no tie is in two of them, and one after
 * another, in order, when one is; either way each tie lands once, at its newest version.
 */
@QuarkusTest
@AsRole("admin")
@TestProfile(SmallBoundsProfile.class)
class RelayWritersTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    AgroalDataSource db;

    @Inject
    Driver neo4j;

    private final List<String> contacts = new ArrayList<>();

    @BeforeEach
    void contactsInTheGraph() {
        contacts.clear();
        for (int i = 0; i < 4; i++) {
            contacts.add(Fixtures.contact().patient().named("Writer", "Lane " + i).create().id());
        }
        await().atMost(WAIT).until(() -> contacts.stream().allMatch(this::inGraph));
    }

    @Test
    void batchRowsOfDistinctTiesGoSideBySideAndEachTieLandsOnce() throws Exception {
        double sideBySideBefore = metric("circles_sync_side_by_side_batches_total");
        double transactionsBefore = metric("circles_sync_batch_rows_count");
        // Four batch rows of three ties: the relay reads two rows (6 of its 8 changes) a batch, each row a
        // transaction of its own (at most 4 changes).
        List<List<Map<String, Object>>> rows = new ArrayList<>();
        List<Map<String, Object>> all = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            List<Map<String, Object>> row = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                row.add(tie(UUID.randomUUID().toString(), contacts.get(t), contacts.get(t + 1), 1, 0.1 * (r + 1)));
            }
            rows.add(row);
            all.addAll(row);
        }
        insertBatchRows(rows);

        awaitBacklogEmpty();
        for (Map<String, Object> tie : all) {
            assertEquals(List.of(tie.get("strength")), strengths((String) tie.get("id")), "tie " + tie.get("id"));
        }
        assertEquals(2, metric("circles_sync_side_by_side_batches_total") - sideBySideBefore,
                "both relay batches ran their two transactions side by side");
        assertEquals(4, metric("circles_sync_batch_rows_count") - transactionsBefore, "one transaction a row");
        assertEquals(0, given().get("/api/v1/admin/sync").then().extract().jsonPath().getInt("deadLetters"));
    }

    @Test
    void aTieChangedInTwoTransactionsOfABatchIsAppliedInOrder() throws Exception {
        double sideBySideBefore = metric("circles_sync_side_by_side_batches_total");
        String shared = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();
        String third = UUID.randomUUID().toString();
        String fourth = UUID.randomUUID().toString();
        // One relay batch (6 of its 8 changes), two transactions (at most 4 changes each); the shared tie is in both,
        // its second version in the later one.
        insertBatchRows(List.of(
                List.of(tie(shared, contacts.get(0), contacts.get(1), 1, 0.2),
                        tie(other, contacts.get(1), contacts.get(2), 1, 0.3),
                        tie(fourth, contacts.get(0), contacts.get(3), 1, 0.5)),
                List.of(tie(third, contacts.get(2), contacts.get(3), 1, 0.4),
                        tie(shared, contacts.get(0), contacts.get(1), 2, 0.9),
                        tie(UUID.randomUUID().toString(), contacts.get(1), contacts.get(3), 1, 0.6))));

        awaitBacklogEmpty();
        assertEquals(List.of(0.9), strengths(shared), "the shared tie once, at its newer version");
        assertEquals(List.of(0.3), strengths(other));
        assertEquals(List.of(0.4), strengths(third));
        assertEquals(List.of(0.5), strengths(fourth));
        assertEquals(0, metric("circles_sync_side_by_side_batches_total") - sideBySideBefore,
                "a tie in both transactions keeps them in order");
    }

    private static Map<String, Object> tie(String id, String from, String to, long version, double strength) {
        Map<String, Object> tie = new HashMap<>();
        tie.put("id", id);
        tie.put("from", from);
        tie.put("to", to);
        tie.put("type", "FRIEND_OF");
        tie.put("symmetric", true);
        tie.put("strength", strength);
        tie.put("since", null);
        tie.put("until", null);
        tie.put("version", version);
        return tie;
    }

    /** Batch rows as an import writes them, in one statement, so that the relay finds them all pending at once. */
    private void insertBatchRows(List<? extends List<Map<String, Object>>> rows) throws Exception {
        List<String> payloads = new ArrayList<>();
        for (List<Map<String, Object>> row : rows) {
            payloads.add(JSON.writeValueAsString(Map.of("batch", row)));
        }
        UUID job = UUID.randomUUID();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                INSERT INTO outbox (type, aggregate_id, version, payload, items)
                SELECT 'tie.upserted', ?, n, CAST(p AS json), json_array_length(CAST(p AS json) -> 'batch')
                FROM unnest(CAST(? AS text[])) WITH ORDINALITY AS t(p, n)
                ORDER BY n""")) {
            s.setObject(1, job);
            s.setArray(2, c.createArrayOf("text", payloads.toArray()));
            assertEquals(rows.size(), s.executeUpdate());
        }
    }

    private static void awaitBacklogEmpty() {
        await().atMost(WAIT).until(
                () -> given().get("/api/v1/admin/sync").then().extract().jsonPath().getLong("backlog") == 0);
    }

    private boolean inGraph(String id) {
        return neo4j.executableQuery("MATCH (c:Contact {id: $id}) RETURN count(c) AS n")
                .withParameters(Map.of("id", id)).execute().records().get(0).get("n").asLong() == 1;
    }

    /** The strength of every relationship holding this tie id: one element when the tie landed once. */
    private List<Double> strengths(String id) {
        return neo4j.executableQuery("MATCH ()-[t:TIE {id: $id}]->() RETURN t.strength AS s")
                .withParameters(Map.of("id", id)).execute().records().stream().map(r -> r.get("s").asDouble())
                .toList();
    }

    private static double metric(String name) {
        String text = Management.given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(text);
        assertTrue(m.find(), name + " is exported");
        return Double.parseDouble(m.group(1));
    }
}
