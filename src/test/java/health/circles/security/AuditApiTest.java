package health.circles.security;

import static health.circles.Fixtures.contact;
import static health.circles.TestTokens.as;
import static health.circles.TestTokens.bearer;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import health.circles.Anonymous;
import health.circles.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every PHI-bearing endpoint writes exactly the expected audit rows; the trail cannot be changed. */
@QuarkusTest
@Anonymous
class AuditApiTest {

    @Inject
    AgroalDataSource db;

    /** Each test acts as its own subject, so its rows are exactly those of that subject. */
    private static String subject() {
        return "auditor-" + UUID.randomUUID();
    }

    private static RequestSpecification asSubject(String subject, String role) {
        return bearer(TestTokens.token(subject, Set.of(role)));
    }

    @Test
    void contactReadsAndWritesWriteOneRowEach() {
        String me = subject();
        String id = asSubject(me, "admin").contentType("application/json")
                .body("{\"kind\":\"PATIENT\",\"givenName\":\"Ada\",\"familyName\":\"Audit\"}")
                .when().post("/api/v1/contacts").then().statusCode(201).extract().path("id");
        asSubject(me, "admin").when().get("/api/v1/contacts/" + id).then().statusCode(200);
        asSubject(me, "admin").contentType("application/merge-patch+json").header("If-Match", "\"0\"").body("{\"city\":\"Riverside\"}")
                .when().patch("/api/v1/contacts/" + id).then().statusCode(200);
        asSubject(me, "admin").contentType("application/json").header("If-Match", "\"1\"")
                .body("{\"kind\":\"PATIENT\",\"givenName\":\"Ada\",\"familyName\":\"Audit\"}")
                .when().put("/api/v1/contacts/" + id).then().statusCode(200);
        UUID unknown = UUID.randomUUID();
        asSubject(me, "admin").when().get("/api/v1/contacts/" + unknown).then().statusCode(404);
        asSubject(me, "admin").header("If-Match", "\"2\"").when().delete("/api/v1/contacts/" + id).then().statusCode(204);
        assertEquals(List.of(
                "create contact " + id + " [" + id + "] POST 201",
                "read contact " + id + " [" + id + "] GET 200",
                "update contact " + id + " [" + id + "] PATCH 200",
                "update contact " + id + " [" + id + "] PUT 200",
                "read contact " + unknown + " [" + unknown + "] GET 404",
                "delete contact " + id + " [" + id + "] DELETE 204"), rows(me));
    }

    /** The trail names the token's subject, which the identity provider never reassigns, not the user name. */
    @Test
    void rowsNameTheTokensSubjectNotItsUserName() {
        String sub = subject();
        String userName = "alice-" + UUID.randomUUID();
        String token = TestTokens.sign(TestTokens.claims(sub, Set.of("admin")).upn(userName)
                .claim("preferred_username", userName));
        UUID unknown = UUID.randomUUID();
        bearer(token).when().get("/api/v1/contacts/" + unknown).then().statusCode(404);
        assertEquals(List.of("read contact " + unknown + " [" + unknown + "] GET 404"), rows(sub));
        assertEquals(List.of(), rows(userName));
    }

    @Test
    void listingWritesOneRowNamingEveryContactShownOrOneRowWhenEmpty() {
        String me = subject();
        String tag = "aud" + UUID.randomUUID().toString().substring(0, 8);
        UUID a = contact().patient().named("Al", "Aaa").tags(tag).create().uuid();
        UUID b = contact().patient().named("Bo", "Bbb").tags(tag).create().uuid();
        asSubject(me, "outreach").when().get("/api/v1/contacts?tag=" + tag).then().statusCode(200);
        asSubject(me, "outreach").when().get("/api/v1/contacts?tag=" + tag + "&limit=1").then().statusCode(200);
        asSubject(me, "outreach").when().get("/api/v1/contacts?tag=none" + tag).then().statusCode(200);
        assertEquals(List.of(
                "list contact null [" + a + ", " + b + "] GET 200 records [" + a + ", " + b + "]",
                "list contact " + a + " [" + a + "] GET 200 records [" + a + "]",
                "list contact null [] GET 200"), rows(me));
    }

    @Test
    void theQueryShowsAListingsRecordsAndFindsItByAnyOfThem() {
        String me = subject();
        String tag = "aud" + UUID.randomUUID().toString().substring(0, 8);
        UUID a = contact().patient().named("Ann", "Listed").tags(tag).create().uuid();
        UUID b = contact().patient().named("Ben", "Listed").tags(tag).create().uuid();
        asSubject(me, "outreach").when().get("/api/v1/contacts?tag=" + tag).then().statusCode(200);
        asSubject(me, "admin").when().get("/api/v1/contacts/" + b).then().statusCode(200);
        as("admin").queryParam("subject", me).when().get("/api/v1/audit")
                .then().statusCode(200)
                .body("items.size()", equalTo(2))
                .body("items[0].resourceId", equalTo(b.toString()))
                .body("items[0].recordIds", nullValue())
                .body("items[1].resourceId", nullValue())
                .body("items[1].recordIds", contains(a.toString(), b.toString()))
                .body("items[1].contactIds", contains(a.toString(), b.toString()));
        as("admin").queryParam("subject", me).queryParam("resourceId", a.toString()).when().get("/api/v1/audit")
                .then().statusCode(200)
                .body("items.action", contains("list"));
        as("admin").queryParam("subject", me).queryParam("resourceId", b.toString()).when().get("/api/v1/audit")
                .then().statusCode(200)
                .body("items.action", contains("read", "list"));
        as("admin").queryParam("subject", me).queryParam("resourceId", UUID.randomUUID().toString())
                .when().get("/api/v1/audit").then().statusCode(200).body("items.size()", equalTo(0));
    }

