package health.circles.security;

import static health.circles.Fixtures.contact;
import static health.circles.TestTokens.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.Anonymous;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The role matrix of docs/security.md, over HTTP: each endpoint, each role. Allowed roles get past the role check
 * (whatever the answer then is: 200, 404 for the random id, 400); the others get 403 before any lookup. Adding an
 * endpoint without adding it here fails {@link #matrixCoversEveryEndpointOfTheApiDescription()}.
 */
@QuarkusTest
@Anonymous
class RoleMatrixApiTest {

    private static final Set<String> READ = Set.of("admin", "clinician", "outreach", "analyst", "integration");
    private static final Set<String> WRITE = Set.of("admin", "clinician", "integration");
    private static final Set<String> ADMIN = Set.of("admin");

    private static final String CONTACT = """
            {"kind":"PATIENT","givenName":"Matrix","familyName":"Probe"}""";
    private static final String TIE = """
            {"from":"%s","to":"%s","type":"FRIEND_OF"}""".formatted(UUID.randomUUID(), UUID.randomUUID());
    private static final String CONSENT = """
            {"channel":"EMAIL","status":"GRANTED","givenAt":"2025-01-01T00:00:00Z","source":"signed-form"}""";
    private static final String GROUP = """
            {"kind":"OTHER","name":"Matrix probe"}""";
    private static final String MEMBER = """
            {"contactId":"%s"}""".formatted(UUID.randomUUID());
    private static final String TIE_CHANGE = """
            {"declaredStrength":0.5}""";

    private static final Set<String> ANALYTICS = Set.of("admin", "analyst");
    private static final Set<String> INSIGHT = Set.of("admin", "analyst", "outreach", "clinician");
    private static final Set<String> IMPORT = Set.of("admin", "integration");
    private static final Set<String> TOUCH = Set.of("admin", "clinician", "outreach", "integration");
    private static final Set<String> OUTREACH_WRITE = Set.of("admin", "outreach");
    private static final Set<String> OUTREACH_READ = Set.of("admin", "outreach", "analyst");
    private static final Set<String> EVENTS = Set.of("admin", "integration");
    private static final Set<String> FHIR = Set.of("admin", "integration");
    private static final String FHIR_BUNDLE = """
            {"resourceType":"Bundle","type":"batch"}""";
    private static final String FHIR_PATIENT = """
            {"resourceType":"Patient","name":[{"family":"Matrix"}]}""";

    /**
     * One endpoint's rule. {@code denyOnly}: the call has effects other tests would feel (a rebuild, a job), so only
     * the refused roles are sent here; the allowed ones are exercised by the capability's own tests.
     */
    record Rule(String method, String path, Set<String> allowed, String body, boolean denyOnly, String mediaType) {
        Rule(String method, String path, Set<String> allowed, String body) {
            this(method, path, allowed, body, false, "application/json");
        }

        Rule(String method, String path, Set<String> allowed, String body, boolean denyOnly) {
            this(method, path, allowed, body, denyOnly, "application/json");
        }
    }

    static final List<Rule> MATRIX = List.of(
            new Rule("POST", "/api/v1/contacts", WRITE, CONTACT),
            new Rule("GET", "/api/v1/contacts", READ, null),
            new Rule("GET", "/api/v1/contacts/{id}", READ, null),
            new Rule("PUT", "/api/v1/contacts/{id}", WRITE, CONTACT),
            new Rule("PATCH", "/api/v1/contacts/{id}", WRITE, "{}"),
            new Rule("DELETE", "/api/v1/contacts/{id}", ADMIN, null),
            new Rule("POST", "/api/v1/contacts/{id}/erasure", ADMIN, null),
            new Rule("GET", "/api/v1/contacts/{id}/consent", READ, null),
            new Rule("POST", "/api/v1/contacts/{id}/consent", WRITE, CONSENT),
            new Rule("GET", "/api/v1/contacts/{id}/ties", READ, null),
            new Rule("GET", "/api/v1/relationship-types", READ, null),
            new Rule("GET", "/api/v1/relationship-types/{code}", READ, null),
            new Rule("POST", "/api/v1/relationship-types", ADMIN, "{}"),
            new Rule("PATCH", "/api/v1/relationship-types/{code}", ADMIN, "{}"),
            new Rule("DELETE", "/api/v1/relationship-types/{code}", ADMIN, null),
            new Rule("POST", "/api/v1/ties", WRITE, TIE),
            new Rule("GET", "/api/v1/ties", READ, null),
            new Rule("GET", "/api/v1/ties/{id}", READ, null),
            new Rule("PUT", "/api/v1/ties/{id}", WRITE, TIE_CHANGE),
            new Rule("POST", "/api/v1/ties/{id}/end", WRITE, null),
            new Rule("DELETE", "/api/v1/ties/{id}", Set.of("admin", "integration"), null),
            new Rule("POST", "/api/v1/ties/{id}/confirm", Set.of("admin", "integration"), null),
            new Rule("POST", "/api/v1/ties/{id}/reject", Set.of("admin", "integration"), null),
            new Rule("POST", "/api/v1/contacts/{id}/emergency-access", Set.of("clinician"), "{\"reason\":\"matrix probe\"}"),
            new Rule("GET", "/api/v1/admin/emergency-accesses", ADMIN, null),
            new Rule("POST", "/api/v1/admin/emergency-accesses/{id}/review", ADMIN, "{}"),
            new Rule("GET", "/api/v1/admin/sync", ADMIN, null),
            new Rule("POST", "/api/v1/admin/sync/reconcile", ADMIN, null, true),
            new Rule("POST", "/api/v1/admin/sync/rebuild", ADMIN, null, true),
            new Rule("GET", "/api/v1/admin/sync/rebuild/{id}", ADMIN, null),
            new Rule("GET", "/api/v1/admin/sync/dead-letters", ADMIN, null),
            new Rule("POST", "/api/v1/admin/sync/dead-letters/{id}/retry", ADMIN, null),
            new Rule("DELETE", "/api/v1/admin/sync/dead-letters/{id}", ADMIN, null),
            new Rule("GET", "/api/v1/ties/{id}/touchpoints", READ, null),
            new Rule("GET", "/api/v1/contacts/{id}/touchpoints", READ, null),
            new Rule("GET", "/api/v1/contacts/{id}/circles", READ, null),
            new Rule("GET", "/api/v1/paths", READ, null),
            new Rule("POST", "/api/v1/touchpoints", TOUCH, "{}"),
            new Rule("GET", "/api/v1/touchpoints/{id}", READ, null),
            new Rule("DELETE", "/api/v1/touchpoints/{id}", Set.of("admin", "integration"), null),
            new Rule("POST", "/api/v1/imports", IMPORT, "{}", true, "application/x-ndjson"),
            new Rule("GET", "/api/v1/imports/{id}", IMPORT, null),
            new Rule("GET", "/api/v1/imports/{id}/errors", IMPORT, null),
            new Rule("POST", "/api/v1/imports/{id}/cancel", IMPORT, null),
            new Rule("POST", "/api/v1/imports/{id}/resume", IMPORT, null),
            new Rule("POST", "/api/v1/analytics/runs", ANALYTICS, "{}", true),
            new Rule("GET", "/api/v1/analytics/runs", ANALYTICS, null),
            new Rule("GET", "/api/v1/analytics/runs/{id}", ANALYTICS, null),
            new Rule("POST", "/api/v1/analytics/runs/{id}/exact-betweenness/cancel", ANALYTICS, null),
            new Rule("GET", "/api/v1/influencers", INSIGHT, null),
            new Rule("GET", "/api/v1/communities", INSIGHT, null),
            new Rule("GET", "/api/v1/communities/{id}", INSIGHT, null),
            new Rule("GET", "/api/v1/communities/{id}/name", INSIGHT, null),
            new Rule("PUT", "/api/v1/communities/{id}/name", OUTREACH_WRITE, "{\"name\":\"matrix probe\"}"),
            new Rule("GET", "/api/v1/contacts/{id}/communities", INSIGHT, null),
            new Rule("GET", "/api/v1/maps/communities/{id}", INSIGHT, null),
            new Rule("GET", "/api/v1/maps/contacts/{id}", INSIGHT, null),
            new Rule("GET", "/api/v1/maps/overview", INSIGHT, null),
            new Rule("GET", "/api/v1/audit", ADMIN, null),
            new Rule("GET", "/api/v1/audit/verification", ADMIN, null),
            new Rule("POST", "/api/v1/segments", OUTREACH_WRITE, "{}"),
            new Rule("GET", "/api/v1/segments", OUTREACH_READ, null),
            new Rule("GET", "/api/v1/segments/{id}", OUTREACH_READ, null),
            new Rule("PUT", "/api/v1/segments/{id}", OUTREACH_WRITE, "{}"),
            new Rule("DELETE", "/api/v1/segments/{id}", OUTREACH_WRITE, null),
            new Rule("GET", "/api/v1/segments/{id}/preview", OUTREACH_READ, null),
            new Rule("POST", "/api/v1/segments/preview", OUTREACH_READ, "{}"),
            new Rule("GET", "/api/v1/segments/{id}/members", OUTREACH_READ, null),
            new Rule("GET", "/api/v1/segments/{id}/export", OUTREACH_READ, null),
            new Rule("POST", "/api/v1/campaigns", OUTREACH_WRITE, "{}"),
            new Rule("GET", "/api/v1/campaigns", OUTREACH_READ, null),
            new Rule("GET", "/api/v1/campaigns/{id}", OUTREACH_READ, null),
            new Rule("POST", "/api/v1/campaigns/{id}/close", OUTREACH_WRITE, null),
            new Rule("POST", "/api/v1/campaigns/{id}/outcomes", OUTREACH_WRITE, "{}"),
            new Rule("GET", "/api/v1/campaigns/{id}/pending", OUTREACH_READ, null),
            new Rule("GET", "/api/v1/campaigns/{id}/report", OUTREACH_READ, null),
            new Rule("POST", "/api/v1/experiments", OUTREACH_WRITE, "{}"),
            new Rule("GET", "/api/v1/experiments/{id}", OUTREACH_READ, null),
            new Rule("GET", "/api/v1/experiments/{id}/report", OUTREACH_READ, null),
            new Rule("POST", "/api/v1/outreach/seeds", OUTREACH_WRITE, "{}"),
            new Rule("POST", "/api/v1/outreach/strategies/compare", OUTREACH_READ, "{}"),
            new Rule("GET", "/api/v1/contacts/{id}/suggestions", Set.of("admin", "clinician", "outreach"), null),
            new Rule("POST", "/api/v1/contacts/{id}/suggestions/{otherId}/accept", Set.of("admin", "clinician"), "{}"),
            new Rule("POST", "/api/v1/contacts/{id}/suggestions/{otherId}/dismiss", Set.of("admin", "clinician", "outreach"),
                    null),
            new Rule("GET", "/api/v1/events", EVENTS, null),
            new Rule("POST", "/api/v1/webhooks", EVENTS, "{}"),
            new Rule("GET", "/api/v1/webhooks", EVENTS, null),
            new Rule("GET", "/api/v1/webhooks/{id}", EVENTS, null),
            new Rule("PATCH", "/api/v1/webhooks/{id}", EVENTS, "{}"),
            new Rule("DELETE", "/api/v1/webhooks/{id}", EVENTS, null),
            new Rule("POST", "/api/v1/webhooks/{id}/rotate-secret", EVENTS, null),
            new Rule("POST", "/api/v1/webhooks/{id}/replay", EVENTS, "{}"),
            new Rule("GET", "/api/v1/webhooks/{id}/deliveries", EVENTS, null),
            new Rule("GET", "/fhir/metadata", FHIR, null),
            new Rule("POST", "/fhir", FHIR, FHIR_BUNDLE, false, "application/fhir+json"),
            new Rule("POST", "/fhir/{type}", FHIR, FHIR_PATIENT, false, "application/fhir+json"),
            new Rule("GET", "/fhir/Patient/{id}", FHIR, null),
            new Rule("GET", "/fhir/Patient/{id}/$everything", FHIR, null),
            new Rule("GET", "/fhir/Practitioner/{id}", FHIR, null),
            new Rule("GET", "/fhir/RelatedPerson", FHIR, null),
            new Rule("GET", "/fhir/CareTeam", FHIR, null),
            new Rule("GET", "/fhir/Consent", FHIR, null),
            new Rule("GET", "/fhir/Group/{id}", FHIR, null),
            new Rule("GET", "/fhir/Group", FHIR, null),
            new Rule("POST", "/api/v1/groups", WRITE, GROUP),
            new Rule("GET", "/api/v1/groups", READ, null),
            new Rule("GET", "/api/v1/groups/{id}", READ, null),
            new Rule("PATCH", "/api/v1/groups/{id}", WRITE, "{}"),
            new Rule("DELETE", "/api/v1/groups/{id}", Set.of("admin", "integration"), null),
            new Rule("GET", "/api/v1/groups/{id}/members", READ, null),
            new Rule("POST", "/api/v1/groups/{id}/members", WRITE, MEMBER),
            new Rule("GET", "/api/v1/groups/{id}/members/{memberId}", READ, null),
            new Rule("PUT", "/api/v1/groups/{id}/members/{memberId}", WRITE, "{\"role\":\"member\"}"),
            new Rule("POST", "/api/v1/groups/{id}/members/{memberId}/end", WRITE, null),
            new Rule("GET", "/api/v1/contacts/{id}/groups", READ, null),
            new Rule("GET", "/api/v1/analytics/runs/{id}/groups", INSIGHT, null));

    /** Endpoints outside the matrix on purpose: the development token endpoint needs no token at all. */
    private static final Set<String> UNGUARDED = Set.of("POST /api/v1/dev/tokens");

    @Test
    void everyRoleGetsExactlyWhatTheMatrixSays() {
        List<String> wrong = new ArrayList<>();
        for (Rule rule : MATRIX) {
            for (String role : READ) {
                if (rule.denyOnly() && rule.allowed().contains(role)) {
                    continue;
                }
                int status = send(as(role), rule, UUID.randomUUID()).statusCode();
                boolean allowed = rule.allowed().contains(role);
                if (allowed ? (status == 401 || status == 403) : status != 403) {
                    wrong.add(rule.method() + " " + rule.path() + " as " + role + ": " + status);
                }
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void everyEndpointRefusesAMissingToken() {
        for (Rule rule : MATRIX) {
            // FHIR answers in its own error format, an OperationOutcome.
            send(given(), rule, UUID.randomUUID()).then().statusCode(401).contentType(
                    rule.path().startsWith("/fhir") ? "application/fhir+json" : "application/problem+json");
        }
    }

    @Test
    void forbiddenAnswerIsTheSameWhetherTheRecordExistsOrNot() {
        String existing = contact().patient().named("Matrix", "Probe").create().id();
        Rule delete = new Rule("DELETE", "/api/v1/contacts/{id}", ADMIN, null);
        Response known = send(as("outreach"), delete, UUID.fromString(existing));
        Response unknown = send(as("outreach"), delete, UUID.randomUUID());
        known.then().statusCode(403).body("type", equalTo("https://circles.health/problems/forbidden"));
        unknown.then().statusCode(403).body("type", equalTo("https://circles.health/problems/forbidden"));
        assertEquals(unknown.jsonPath().getString("detail"), known.jsonPath().getString("detail"));
    }

    @Test
    void matrixCoversEveryEndpointOfTheApiDescription() {
        Map<String, Map<String, Object>> paths = given().accept("application/json").when().get("/q/openapi?format=json")
                .then().statusCode(200).extract().jsonPath().getMap("paths");
        Set<String> described = new TreeSet<>();
        paths.forEach((path, operations) -> {
            if (!path.startsWith("/test/")) {
                operations.keySet().forEach(m -> described.add(m.toUpperCase() + " " + path));
            }
        });
        Set<String> covered = new TreeSet<>(UNGUARDED);
        // /fhir is described by its CapabilityStatement, not by /q/openapi (the OpenAPI filter leaves it out); its
        // rows are in the matrix all the same and exercised like every other.
        MATRIX.stream().filter(r -> !r.path().startsWith("/fhir"))
                .forEach(r -> covered.add(r.method() + " " + r.path()));
        assertEquals(described, covered, "every endpoint needs a row in the role matrix (and in docs/security.md)");
        assertTrue(MATRIX.stream().anyMatch(r -> r.path().equals("/fhir/metadata")), "FHIR has its rows");
        assertTrue(covered.size() > 10);
    }

    static Response send(RequestSpecification request, Rule rule, UUID id) {
        String path = rule.path().replace("{id}", id.toString()).replace("{code}", "MATRIX_PROBE")
                .replace("{type}", "Patient").replace("{memberId}", id.toString())
                .replace("{otherId}", UUID.randomUUID().toString());
        if (rule.body() != null) {
            request = request.contentType(rule.mediaType()).body(rule.body().getBytes(StandardCharsets.UTF_8));
        }
        if (path.contains("$")) {
            request = request.urlEncodingEnabled(false); // "$everything" as FHIR clients send it
        }
        return request.when().request(rule.method(), path);
    }
}
