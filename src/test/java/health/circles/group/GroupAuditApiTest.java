package health.circles.group;

import static health.circles.Fixtures.contact;
import static health.circles.TestTokens.bearer;
import static health.circles.security.AuditRows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import health.circles.Anonymous;
import health.circles.TestTokens;
import health.circles.security.AuditRows;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every group endpoint writes the expected audit rows: writes, and each membership shown, naming its contact. */
@QuarkusTest
@Anonymous
class GroupAuditApiTest {

    @Inject
    AgroalDataSource db;

    private static RequestSpecification as(String subject, String role) {
        return bearer(TestTokens.token(subject, Set.of(role)));
    }

    @Test
    void groupAndMemberEndpointsNameTheMembersTheyShowOrChange() {
        String me = AuditRows.subject("group-auditor");
        UUID a = contact().patient().create().uuid();
        UUID b = contact().patient().create().uuid();
        UUID c = contact().patient().create().uuid();
        String group = as(me, "admin").contentType(ContentType.JSON).body(Map.of("kind", "HOUSEHOLD", "name",
                        "Audited household", "members", List.of(Map.of("contactId", a.toString(), "role", "head"),
                                Map.of("contactId", b.toString(), "role", "child"))))
                .when().post("/api/v1/groups").then().statusCode(201).extract().path("id");
        as(me, "analyst").when().get("/api/v1/groups/" + group).then().statusCode(200);
        // Which groups a contact belongs to is about that contact: the row names them.
        as(me, "analyst").queryParam("memberId", a.toString()).when().get("/api/v1/groups").then().statusCode(200);
        List<Map<String, Object>> shown = as(me, "outreach").when().get("/api/v1/groups/" + group + "/members")
                .then().statusCode(200).extract().jsonPath().getList("items");
        String added = as(me, "clinician").contentType(ContentType.JSON).body(Map.of("contactId", c.toString()))
                .when().post("/api/v1/groups/" + group + "/members").then().statusCode(404).extract().path("x");
        String third = as(me, "integration").contentType(ContentType.JSON).body(Map.of("contactId", c.toString()))
                .when().post("/api/v1/groups/" + group + "/members").then().statusCode(201).extract().path("id");
        as(me, "admin").when().post("/api/v1/groups/" + group + "/members/" + third + "/end").then().statusCode(200);
        as(me, "clinician").when().get("/api/v1/contacts/" + c + "/groups").then().statusCode(200);
        as(me, "admin").header("If-Match", "\"0\"").when().delete("/api/v1/groups/" + group).then().statusCode(204);
        UUID unknown = UUID.randomUUID();
        as(me, "admin").when().get("/api/v1/groups/" + group + "/members/" + unknown).then().statusCode(404);

        String first = (String) shown.get(0).get("id");
        String second = (String) shown.get(1).get("id");
        Map<String, UUID> contactOf = Map.of(first, UUID.fromString((String) shown.get(0).get("contactId")),
                second, UUID.fromString((String) shown.get(1).get("contactId")));
        assertEquals(null, added);
        assertEquals(List.of(
                row("create", "group", group, Set.of(a, b), "POST", 201),
                row("read", "group", group, Set.of(), "GET", 200),
                AuditRows.listing("list", "group", List.of(group), Set.of(a), "GET", 200),
                AuditRows.listing("list", "group-member", List.of(first, second),
                        Set.of(contactOf.get(first), contactOf.get(second)), "GET", 200),
                row("create", "group-member", group, Set.of(c), "POST", 404),
                row("create", "group-member", third, Set.of(c), "POST", 201),
                row("end", "group-member", third, Set.of(c), "POST", 200),
                AuditRows.listing("list", "group-member", List.of(third), Set.of(c), "GET", 200),
                row("delete", "group", group, Set.of(a, b, c), "DELETE", 204),
                row("read", "group-member", unknown, Set.of(), "GET", 404)), AuditRows.sorted(db, me));
    }
}
