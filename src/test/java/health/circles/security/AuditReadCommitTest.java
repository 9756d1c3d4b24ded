package health.circles.security;

import static health.circles.TestTokens.bearer;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import health.circles.Anonymous;
import health.circles.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A read's audit rows commit without waiting for the WAL flush, and only that transaction does: the setting must never
 * stay on a pooled connection, where a change's commit (and its audit row) would then skip the flush too.
 */
@QuarkusTest
@Anonymous
class AuditReadCommitTest {

    private static final int READS = 40;
    /** Fewer than the pool's 20, so that the background jobs' connections are left to them. */
    private static final int CONNECTIONS = 12;

    @Inject
    AgroalDataSource db;

    @Test
    void readsAreRecordedAndNoConnectionKeepsTheirCommitSetting() throws SQLException {
        String me = "read-commit-" + UUID.randomUUID();
        RequestSpecification admin = as(me);
        String id = admin.contentType("application/json")
                .body("{\"kind\":\"PATIENT\",\"givenName\":\"Rita\",\"familyName\":\"Reads\"}")
                .when().post("/api/v1/contacts").then().statusCode(201).extract().path("id");
        for (int i = 0; i < READS; i++) {
            as(me).when().get("/api/v1/contacts/" + id).then().statusCode(200);
        }

        // Every read is on the trail once its answer has arrived, in the chain.
        assertEquals(READS, readsOf(me));
        as(me).when().get("/api/v1/audit/verification").then().statusCode(200).body("intact", equalTo(true));

        // Whichever pooled connections served those reads, none of them still skips the flush.
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                Connection c = db.getConnection();
                held.add(c);
                try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW synchronous_commit")) {
                    r.next();
                    assertEquals("on", r.getString(1), "pooled connection " + i);
                }
            }
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
    }

    private static RequestSpecification as(String subject) {
        return bearer(TestTokens.token(subject, Set.of("admin")));
    }

    private long readsOf(String subject) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT count(*) FROM audit_event WHERE subject = ? AND method = 'GET' AND status = 200")) {
            s.setString(1, subject);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }
}
