package health.circles.analytics;

import static health.circles.TestTokens.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.SmallBoundsProfile;
import health.circles.sync.GraphRelay;
import health.circles.web.MapNetwork;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Community names over several runs and an erasure, on five clinics with ten members each: generated names go with the
 * snapshots past their retention (here two runs), the names staff chose stay, and an erased organisation leaves every
 * generated name and summary, stored or shown.
 */
@QuarkusTest
@AsRole("admin")
@TestProfile(SmallBoundsProfile.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CommunityNameRetentionTest {

    private static final List<String> CLINICS = List.of("Alder", "Birch", "Cedar", "Dogwood", "Elm");

    @Inject
    AgroalDataSource dataSource;

    @Inject
    GraphRelay relay;

    private boolean loaded;

    /** Loaded by the first test rather than in a @BeforeAll, which runs before the test port is known. */
    @BeforeEach
    void fiveClinics() throws SQLException {
        if (loaded) {
            return;
        }
        loaded = true;
        // Each clinic: the organisation, ten members who belong to it, share its postal code and a language and know
        // each other; a few weak ties between neighbouring clinics keep the network in one piece.
        StringBuilder file = new StringBuilder();
        for (int c = 0; c < CLINICS.size(); c++) {
            String clinic = CLINICS.get(c);
            file.append(contact("ret-%s".formatted(clinic), "ORGANIZATION", null, clinic + " Clinic",
                    "9100" + c, "fr"));
            for (int m = 0; m < 10; m++) {
                file.append(contact("ret-%s-%d".formatted(clinic, m), m % 2 == 0 ? "PATIENT" : "CAREGIVER",
                        clinic + "member" + m, null, "9100" + c, c % 2 == 0 ? "es" : "vi"));
                file.append(tie("ret-%s-w%d".formatted(clinic, m), "ret-%s-%d".formatted(clinic, m),
                        "ret-" + clinic, "MEMBER_OF", 0.9));
                for (int k = 1; k <= 3; k++) {
                    file.append(tie("ret-%s-f%d-%d".formatted(clinic, m, k), "ret-%s-%d".formatted(clinic, m),
                            "ret-%s-%d".formatted(clinic, (m + k) % 10), "FRIEND_OF", 0.8));
                }
            }
            int next = (c + 1) % CLINICS.size();
            file.append(tie("ret-bridge-" + c, "ret-%s-0".formatted(clinic),
                    "ret-%s-5".formatted(CLINICS.get(next)), "NEIGHBOR_OF", 0.1));
        }
        importFile(file.toString());
    }

    @Test
    @Order(1)
    void generatedNamesGoWithTheSnapshotsPastTheRetentionAndStaffNamesStay() throws SQLException {
        String run1 = run();
        awaitNamed(run1); // reads never wait for naming: right after a run they may show no names yet
        Map<String, Long> communityOf = new java.util.HashMap<>();
        for (String clinic : CLINICS) {
            communityOf.put(clinic, communityNamedAfter(clinic + " Clinic"));
        }
        assertEquals(CLINICS.size(), Set.copyOf(communityOf.values()).size(), "one community per clinic: " + communityOf);
        // Every community of the run, at every level, has its name row; Elm's and Dogwood's communities are about to go.
        Set<Long> run1Communities = ids("SELECT id FROM analytics_community WHERE run_id = ?::uuid", run1);
        assertEquals(run1Communities, ids("SELECT community_id FROM analytics_community_name"));
        long alder = communityOf.get("Alder");
        long dogwood = communityOf.get("Dogwood");
        long elm = communityOf.get("Elm");
        rename(alder, "Alder families");
        rename(dogwood, "Dogwood pop-up volunteers");

        // Dogwood and Elm close: their ties end, so the next runs have no community like theirs.
        StringBuilder ended = new StringBuilder();
        for (String clinic : List.of("Dogwood", "Elm")) {
            for (int m = 0; m < 10; m++) {
                ended.append(tie("ret-%s-w%d".formatted(clinic, m), "ret-%s-%d".formatted(clinic, m),
                        "ret-" + clinic, "MEMBER_OF", 0.9, "2020-01-01"));
                for (int k = 1; k <= 3; k++) {
                    ended.append(tie("ret-%s-f%d-%d".formatted(clinic, m, k), "ret-%s-%d".formatted(clinic, m),
                            "ret-%s-%d".formatted(clinic, (m + k) % 10), "FRIEND_OF", 0.8, "2020-01-01"));
                }
            }
        }
        importFile(ended.toString());

        String run2 = run();
        Set<Long> gone = new TreeSet<>(run1Communities);
        gone.removeAll(ids("SELECT id FROM analytics_community WHERE run_id = ?::uuid", run2));
        assertTrue(gone.contains(elm) && gone.contains(dogwood), "Elm and Dogwood have no community in run 2: " + gone);
        // Run 1 is still kept (two runs): nothing of its names goes yet.
        awaitNamed(run2);
        assertTrue(ids("SELECT community_id FROM analytics_community_name").containsAll(gone),
                "names of communities a kept run holds stay");
        assertEquals(1, count("SELECT count(*) FROM analytics_community_naming WHERE run_id = ?::uuid", run1));

        String run3 = run();
        awaitNamed(run3);
        Set<Long> goneForGood = new TreeSet<>(gone);
        goneForGood.removeAll(ids("SELECT id FROM analytics_community WHERE run_id = ?::uuid", run3));
        goneForGood.remove(dogwood);
        assertTrue(goneForGood.contains(elm), goneForGood.toString());
        Awaitility.await("names pruned with run 1's snapshot").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> count("SELECT count(*) FROM analytics_community_naming WHERE run_id = ?::uuid", run1) == 0);
        assertEquals(0, count("SELECT count(*) FROM analytics_community WHERE run_id = ?::uuid", run1),
                "run 1's snapshot is pruned");
        Set<Long> stored = ids("SELECT community_id FROM analytics_community_name");
        for (long id : goneForGood) {
            assertFalse(stored.contains(id), "the generated name of community " + id + " went with run 1");
        }
        // What is left: the communities of the kept runs, and the name staff chose for one that is gone.
        Set<Long> kept = ids("SELECT id FROM analytics_community WHERE run_id IN (?::uuid, ?::uuid)", run2, run3);
        Set<Long> expected = new TreeSet<>(kept);
        expected.add(dogwood);
        assertEquals(expected, stored);
        assertEquals("Dogwood pop-up volunteers", text(
                "SELECT custom_name FROM analytics_community_name WHERE community_id = ?", dogwood));
        assertEquals(Set.of(run2, run3), strings("SELECT run_id::text FROM analytics_community_naming"));
        // The renamed community that lives on is still shown with its name.
        given().get("/api/v1/communities/" + alder).then().statusCode(200)
                .body("summary.name", equalTo("Alder families")).body("runId", equalTo(run3));
    }

    @Test
    @Order(2)
    void anErasedOrganisationLeavesEveryGeneratedNameAndSummary() throws SQLException {
        String birch = text("SELECT id::text FROM contact WHERE external_id = 'ret-Birch'");
        long community = communityNamedAfter("Birch Clinic");
        JsonPath before = given().get("/api/v1/communities/" + community).then().statusCode(200).extract().jsonPath();
        assertTrue(before.getString("summary.description").contains("tied to Birch Clinic"), before.prettify());
        // A community staff renamed keeps their name; its generated name and facts lose the organisation all the same.
        rename(community, "Birch Street regulars");
        assertTrue(count("""
                SELECT count(*) FROM analytics_community_name
                WHERE generated_name LIKE '%Birch Clinic%' OR summary LIKE '%Birch Clinic%'""") >= 1);

        as("admin").post("/api/v1/contacts/" + birch + "/erasure").then().statusCode(204);

        // Stored: no generated name, summary or fact of any community names it or holds its id any more.
        assertEquals(0, count("""
                SELECT count(*) FROM analytics_community_name
                WHERE generated_name LIKE '%Birch Clinic%' OR summary LIKE '%Birch Clinic%'
                   OR facts::text LIKE '%Birch Clinic%' OR facts::text LIKE '%' || ? || '%'""", birch));
        // Shown: named again from what is left (the postal code its members share), the staff name unchanged.
        String list = given().queryParam("limit", 200).get("/api/v1/communities").then().statusCode(200)
                .extract().asString();
        assertFalse(list.contains("Birch Clinic"), list);
        assertFalse(list.contains(birch), list);
        given().get("/api/v1/communities/" + community).then().statusCode(200)
                .body("summary.name", equalTo("Birch Street regulars"))
                .body(not(org.hamcrest.Matchers.containsString("Birch Clinic")));
        // Reads never wait on naming: the first ones after the erasure may show "Community N" while the naming they
        // started runs in the background; none ever shows the organisation.
        JsonPath after = Awaitility.await("named again").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> given().get("/api/v1/communities/" + community).then().statusCode(200)
                        .body(not(org.hamcrest.Matchers.containsString("Birch Clinic"))).extract().jsonPath(),
                        j -> j.getString("summary.generatedName").contains("91001"));
        assertEquals("Birch Street regulars", after.getString("summary.name"));
        assertTrue(after.getString("summary.description").contains("in postal code 91001"), after.prettify());
        given().get("/api/v1/communities/" + community + "/name").then().statusCode(200)
                .body("name", equalTo("Birch Street regulars"))
                .body(not(org.hamcrest.Matchers.containsString("Birch Clinic")));
        for (String map : List.of("/api/v1/maps/overview", "/api/v1/maps/communities/" + community + "?neighbours=true")) {
            String body = given().get(map).then().statusCode(200).extract().asString();
            assertFalse(body.contains("Birch Clinic"), map + ": " + body);
        }
        assertEquals(0, count("""
                SELECT count(*) FROM analytics_community_name
                WHERE generated_name LIKE '%Birch Clinic%' OR summary LIKE '%Birch Clinic%'
                   OR facts::text LIKE '%Birch Clinic%'"""), "nor once named again");
    }

    // ---- Helpers ---------------------------------------------------------------------------------------------------

    /** Starts a run, waits for it to succeed and answers its id. */
    private String run() {
        String location = given().contentType("application/json").body("{}").post("/api/v1/analytics/runs")
                .then().statusCode(202).extract().header("Location");
        JsonPath run = Awaitility.await(location).atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                .until(() -> given().get(location).then().statusCode(200).extract().jsonPath(),
                        r -> !"RUNNING".equals(r.getString("state")));
        assertEquals("SUCCEEDED", run.getString("state"), run.prettify());
        return run.getString("id");
    }

    private void awaitNamed(String run) {
        Awaitility.await("run " + run + " named").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> count("SELECT count(*) FROM analytics_community_naming WHERE run_id = ?::uuid", run) == 1);
    }

    /** The id of the finest community of the latest run whose generated name holds the text. */
    private long communityNamedAfter(String text) throws SQLException {
        long finest = count("""
                SELECT coalesce(max(level), 0) FROM analytics_community WHERE run_id = (
                    SELECT id FROM analytics_run WHERE state = 'SUCCEEDED' ORDER BY finished_at DESC LIMIT 1)""");
        List<Map<String, Object>> all = new ArrayList<>();
        for (long level = finest; level >= 0; level--) {
            all.addAll(given().queryParam("level", level).queryParam("limit", 200).get("/api/v1/communities")
                    .then().statusCode(200).extract().jsonPath().getList("items"));
        }
        return all.stream().filter(c -> String.valueOf(c.get("generatedName")).contains(text))
                .mapToLong(c -> ((Number) c.get("id")).longValue()).findFirst()
                .orElseThrow(() -> new AssertionError("no community named after " + text + ": " + all));
    }

    private void rename(long community, String name) {
        String etag = given().get("/api/v1/communities/" + community + "/name").then().statusCode(200)
                .extract().header("ETag");
        given().contentType("application/json").header("If-Match", etag).body(Map.of("name", name))
                .put("/api/v1/communities/" + community + "/name").then().statusCode(200)
                .body("name", equalTo(name));
    }

    private void importFile(String ndjson) throws SQLException {
        JsonPath job = MapNetwork.awaitImport(given().contentType("application/x-ndjson")
                .body(ndjson.getBytes(StandardCharsets.UTF_8)).post("/api/v1/imports").then().statusCode(202)
                .extract().header("Location"));
        assertEquals("SUCCEEDED", job.getString("state"), job.prettify());
        assertEquals(0, job.getLong("counts.rejected"), job.prettify());
        long position = count("SELECT coalesce(max(position), 0) FROM outbox");
        assertTrue(relay.awaitApplied(position, Duration.ofMinutes(2)), "the relay projected the import");
    }

    private static String contact(String externalId, String kind, String given, String organisation, String postal,
                                  String language) {
        return given == null
                ? """
                  {"record":"contact","externalId":"%s","kind":"%s","organizationName":"%s","postalCode":"%s"}
                  """.formatted(externalId, kind, organisation, postal)
                : """
                  {"record":"contact","externalId":"%s","kind":"%s","givenName":"%s","familyName":"Retention","postalCode":"%s","languages":["%s"]}
                  """.formatted(externalId, kind, given, postal, language);
    }

    private static String tie(String externalId, String from, String to, String type, double strength) {
        return """
               {"record":"tie","externalId":"%s","from":"%s","to":"%s","type":"%s","declaredStrength":%s}
               """.formatted(externalId, from, to, type, strength);
    }

    private static String tie(String externalId, String from, String to, String type, double strength, String until) {
        return """
               {"record":"tie","externalId":"%s","from":"%s","to":"%s","type":"%s","declaredStrength":%s,"until":"%s"}
               """.formatted(externalId, from, to, type, strength, until);
    }

    private Set<Long> ids(String sql, Object... params) throws SQLException {
        Set<Long> out = new TreeSet<>();
        query(sql, params, r -> out.add(r.getLong(1)));
        return out;
    }

    private Set<String> strings(String sql, Object... params) throws SQLException {
        Set<String> out = new TreeSet<>();
        query(sql, params, r -> out.add(r.getString(1)));
        return out;
    }

    private String text(String sql, Object... params) throws SQLException {
        List<String> out = new ArrayList<>();
        query(sql, params, r -> out.add(r.getString(1)));
        assertEquals(1, out.size(), sql);
        return out.get(0);
    }

    private long count(String sql, Object... params) throws SQLException {
        List<Long> out = new ArrayList<>();
        query(sql, params, r -> out.add(r.getLong(1)));
        return out.get(0);
    }

    private interface Row {
        void read(ResultSet r) throws SQLException;
    }

    private void query(String sql, Object[] params, Row row) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    row.read(r);
                }
            }
        }
    }
}
