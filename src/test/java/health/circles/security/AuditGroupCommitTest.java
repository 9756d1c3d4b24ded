package health.circles.security;

import static health.circles.TestTokens.bearer;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.Anonymous;
import health.circles.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Audited reads made at the same time have their rows written together (AuditStore's group commit): each call's row
 * is on the trail, once, naming what that call showed, when its answer arrives, and the chain links every row of a
 * group to the one before it.
 */
@QuarkusTest
@Anonymous
class AuditGroupCommitTest {

    private static final int CLIENTS = 8;
    private static final int READS_EACH = 30;

    @Inject
    AgroalDataSource db;

    @Test
    void readsAtTheSameTimeAreEachRecordedOnceAndTheChainHolds() throws Exception {
        String me = "group-commit-" + UUID.randomUUID();
        String token = TestTokens.token(me, Set.of("admin"));
        List<String> contacts = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            contacts.add(bearer(token).contentType("application/json")
                    .body("{\"kind\":\"PATIENT\",\"givenName\":\"Gia\",\"familyName\":\"Group" + i + "\"}")
                    .when().post("/api/v1/contacts").then().statusCode(201).extract().path("id"));
        }

        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        Map<String, String> contactOfRequest = new HashMap<>();
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Map<String, String>>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                String contact = contacts.get(c);
                String prefix = me + "-" + c + "-";
                done.add(pool.submit(() -> {
                    start.await();
                    Map<String, String> mine = new HashMap<>();
                    for (int n = 0; n < READS_EACH; n++) {
                        String requestId = prefix + n;
                        bearer(token).header("X-Request-Id", requestId).when().get("/api/v1/contacts/" + contact)
                                .then().statusCode(200);
                        // On the trail by the time the answer is here.
                        assertEquals(List.of(contact), contactsOf(requestId), requestId);
                        mine.put(requestId, contact);
                    }
                    return mine;
                }));
            }
            start.countDown();
            for (Future<Map<String, String>> f : done) {
                contactOfRequest.putAll(f.get(120, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }

        assertEquals(CLIENTS * READS_EACH, contactOfRequest.size());
        Map<String, Integer> rows = rowsPerRequest(me);
        assertEquals(contactOfRequest.keySet(), rows.keySet());
        assertTrue(rows.values().stream().allMatch(n -> n == 1), "one row per read: " + rows);
        bearer(token).when().get("/api/v1/audit/verification").then().statusCode(200).body("intact", equalTo(true));
    }

    private List<String> contactsOf(String requestId) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT contact_ids::text[] FROM audit_event WHERE request_id = ? AND method = 'GET' AND status = 200")) {
            s.setString(1, requestId);
            List<String> found = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    for (Object id : (Object[]) r.getArray(1).getArray()) {
                        found.add(id.toString());
                    }
                }
            }
            return found;
        }
    }

    private Map<String, Integer> rowsPerRequest(String subject) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT request_id, count(*) FROM audit_event WHERE subject = ? AND method = 'GET' GROUP BY request_id")) {
            s.setString(1, subject);
            Map<String, Integer> rows = new HashMap<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.put(r.getString(1), r.getInt(2));
                }
            }
            return rows;
        }
    }
}
