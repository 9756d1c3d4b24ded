package health.circles.security;

import static health.circles.TestTokens.bearer;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.Anonymous;
import health.circles.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The audit trail cannot be bypassed or quietly edited: a change commits only with its audit row, the service's database
 * role can add rows but not touch existing ones, and the hash chain shows where rows were changed or removed.
 */
@QuarkusTest
@Anonymous
class AuditIntegrityApiTest {

    @Inject
    AgroalDataSource db;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String url;

    private static String subject() {
        return "integrity-" + UUID.randomUUID();
    }

    private static RequestSpecification asSubject(String subject, String role) {
        return bearer(TestTokens.token(subject, Set.of(role)));
    }

    /** A superuser connection, standing for someone who bypasses the service (a DBA, or an attacker with the host). */
    private Connection superuser() throws SQLException {
        return DriverManager.getConnection(url, System.getenv().getOrDefault("DB_ADMIN_USERNAME", "postgres"),
                System.getenv().getOrDefault("DB_ADMIN_PASSWORD", ""));
    }

    @Test
    void theServiceRunsAsARoleThatCannotChangeRemoveOrUnprotectAuditRows() throws SQLException {
        String me = subject();
        asSubject(me, "admin").when().get("/api/v1/contacts/" + UUID.randomUUID()).then().statusCode(404);
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT current_user")) {
                r.next();
                assertEquals("circles_app", r.getString(1), "the service's own connections use the runtime role");
            }
            String mine = "subject = '" + me + "'";
            for (String attempt : List.of(
                    "UPDATE audit_event SET subject = 'someone-else' WHERE " + mine,
                    "DELETE FROM audit_event WHERE " + mine,
                    "TRUNCATE audit_event",
                    "ALTER TABLE audit_event DISABLE TRIGGER ALL",
                    "ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update_or_delete",
                    "DROP TRIGGER audit_event_chain ON audit_event",
                    "DROP TABLE audit_event",
                    "CREATE TRIGGER sneak BEFORE INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_event_chain()",
                    "SET session_replication_role = replica",
                    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                            + "$$ BEGIN RETURN OLD; END $$",
                    "SELECT setval('audit_event_id_seq', 1)")) {
                assertThrows(SQLException.class, () -> s.execute(attempt), attempt);
            }
        }
        assertEquals(1, AuditRows.of(db, me).size(), "the row is still there, unchanged");
        as("admin").when().get("/api/v1/audit/verification")
                .then().statusCode(200).body("serviceRoleCanRewrite", equalTo(false));
    }

    @Test
    void aChangeWhoseAuditRowCannotBeWrittenIsNotMade() throws SQLException {
        String me = subject();
        String family = "Unaudited" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = superuser(); Statement s = c.createStatement()) {
            s.execute("REVOKE INSERT ON audit_event FROM circles_app");
            try {
                asSubject(me, "admin").contentType("application/json")
                        .body("{\"kind\":\"PATIENT\",\"givenName\":\"Una\",\"familyName\":\"" + family + "\"}")
                        .when().post("/api/v1/contacts")
                        .then().statusCode(503).contentType("application/problem+json")
                        .body("type", matchesPattern(".*/audit-unavailable"));
            } finally {
                s.execute("GRANT INSERT ON audit_event TO circles_app");
            }
            try (PreparedStatement q = c.prepareStatement("SELECT count(*) FROM contact WHERE family_name = ?")) {
                q.setString(1, family);
                try (ResultSet r = q.executeQuery()) {
                    r.next();
                    assertEquals(0, r.getLong(1), "the contact was rolled back with its missing audit row");
                }
            }
            try (PreparedStatement q = c.prepareStatement("SELECT count(*) FROM outbox WHERE payload::text LIKE ?")) {
                q.setString(1, "%" + family + "%");
                try (ResultSet r = q.executeQuery()) {
                    r.next();
                    assertEquals(0, r.getLong(1), "nothing for the graph either");
                }
            }
        }
        assertEquals(List.of(), AuditRows.of(db, me));
        // With the trail writable again the same change is made, and its row is there.
        String id = asSubject(me, "admin").contentType("application/json")
                .body("{\"kind\":\"PATIENT\",\"givenName\":\"Una\",\"familyName\":\"" + family + "\"}")
                .when().post("/api/v1/contacts").then().statusCode(201).extract().path("id");
        assertEquals(List.of("create contact " + id + " [" + id + "] POST 201"), AuditRows.of(db, me));
    }

    @Test
    void theHashChainShowsWhereARowWasChangedOrRemoved() throws SQLException {
        String me = subject();
        for (int i = 0; i < 3; i++) {
            asSubject(me, "admin").when().get("/api/v1/contacts/" + UUID.randomUUID()).then().statusCode(404);
        }
        JsonPath intact = as("admin").when().get("/api/v1/audit/verification")
                .then().statusCode(200).body("intact", equalTo(true)).body("brokenAt", equalTo(null))
                .body("headHash", matchesPattern("[0-9a-f]{64}")).extract().jsonPath();
        assertTrue(intact.getLong("rows") >= 3);
        List<Long> ids = ids(me);
        long middle = ids.get(1);
        try (Connection c = superuser(); Statement s = c.createStatement()) {
            // Someone with the server's keys edits a row behind the triggers' back...
            s.execute("SET session_replication_role = replica");
            s.execute("UPDATE audit_event SET subject = 'nobody' WHERE id = " + middle);
            as("admin").when().get("/api/v1/audit/verification")
                    .then().statusCode(200).body("intact", equalTo(false))
                    .body("brokenAt.id", equalTo((int) middle)).body("brokenAt.kind", equalTo("changed"));
            s.execute("UPDATE audit_event SET subject = '" + me + "' WHERE id = " + middle);
            // ... or removes it: the next row no longer links to the one before it.
            s.execute("CREATE TEMP TABLE kept AS SELECT * FROM audit_event WHERE id = " + middle);
            s.execute("DELETE FROM audit_event WHERE id = " + middle);
            as("admin").when().get("/api/v1/audit/verification")
                    .then().statusCode(200).body("intact", equalTo(false))
                    .body("brokenAt.id", equalTo(ids.get(2).intValue())).body("brokenAt.kind", equalTo("relinked"))
                    .body("brokenAt.detail", notNullValue());
            s.execute("INSERT INTO audit_event SELECT * FROM kept");
        }
        as("admin").when().get("/api/v1/audit/verification").then().statusCode(200).body("intact", equalTo(true));
    }

    /**
     * A row without record ids (every row written before V32) hashes exactly as V13 defined it, so the chain verifies
     * across rows of both shapes; record ids set, changed or cleared behind the triggers' back break it at that row.
     */
    @Test
    void theChainVerifiesAcrossOldAndNewRowsAndCoversRecordIds() throws SQLException {
        String me = subject();
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("""
                    INSERT INTO audit_event (subject, action, resource_type, resource_id, contact_ids, method, path, status)
                    VALUES ('%s', 'list', 'contact', 'r-1', '{}', 'GET', '/api/v1/contacts', 200)""".formatted(me));
        }
        asSubject(me, "admin").when().get("/api/v1/contacts?tag=none-" + UUID.randomUUID()).then().statusCode(200);
        String tag = "chain" + UUID.randomUUID().toString().substring(0, 8);
        for (String name : List.of("Ada", "Bob")) {
            asSubject(me, "admin").contentType("application/json").body("""
                    {"kind":"PATIENT","givenName":"%s","familyName":"Chained","tags":["%s"]}""".formatted(name, tag))
                    .when().post("/api/v1/contacts").then().statusCode(201);
        }
        asSubject(me, "admin").when().get("/api/v1/contacts?tag=" + tag).then().statusCode(200);
        List<Long> ids = ids(me);
        long old = ids.get(0);
        long listing = ids.get(ids.size() - 1);
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("""
                SELECT hash = sha256(coalesce(prev_hash, '\\x'::bytea) || convert_to(jsonb_build_array(
                           id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), subject, roles, action,
                           resource_type, resource_id, contact_ids, method, path, status, request_id,
                           client_address)::text, 'UTF8')),
                       record_ids IS NULL
                FROM audit_event WHERE id = %d""".formatted(old))) {
            r.next();
            assertTrue(r.getBoolean(1), "a row without record ids hashes as V13 defined it");
            assertTrue(r.getBoolean(2));
        }
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                "SELECT cardinality(record_ids), resource_id FROM audit_event WHERE id = " + listing)) {
            r.next();
            assertEquals(2, r.getInt(1), "the listing's one row names both contacts");
            assertEquals(null, r.getString(2));
        }
        as("admin").when().get("/api/v1/audit/verification").then().statusCode(200).body("intact", equalTo(true));
        try (Connection c = superuser(); Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
            for (String tamper : List.of(
                    "UPDATE audit_event SET record_ids = record_ids[1:1] WHERE id = " + listing,
                    "UPDATE audit_event SET record_ids = NULL WHERE id = " + listing,
                    "UPDATE audit_event SET record_ids = '{r-2}' WHERE id = " + old)) {
                s.execute("CREATE TEMP TABLE kept AS SELECT * FROM audit_event WHERE id IN (" + old + ", " + listing + ")");
                s.execute(tamper);
                long changed = tamper.endsWith(" " + old) ? old : listing;
                as("admin").when().get("/api/v1/audit/verification")
                        .then().statusCode(200).body("intact", equalTo(false))
                        .body("brokenAt.id", equalTo((int) changed)).body("brokenAt.kind", equalTo("changed"));
                s.execute("DELETE FROM audit_event WHERE id IN (" + old + ", " + listing + ")");
                s.execute("INSERT INTO audit_event SELECT * FROM kept");
                s.execute("DROP TABLE kept");
            }
        }
        as("admin").when().get("/api/v1/audit/verification").then().statusCode(200).body("intact", equalTo(true));
    }

    @Test
    void rowsGetTheirIdTimeAndLinksFromTheDatabaseNotFromTheWriter() throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("""
                    INSERT INTO audit_event (id, at, subject, action, resource_type, method, path, status, prev_hash, hash)
                    VALUES (1, '2001-01-01T00:00:00Z', 'forger', 'read', 'contact', 'GET', '/x', 200, '\\x00', '\\x00')""");
            try (ResultSet r = s.executeQuery("""
                    SELECT id, at > now() - interval '1 hour', hash <> '\\x00'::bytea FROM audit_event
                    WHERE subject = 'forger' ORDER BY id DESC LIMIT 1""")) {
                r.next();
                assertTrue(r.getLong(1) > 1);
                assertTrue(r.getBoolean(2), "the time is the database's");
                assertTrue(r.getBoolean(3), "the hash is the chain's");
            }
        }
        as("admin").when().get("/api/v1/audit/verification").then().statusCode(200).body("intact", equalTo(true));
    }

    @Test
    void developmentTokensReconcileAndRebuildAreAudited() {
        String issued = "issued-" + UUID.randomUUID();
        RestAssured.given().when().post("/api/v1/dev/tokens?role=outreach&subject=" + issued).then().statusCode(200);
        assertEquals(List.of("issue dev-token " + issued + " [] POST 200"), AuditRows.of(db, "anonymous").stream()
                .filter(r -> r.contains(issued)).toList());

        String me = subject();
        asSubject(me, "admin").when().post("/api/v1/admin/sync/reconcile").then().statusCode(200);
        asSubject(me, "outreach").when().post("/api/v1/admin/sync/rebuild").then().statusCode(403);
        assertEquals(List.of(
                "reconcile graph null [] POST 102",
                "reconcile graph null [] POST 200",
                "rebuild graph null [] POST 403"), AuditRows.of(db, me));
    }

    @Test
    void verificationIsForAdminsOnly() {
        for (String role : List.of("clinician", "outreach", "analyst", "integration")) {
            as(role).when().get("/api/v1/audit/verification").then().statusCode(403);
        }
        RestAssured.given().when().get("/api/v1/audit/verification").then().statusCode(401);
    }

    private static RequestSpecification as(String role) {
        return TestTokens.as(role);
    }

    private List<Long> ids(String subject) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT id FROM audit_event WHERE subject = ? ORDER BY id")) {
            s.setString(1, subject);
            try (ResultSet r = s.executeQuery()) {
                List<Long> ids = new java.util.ArrayList<>();
                while (r.next()) {
                    ids.add(r.getLong(1));
                }
                assertFalse(ids.isEmpty());
                return ids;
            }
        }
    }
}
