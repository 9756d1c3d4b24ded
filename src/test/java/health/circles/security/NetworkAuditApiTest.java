package health.circles.security;

import static health.circles.Fixtures.contact;
import static health.circles.Fixtures.tie;
import static health.circles.TestTokens.bearer;
import static health.circles.security.AuditRows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.Anonymous;
import health.circles.TestTokens;
import health.circles.sync.GraphRelay;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Ties, touchpoints, circles and paths write exactly the expected audit rows, naming the contacts they disclose. */
@QuarkusTest
@Anonymous
class NetworkAuditApiTest {

    @Inject
    AgroalDataSource db;

    @Inject
    GraphRelay relay;

    private static RequestSpecification as(String subject, String role) {
        return bearer(TestTokens.token(subject, Set.of(role)));
    }

    @Test
    void everyTieEndpointWritesOneRowNamingBothEnds() {
        String me = AuditRows.subject("tie-auditor");
        UUID doctor = contact().physician().named("Ted", "Tracked").fullRecord().create().uuid();
        UUID patient = contact().patient().named("Tara", "Tracked").fullRecord().create().uuid();
        Set<UUID> ends = Set.of(doctor, patient);
        String tie = as(me, "admin").contentType(ContentType.JSON)
                .body("{\"from\":\"" + doctor + "\",\"to\":\"" + patient + "\",\"type\":\"TREATS\",\"notes\":\"n\"}")
                .when().post("/api/v1/ties").then().statusCode(201).extract().path("id");
        as(me, "analyst").when().get("/api/v1/ties/" + tie).then().statusCode(200);
        as(me, "admin").contentType(ContentType.JSON).header("If-Match", "\"0\"").body("{\"declaredStrength\":0.8}")
                .when().put("/api/v1/ties/" + tie).then().statusCode(200);
        as(me, "admin").header("If-Match", "\"1\"").queryParam("until", "2026-01-01")
                .when().post("/api/v1/ties/" + tie + "/end").then().statusCode(200);
        as(me, "outreach").when().get("/api/v1/contacts/" + patient + "/ties").then().statusCode(200);
        as(me, "admin").header("If-Match", "\"2\"").when().delete("/api/v1/ties/" + tie).then().statusCode(204);
        UUID unknown = UUID.randomUUID();
        as(me, "admin").when().get("/api/v1/ties/" + unknown).then().statusCode(404);
        as(me, "outreach").contentType(ContentType.JSON).body("{\"declaredStrength\":1}")
                .when().put("/api/v1/ties/" + unknown).then().statusCode(403);
        assertEquals(List.of(
                row("create", "tie", tie, ends, "POST", 201),
                row("read", "tie", tie, ends, "GET", 200),
                row("update", "tie", tie, ends, "PUT", 200),
                row("end", "tie", tie, ends, "POST", 200),
                AuditRows.listing("list", "tie", List.of(tie), ends, "GET", 200),
                row("delete", "tie", tie, ends, "DELETE", 204),
                row("read", "tie", unknown, Set.of(), "GET", 404),
                row("update", "tie", unknown, Set.of(), "PUT", 403)), AuditRows.sorted(db, me));
    }

