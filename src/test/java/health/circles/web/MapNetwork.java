package health.circles.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.synthetic.ImportFiles;
import health.circles.synthetic.SyntheticNetwork;
import health.circles.sync.GraphRelay;
import io.restassured.path.json.JsonPath;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.awaitility.Awaitility;

/**
 * The network the map tests draw: 1,990 generated contacts with 10,000 ties (just under the map bound of 2,000), plus one known person (Marisol Quintero,
 * reachable by SMS only, with an e-mail address she has not consented to), loaded through the bulk import like any
 * data, projected to the graph and analysed once. Loading is skipped when the database already holds it.
 */
public final class MapNetwork {

    public static final SyntheticNetwork.Spec SPEC =
            new SyntheticNetwork.Spec(1990, 10000, 0.2, 42, 10, 40, 0.02, "map-");
    public static final String MARISOL_EMAIL = "marisol.quintero@example.org";
    public static final String MARISOL_PHONE = "+1 555 0142";

    private static final String MARISOL = """
            {"record":"contact","externalId":"map-marisol","kind":"CAREGIVER","givenName":"Marisol","familyName":"Quintero","email":"%s","phone":"%s","postalCode":"90110","city":"Eastside","languages":["es","en"],"consent":{"SMS":{"status":"GRANTED","source":"intake-form"},"EMAIL":{"status":"DENIED","source":"intake-form"}}}
            """.formatted(MARISOL_EMAIL, MARISOL_PHONE);

    private MapNetwork() {
    }

    /** Loads the network and runs analytics unless already done; answers Marisol's contact id. */
    public static String ensure(DataSource dataSource, GraphRelay relay) {
        if (count(dataSource, "SELECT count(*) FROM contact WHERE external_id LIKE 'map-%'") < SPEC.contacts() + 1) {
            StringBuilder file = new StringBuilder(ndjson());
            file.append(MARISOL);
            for (int i = 0; i < 6; i++) {
                file.append("{\"record\":\"tie\",\"externalId\":\"map-marisol-t").append(i)
                        .append("\",\"from\":\"map-marisol\",\"to\":\"map-c").append(i * 7)
                        .append("\",\"type\":\"FOLLOWS_ONLINE\",\"declaredStrength\":0.8}\n");
            }
            JsonPath job = awaitImport(given().contentType("application/x-ndjson")
                    .body(file.toString().getBytes(StandardCharsets.UTF_8))
                    .when().post("/api/v1/imports").then().statusCode(202).extract().header("Location"));
            assertEquals("SUCCEEDED", job.getString("state"), job.prettify());
            assertEquals(0, job.getLong("counts.rejected"), job.prettify());
        }
        long position = count(dataSource, "SELECT coalesce(max(position), 0) FROM outbox");
        assertTrue(relay.awaitApplied(position, Duration.ofMinutes(6)), "the relay projected the map network");
        if (count(dataSource, "SELECT count(*) FROM analytics_run WHERE state = 'SUCCEEDED'") == 0) {
            String location = given().contentType("application/json").body("{}")
                    .when().post("/api/v1/analytics/runs").then().statusCode(202).extract().header("Location");
            JsonPath run = awaitRun(location);
            assertEquals("SUCCEEDED", run.getString("state"), run.prettify());
        }
        return given().queryParam("q", "Marisol Quintero").when().get("/api/v1/contacts")
                .then().statusCode(200).extract().path("items[0].id");
    }

    static String ndjson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImportFiles.Ndjson sink = new ImportFiles.Ndjson(ImportFiles.mapper(), out)) {
            new SyntheticNetwork(SPEC).generate(sink);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Waits for an import job to end. */
    public static JsonPath awaitImport(String location) {
        return await(location, "QUEUED", "RUNNING");
    }

    /** Waits for an analytics run to end and, when it succeeded, for its communities to be named. */
    private static JsonPath awaitRun(String location) {
        return Awaitility.await(location + " to finish").atMost(Duration.ofMinutes(5))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250))
                .until(() -> given().get(location).then().statusCode(200).extract().jsonPath(),
                        run -> !"RUNNING".equals(run.getString("state"))
                                && (!"SUCCEEDED".equals(run.getString("state")) || run.getString("namedAt") != null));
    }

    private static JsonPath await(String location, String busy, String alsoBusy) {
        return Awaitility.await(location + " to finish").atMost(Duration.ofMinutes(5))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250))
                .until(() -> given().get(location).then().statusCode(200).extract().jsonPath(),
                        job -> !busy.equals(job.getString("state")) && !alsoBusy.equals(job.getString("state")));
    }

    private static long count(DataSource dataSource, String sql) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql);
             ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
