package health.circles.imports;

import static health.circles.TestTokens.as;
import static health.circles.imports.ImportApiTest.awaitFinished;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import health.circles.AsRole;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A row holding what the stores cannot take is that row's error, with its number and field; the job carries on. */
@QuarkusTest
@AsRole("admin")
class ImportBadInputTest {

    @Inject
    AgroalDataSource db;

    @Inject
    ImportRunner runner;

    @AfterEach
    void noCrash() {
        runner.simulateCrash(0, false);
    }

    @Test
    void ndjsonRowWithNulIsRejectedAndTheOthersAreImported() throws Exception {
        String p = "nul-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String file = """
                {"record":"contact","externalId":"%1$s1","kind":"PATIENT","givenName":"Mei","familyName":"Chen"}
                {"record":"contact","externalId":"%1$s2","kind":"PATIENT","givenName":"A\\u0000B","familyName":"Nul"}
                {"record":"contact","externalId":"%1$s3","kind":"PATIENT","givenName":"Lone\\ud800","familyName":"Half"}
                {"record":"contact","externalId":"%1$s4","kind":"CAREGIVER","familyName":"Okafor"}
                {"record":"tie","externalId":"%1$st1","from":"%1$s1","to":"%1$s4","type":"FRIEND_OF","since":"+99999-01-01"}
                {"record":"tie","externalId":"%1$st2","from":"%1$s4","to":"%1$s1","type":"CARES_FOR","notes":"x\\u0000y"}
                {"record":"tie","externalId":"%1$st3","from":"%1$s4","to":"%1$s1","type":"CARES_FOR","notes":"two\\nlines"}
                {"record":"contact","externalId":"%1$s5","kind":"PATIENT","givenName":"Ann","shoe\\u0000Size":1}
                """.formatted(p);

        JsonPath job = awaitFinished(start(file));

        assertEquals("SUCCEEDED", job.getString("state"), job.prettify());
        assertEquals(3, job.getLong("counts.inserted"));
        assertEquals(5, job.getLong("counts.rejected"));
        as("admin").queryParam("limit", 100).get("/api/v1/imports/" + job.getString("id") + "/errors")
                .then().statusCode(200)
                .body("items.row", equalTo(List.of(2, 3, 5, 6, 8)))
                .body("items.find { it.row == 2 }.field", equalTo("givenName"))
                .body("items.find { it.row == 2 }.reason", equalTo("must not contain the NUL character"))
                .body("items.find { it.row == 3 }.field", equalTo("givenName"))
                .body("items.find { it.row == 5 }.field", equalTo("since"))
                .body("items.find { it.row == 6 }.field", equalTo("notes"))
                .body("items.find { it.row == 8 }.field", equalTo("shoe\uFFFDSize"));
        assertEquals(2, sql("SELECT count(*) FROM contact WHERE external_id LIKE ?", p + "%"));
        assertEquals(1, sql("SELECT count(*) FROM tie WHERE external_id LIKE ?", p + "%"));
    }

    @Test
    void importWithANulRowResumesAfterACrashAndFinishes() throws Exception {
        String p = "nulr-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        StringBuilder file = new StringBuilder();
        for (int i = 1; i <= 30; i++) {
            String given = i == 25 ? "Bad\\u0000Row" : "Person" + i;
            file.append("""
                    {"record":"contact","externalId":"%s%d","kind":"PATIENT","givenName":"%s"}
                    """.formatted(p, i, given));
        }
        int crashesBefore = runner.crashes();
        runner.simulateCrash(2, true);
        String location = start(file.toString(), "?batchSize=10");
        await("the simulated crash").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> runner.crashes() != crashesBefore);
        runner.simulateCrash(0, false);
        String id = location.substring(location.lastIndexOf('/') + 1);

        ImportApiTest.resumeOrphaned(db, location, as("admin"));
        JsonPath done = awaitFinished(location);

        assertEquals("SUCCEEDED", done.getString("state"), done.prettify());
        assertEquals(29, sql("SELECT count(*) FROM contact WHERE external_id LIKE ?", p + "%"));
        as("admin").get("/api/v1/imports/" + id + "/errors")
                .then().statusCode(200)
                .body("items.row", equalTo(List.of(25)))
                .body("items[0].field", equalTo("givenName"));
    }

    private static String start(String file) {
        return start(file, "");
    }

    private static String start(String file, String query) {
        return as("admin").contentType("application/x-ndjson").body(file.getBytes(StandardCharsets.UTF_8))
                .when().post("/api/v1/imports" + query)
                .then().statusCode(202).extract().header("Location");
    }

    private long sql(String query, Object... params) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(query)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }
}