    @Test
    void tieListingWritesOneRowNamingEveryTieShownAndAContactsEmptyListingNamesTheContact() {
        String me = AuditRows.subject("tie-lister");
        tie(contact().patient().named("Lu", "Listed").fullRecord().create().id(),
                contact().patient().named("Li", "Listed").fullRecord().create().id()).type("FRIEND_OF").create();
        tie(contact().patient().named("La", "Listed").fullRecord().create().id(),
                contact().patient().named("Le", "Listed").fullRecord().create().id()).type("FRIEND_OF").create();
        UUID loner = contact().patient().named("Lone", "Listed").fullRecord().create().uuid();
        JsonPath page = as(me, "analyst").queryParam("limit", 2).when().get("/api/v1/ties")
                .then().statusCode(200).extract().jsonPath();
        as(me, "analyst").when().get("/api/v1/contacts/" + loner + "/ties").then().statusCode(200);
        List<String> shown = new ArrayList<>();
        Set<UUID> ends = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            shown.add(page.getString("items[" + i + "].id"));
            ends.add(UUID.fromString(page.getString("items[" + i + "].from")));
            ends.add(UUID.fromString(page.getString("items[" + i + "].to")));
        }
        List<String> expected = List.of(AuditRows.listing("list", "tie", shown, ends, "GET", 200),
                row("list", "tie", null, Set.of(loner), "GET", 200));
        assertEquals(expected, AuditRows.sorted(db, me));
    }

    @Test
    void touchpointEndpointsNameEveryParticipant() {
        String me = AuditRows.subject("touch-auditor");
        UUID a = contact().patient().named("Tom", "Touched").fullRecord().create().uuid();
        UUID b = contact().patient().named("Tim", "Touched").fullRecord().create().uuid();
        UUID quiet = contact().patient().named("Qin", "Untouched").fullRecord().create().uuid();
        Set<UUID> both = Set.of(a, b);
        JsonPath created = as(me, "outreach").contentType(ContentType.JSON)
                .body(Map.of("participants", List.of(a.toString(), b.toString()), "channel", "PHONE",
                        "occurredAt", "2026-02-02T10:00:00Z", "topic", "hello"))
                .when().post("/api/v1/touchpoints").then().statusCode(201).extract().jsonPath();
        String touchpoint = created.getString("id");
        String inferredTie = created.getString("ties[0].id");
        as(me, "analyst").when().get("/api/v1/touchpoints/" + touchpoint).then().statusCode(200);
        as(me, "analyst").when().get("/api/v1/contacts/" + a + "/touchpoints").then().statusCode(200);
        as(me, "analyst").when().get("/api/v1/ties/" + inferredTie + "/touchpoints").then().statusCode(200);
        as(me, "analyst").when().get("/api/v1/contacts/" + quiet + "/touchpoints").then().statusCode(200);
        UUID unknown = UUID.randomUUID();
        as(me, "analyst").when().get("/api/v1/touchpoints/" + unknown).then().statusCode(404);
        as(me, "admin").when().delete("/api/v1/touchpoints/" + touchpoint).then().statusCode(204);
        assertEquals(List.of(
                row("create", "touchpoint", touchpoint, both, "POST", 201),
                row("read", "touchpoint", touchpoint, both, "GET", 200),
                AuditRows.listing("list", "touchpoint", List.of(touchpoint), both, "GET", 200),
                AuditRows.listing("list", "touchpoint", List.of(touchpoint), both, "GET", 200),
                row("list", "touchpoint", null, Set.of(quiet), "GET", 200),
                row("read", "touchpoint", unknown, Set.of(), "GET", 404),
                row("delete", "touchpoint", touchpoint, both, "DELETE", 204)), AuditRows.sorted(db, me));
    }

    @Test
    void emptyTieHistoryNamesTheTiesEnds() {
        String me = AuditRows.subject("history-auditor");
        UUID a = contact().patient().named("Eve", "Empty").fullRecord().create().uuid();
        UUID b = contact().patient().named("Eli", "Empty").fullRecord().create().uuid();
        UUID tie = tie(a, b).type("FRIEND_OF").create().uuid();
        as(me, "outreach").when().get("/api/v1/ties/" + tie + "/touchpoints").then().statusCode(200);
        assertEquals(List.of(row("list", "touchpoint", null, Set.of(a, b), "GET", 200)), AuditRows.sorted(db, me));
    }

    @Test
    void circlesAndPathsNameEveryContactTheyShow() {
        String me = AuditRows.subject("graph-auditor");
        UUID a = contact().patient().named("Cid", "Circled").fullRecord().create().uuid();
        UUID b = contact().patient().named("Cal", "Circled").fullRecord().create().uuid();
        UUID c = contact().patient().named("Cat", "Circled").fullRecord().create().uuid();
        long position = Math.max(friends(a, b), friends(b, c));
        assertTrue(relay.awaitApplied(position, Duration.ofMinutes(2)), "the graph caught up with the ties");
        as(me, "outreach").queryParam("depth", 2).when().get("/api/v1/contacts/" + a + "/circles")
                .then().statusCode(200);
        as(me, "analyst").queryParam("from", a.toString()).queryParam("to", c.toString())
                .when().get("/api/v1/paths").then().statusCode(200);
        UUID unknown = UUID.randomUUID();
        as(me, "analyst").queryParam("from", a.toString()).queryParam("to", unknown.toString())
                .when().get("/api/v1/paths").then().statusCode(404);
        as(me, "analyst").when().get("/api/v1/contacts/" + unknown + "/circles").then().statusCode(404);
        assertEquals(List.of(
                row("read", "circles", a, Set.of(a, b, c), "GET", 200),
                row("read", "path", null, Set.of(a, b, c), "GET", 200),
                row("read", "path", null, Set.of(a, unknown), "GET", 404),
                row("read", "circles", unknown, Set.of(unknown), "GET", 404)), AuditRows.sorted(db, me));
    }

    /** Creates a FRIEND_OF tie as admin and returns the outbox position the graph shows it at. */
    private static long friends(UUID from, UUID to) {
        Response created = TestTokens.as("admin").contentType(ContentType.JSON)
                .body("{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"type\":\"FRIEND_OF\"}")
                .when().post("/api/v1/ties");
        created.then().statusCode(201);
        return Long.parseLong(created.header("Graph-Position"));
    }
}
