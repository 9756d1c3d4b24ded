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

    /** The canonical text of form 1 (V13, with record ids since V32), spelt out rather than read from the function. */
    private static final String FIRST_FORM = """
            sha256(coalesce(prev_hash, '\\x'::bytea) || convert_to(CASE WHEN record_ids IS NULL THEN jsonb_build_array(
                id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), subject, roles, action,
                resource_type, resource_id, contact_ids, method, path, status, request_id, client_address)
                ELSE jsonb_build_array(
                id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), subject, roles, action,
                resource_type, resource_id, contact_ids, method, path, status, request_id, client_address,
                record_ids) END::text, 'UTF8'))""";

    /** Form 2 (V48): the arrays in their binary wire form after the JSON text of the other fields. */
    private static final String SECOND_FORM = """
            sha256(coalesce(prev_hash, '\\x'::bytea) || convert_to(jsonb_build_array(
                2, id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), subject, roles, action,
                resource_type, resource_id, method, path, status, request_id, client_address,
                record_ids IS NOT NULL)::text, 'UTF8')
                || array_send(contact_ids) || coalesce(array_send(record_ids), '\\x'::bytea))""";

    /**
     * Rows written before V48 keep the form their hash was made in (V13's canonical text, with record ids since V32),
     * rows written since hash their arrays in binary (V48), and the chain verifies across both; a row's arrays, its
     * record ids or its form's version changed behind the triggers' back break it at that row.
     */
    @Test
    void theChainVerifiesAcrossBothFormsAndCoversArraysRecordIdsAndTheForm() throws SQLException {
        String me = subject();
        long old;
        long oldListing;
        try (Connection c = superuser()) {
            // Two rows as the trigger wrote them before V48, one plain and one a listing, linked in under its lock.
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL session_replication_role = replica");
                s.execute("SELECT pg_advisory_xact_lock(hashtext('circles.audit_event.chain'))");
                old = firstFormRow(s, me, "'r-1'", "NULL", "'{" + UUID.randomUUID() + "}'");
                oldListing = firstFormRow(s, me, "NULL", "'{r-1,r-2}'",
                        "'{" + UUID.randomUUID() + "," + UUID.randomUUID() + "}'");
            }
            c.commit();
        }
        String tag = "chain" + UUID.randomUUID().toString().substring(0, 8);
        for (String name : List.of("Ada", "Bob")) {
            asSubject(me, "admin").contentType("application/json").body("""
                    {"kind":"PATIENT","givenName":"%s","familyName":"Chained","tags":["%s"]}""".formatted(name, tag))
                    .when().post("/api/v1/contacts").then().statusCode(201);
        }
        asSubject(me, "admin").when().get("/api/v1/contacts?tag=" + tag).then().statusCode(200);
        List<Long> ids = ids(me);
        long listing = ids.get(ids.size() - 1);
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("""
                SELECT hash = %s, digest_version, cardinality(record_ids), cardinality(contact_ids), resource_id
                FROM audit_event WHERE id = %d""".formatted(SECOND_FORM, listing))) {
            r.next();
            assertTrue(r.getBoolean(1), "a new row hashes in form 2");
            assertEquals(2, r.getInt(2));
            assertEquals(2, r.getInt(3), "the listing's one row names both contacts");
            assertEquals(2, r.getInt(4));
            assertEquals(null, r.getString(5));
        }
        as("admin").when().get("/api/v1/audit/verification").then().statusCode(200).body("intact", equalTo(true));
        try (Connection c = superuser(); Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
            String rows = old + ", " + oldListing + ", " + listing;
            for (String tamper : List.of(
                    "UPDATE audit_event SET record_ids = '{r-2}' WHERE id = " + old,
                    "UPDATE audit_event SET digest_version = 2 WHERE id = " + old,
                    "UPDATE audit_event SET record_ids = record_ids[1:1] WHERE id = " + oldListing,
                    "UPDATE audit_event SET contact_ids = contact_ids[2:2] || contact_ids[1:1] WHERE id = " + oldListing,
                    "UPDATE audit_event SET record_ids = record_ids[1:1] WHERE id = " + listing,
                    "UPDATE audit_event SET record_ids = NULL WHERE id = " + listing,
                    "UPDATE audit_event SET contact_ids = contact_ids[2:2] || contact_ids[1:1] WHERE id = " + listing,
                    "UPDATE audit_event SET contact_ids = contact_ids[1:1] WHERE id = " + listing,
                    "UPDATE audit_event SET digest_version = 1 WHERE id = " + listing,
                    "UPDATE audit_event SET digest_version = 3 WHERE id = " + listing)) {
                s.execute("CREATE TEMP TABLE kept AS SELECT * FROM audit_event WHERE id IN (" + rows + ")");
                s.execute(tamper);
                long changed = Long.parseLong(tamper.substring(tamper.lastIndexOf(' ') + 1));
                as("admin").when().get("/api/v1/audit/verification")
                        .then().statusCode(200).body("intact", equalTo(false))
                        .body("brokenAt.id", equalTo((int) changed)).body("brokenAt.kind", equalTo("changed"));
                s.execute("DELETE FROM audit_event WHERE id IN (" + rows + ")");
                s.execute("INSERT INTO audit_event SELECT * FROM kept");
                s.execute("DROP TABLE kept");
            }
        }
        as("admin").when().get("/api/v1/audit/verification").then().statusCode(200).body("intact", equalTo(true));
    }

    /** Appends a row hashed in form 1 after the chain's head, as the trigger did before V48; answers its id. */
    private static long firstFormRow(Statement s, String subject, String resourceId, String recordIds,
                                     String contactIds) throws SQLException {
        long id;
        try (ResultSet r = s.executeQuery("""
                INSERT INTO audit_event (id, subject, action, resource_type, resource_id, record_ids, contact_ids,
                                         method, path, status, digest_version, prev_hash, hash)
                VALUES (nextval('audit_event_id_seq'), '%s', 'list', 'contact', %s, %s, %s, 'GET', '/api/v1/contacts',
                        200, 1, (SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1), '\\x')
                RETURNING id""".formatted(subject, resourceId, recordIds, contactIds))) {
            r.next();
            id = r.getLong(1);
        }
        s.execute("UPDATE audit_event SET hash = " + FIRST_FORM + " WHERE id = " + id);
        return id;
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