    @Test
    void tieEndpointsNameBothContacts() {
        String me = subject();
        UUID doctor = contact().physician().named("Tom", "Tied").fullRecord().create().uuid();
        UUID patient = contact().patient().named("Tia", "Tied").fullRecord().create().uuid();
        String tie = asSubject(me, "integration").contentType("application/json")
                .body("{\"from\":\"" + doctor + "\",\"to\":\"" + patient + "\",\"type\":\"TREATS\"}")
                .when().post("/api/v1/ties").then().statusCode(201).extract().path("id");
        asSubject(me, "analyst").when().get("/api/v1/ties/" + tie).then().statusCode(200);
        asSubject(me, "analyst").when().get("/api/v1/contacts/" + patient + "/ties").then().statusCode(200);
        asSubject(me, "analyst").when().get("/api/v1/ties?type=TREATS&limit=1").then().statusCode(200);
        asSubject(me, "admin").header("If-Match", "\"0\"").when().delete("/api/v1/ties/" + tie).then().statusCode(204);
        List<String> rows = rows(me);
        String ends = "[" + doctor + ", " + patient + "]";
        assertEquals("create tie " + tie + " " + ends + " POST 201", rows.get(0));
        assertEquals("read tie " + tie + " " + ends + " GET 200", rows.get(1));
        assertEquals("list tie " + tie + " " + ends + " GET 200 records [" + tie + "]",
                rows.get(2).replace("[" + patient + ", " + doctor + "]", ends));
        assertEquals("list tie", rows.get(3).substring(0, 8));
        assertEquals("delete tie " + tie + " " + ends + " DELETE 204", rows.get(4));
        assertEquals(5, rows.size());
    }

    @Test
    void refusedRequestsAreRecordedWithTheirStatus() {
        String me = subject();
        UUID patient = contact().patient().named("Rita", "Refused").fullRecord().create().uuid();
        asSubject(me, "outreach").when().delete("/api/v1/contacts/" + patient).then().statusCode(403);
        assertEquals(List.of("delete contact " + patient + " [" + patient + "] DELETE 403"), rows(me));
    }

    @Test
    void auditRowsCannotBeChangedOrRemoved() throws SQLException {
        String me = subject();
        asSubject(me, "admin").when().get("/api/v1/contacts/" + UUID.randomUUID()).then().statusCode(404);
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            assertThrows(SQLException.class, () -> s.executeUpdate(
                    "UPDATE audit_event SET subject = 'someone-else' WHERE subject = '" + me + "'"));
            assertThrows(SQLException.class, () -> s.executeUpdate(
                    "DELETE FROM audit_event WHERE subject = '" + me + "'"));
            assertThrows(SQLException.class, () -> s.executeUpdate("TRUNCATE audit_event"));
        }
        assertEquals(1, rows(me).size());
    }

    @Test
    void adminQueriesTheTrailBySubjectContactResourceAndTime() {
        String me = subject();
        UUID patient = contact().patient().named("Quinn", "Queried").fullRecord().create().uuid();
        asSubject(me, "analyst").when().get("/api/v1/contacts/" + patient).then().statusCode(200);
        as("admin").queryParam("subject", me).when().get("/api/v1/audit")
                .then().statusCode(200)
                .body("items.size()", equalTo(1))
                .body("items[0].action", equalTo("read"))
                .body("items[0].roles[0]", equalTo("analyst"))
                .body("items[0].contactIds[0]", equalTo(patient.toString()))
                .body("items[0].clientAddress", equalTo("127.0.0.1"));
        as("admin").queryParam("subject", me).queryParam("contact", patient.toString()).queryParam("resource", "contact")
                .queryParam("from", "2020-01-01T00:00:00Z").queryParam("to", "2199-01-01T00:00:00Z")
                .when().get("/api/v1/audit")
                .then().statusCode(200)
                .body("items.resourceId", everyItem(equalTo(patient.toString())));
        as("admin").queryParam("subject", me).queryParam("to", "2000-01-01T00:00:00Z").when().get("/api/v1/audit")
                .then().statusCode(200).body("items.size()", equalTo(0));
    }

    @Test
    void onlyAdminsReadTheTrail() {
        for (String role : List.of("clinician", "outreach", "analyst", "integration")) {
            as(role).when().get("/api/v1/audit").then().statusCode(403);
        }
    }

    @Test
    void auditQueryRejectsBadFilters() {
        as("admin").queryParam("contact", "nope").when().get("/api/v1/audit").then().statusCode(400);
        as("admin").queryParam("from", "yesterday").when().get("/api/v1/audit").then().statusCode(400);
        as("admin").queryParam("limit", 501).when().get("/api/v1/audit").then().statusCode(400);
    }

    private List<String> rows(String subject) {
        return AuditRows.of(db, subject);
    }
}
