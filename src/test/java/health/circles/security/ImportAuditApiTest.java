package health.circles.security;

import static health.circles.TestTokens.bearer;
import static health.circles.security.AuditRows.row;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import health.circles.Anonymous;
import health.circles.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Import start, status, errors, cancel and resume each write one audit row naming the import. */
@QuarkusTest
@Anonymous
class ImportAuditApiTest {

    @Inject
    AgroalDataSource db;

    private static RequestSpecification as(String subject) {
        return bearer(TestTokens.token(subject, Set.of("integration")));
    }

    @Test
    void importEndpointsWriteOneRowEachNamingTheImport() throws InterruptedException {
        String me = AuditRows.subject("import-auditor");
        String file = """
                {"record":"contact","externalId":"aud-%1$s","kind":"PATIENT","givenName":"Ivy","familyName":"Imported"}
                {"record":"contact","kind":"PATIENT","givenName":"No","familyName":"ExternalId"}
                """.formatted(UUID.randomUUID());
        String job = as(me).contentType("application/x-ndjson").body(file.getBytes(StandardCharsets.UTF_8))
                .when().post("/api/v1/imports").then().statusCode(202).extract().path("id");
        awaitFinished(job);
        as(me).when().get("/api/v1/imports/" + job).then().statusCode(200);
        as(me).when().get("/api/v1/imports/" + job + "/errors").then().statusCode(200);
        UUID unknown = UUID.randomUUID();
        as(me).when().get("/api/v1/imports/" + unknown).then().statusCode(404);
        as(me).when().post("/api/v1/imports/" + unknown + "/cancel").then().statusCode(404);
        as(me).when().post("/api/v1/imports/" + unknown + "/resume").then().statusCode(404);
        bearer(TestTokens.token(me, Set.of("analyst"))).when().get("/api/v1/imports/" + job).then().statusCode(403);
        // The upload and resume are work beyond one transaction: a 102 row is committed before each starts.
        assertEquals(List.of(
                row("create", "import", null, Set.of(), "POST", 102),
                row("create", "import", job, Set.of(), "POST", 202),
                row("read", "import", job, Set.of(), "GET", 200),
                row("list", "import-errors", job, Set.of(), "GET", 200),
                row("read", "import", unknown, Set.of(), "GET", 404),
                row("cancel", "import", unknown, Set.of(), "POST", 404),
                row("resume", "import", unknown, Set.of(), "POST", 102),
                row("resume", "import", unknown, Set.of(), "POST", 404),
                row("read", "import", job, Set.of(), "GET", 403)), AuditRows.sorted(db, me));
    }

    /** Polls as another subject, so that the rows under test are only the test's own calls. */
    private static void awaitFinished(String job) {
        await("import " + job + " to finish").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> TestTokens.as("admin").when().get("/api/v1/imports/" + job)
                        .then().statusCode(200).extract().<String>path("state"),
                        state -> !state.equals("QUEUED") && !state.equals("RUNNING"));
    }
}
