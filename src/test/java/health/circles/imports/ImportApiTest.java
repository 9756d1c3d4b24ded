package health.circles.imports;

import static health.circles.TestTokens.as;
import static health.circles.TestTokens.asClinician;
import static health.circles.TestTokens.bearer;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.TestTokens;
import health.circles.synthetic.SyntheticNetwork;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;

@QuarkusTest
@AsRole("admin")
class ImportApiTest {

    @Inject
    AgroalDataSource db;

    @Inject
    Driver graph;

    @Inject
    ImportRunner runner;

    @AfterEach
    void noCrash() {
        runner.simulateCrash(0, false);
    }

    static String start(String body, String contentType, String query) {
        return given().contentType(contentType).body(body.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .when().post("/api/v1/imports" + query)
                .then().statusCode(202)
                .body("state", org.hamcrest.Matchers.oneOf("QUEUED", "RUNNING", "SUCCEEDED"))
                .extract().header("Location");
    }

    static JsonPath awaitFinished(String location) {
        return await("import " + location + " to finish").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> given().get(location).then().statusCode(200).extract().jsonPath(),
                        job -> !List.of("QUEUED", "RUNNING").contains(job.getString("state")));
    }

    /**
     * Makes a dead replica's job look orphaned (its heartbeat an hour old) and resumes it. The runner's own poll may
     * claim the orphan first, between the two steps: then the resume is refused as the job is running and alive, and
     * the job must carry a newer fencing token than before. Either way one claim hands the job back.
     */
    static void resumeOrphaned(AgroalDataSource db, String location, io.restassured.specification.RequestSpecification as)
            throws Exception {
        String id = location.substring(location.lastIndexOf('/') + 1);
        long before;
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE import_job SET heartbeat_at = now() - interval '1 hour' WHERE id = ?::uuid "
                        + "RETURNING lease_token")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                assertTrue(r.next(), "import " + id + " exists");
                before = r.getLong(1);
            }
        }
        io.restassured.response.Response resumed = as.post(location + "/resume");
        if (resumed.statusCode() == 200) {
            assertTrue(List.of("QUEUED", "RUNNING", "SUCCEEDED").contains(resumed.jsonPath().getString("state")),
                    resumed.asString());
            return;
        }
        assertEquals(409, resumed.statusCode(), resumed.asString());
        assertTrue(resumed.jsonPath().getString("type").endsWith("import-not-resumable"), resumed.asString());
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT lease_token FROM import_job WHERE id = ?::uuid")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                assertTrue(r.getLong(1) > before, "refused only because the runner's poll claimed the orphan first");
            }
        }
    }

    static void awaitGraphInStep() {
        await("outbox backlog to drain").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> given().get("/api/v1/admin/sync").then().extract().jsonPath().getLong("backlog") == 0);
    }

    long sql(String query, Object... params) throws Exception {
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

    long cypher(String query, Map<String, Object> params) {
        return graph.executableQuery(query).withParameters(params).execute().records().get(0).get(0).asLong();
    }

    @Test
    void ndjsonImportLandsContactsTiesAndTouchpointsInBothStores() throws Exception {
        SyntheticNetwork.Spec spec = Networks.spec("nd-", 200, 600);
        long[] counts = Networks.counts(spec);

        JsonPath job = awaitFinished(start(Networks.ndjson(spec), "application/x-ndjson", "?batchSize=250"));

        assertEquals("SUCCEEDED", job.getString("state"), job.prettify());
        assertEquals(100.0, job.getDouble("percent"));
        assertEquals(counts[0] + counts[1] + counts[2], job.getLong("counts.inserted"));
        assertEquals(0, job.getLong("counts.rejected"));
        assertEquals(200, sql("SELECT count(*) FROM contact WHERE external_id LIKE 'nd-%'"));
        assertEquals(600, sql("SELECT count(*) FROM tie WHERE external_id LIKE 'nd-%' AND source = 'IMPORT'"));
        assertEquals(counts[2], sql("SELECT count(*) FROM touchpoint WHERE external_id LIKE 'nd-%'"));
        awaitGraphInStep();
        List<String> ids = given().queryParam("limit", 1).get("/api/v1/contacts").then().extract().jsonPath().getList("items.id");
        assertTrue(!ids.isEmpty());
        assertEquals(600, cypher("""
                MATCH (a:Contact)-[t:TIE]->(b:Contact)
                WHERE t.id IN $ids RETURN count(t)""", Map.of("ids", tieIds("nd-"))));
    }

    List<String> tieIds(String prefix) throws Exception {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT id::text FROM tie WHERE external_id LIKE ?")) {
            s.setString(1, prefix + "%");
            List<String> ids = new java.util.ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    ids.add(r.getString(1));
                }
            }
            return ids;
        }
    }

    @Test
    void importingTheSameFileAgainChangesNothing() throws Exception {
        SyntheticNetwork.Spec spec = Networks.spec("again-", 100, 300);
        String file = Networks.ndjson(spec);
        awaitFinished(start(file, "application/x-ndjson", ""));
        awaitGraphInStep();
        long versions = sql("SELECT sum(version) FROM contact WHERE external_id LIKE 'again-%'");
        long outbox = sql("SELECT coalesce(max(position), 0) FROM outbox");

        JsonPath second = awaitFinished(start(file, "application/x-ndjson", ""));

        assertEquals("SUCCEEDED", second.getString("state"));
        assertEquals(0, second.getLong("counts.inserted"));
        assertEquals(0, second.getLong("counts.updated"));
        assertEquals(second.getLong("counts.read"), second.getLong("counts.unchanged"));
        assertEquals(versions, sql("SELECT sum(version) FROM contact WHERE external_id LIKE 'again-%'"));
        assertEquals(outbox, sql("SELECT coalesce(max(position), 0) FROM outbox"), "no graph changes queued");
    }

    @Test
    void importedTreatsTieIsAssertedAndGrantsAccessWhileImportedTouchpointsInferNone() throws Exception {
        String run = java.util.UUID.randomUUID().toString().substring(0, 8);
        String file = """
                {"record":"contact","externalId":"care-d-%1$s","kind":"PHYSICIAN","givenName":"Ima","familyName":"Ported"}
                {"record":"contact","externalId":"care-p-%1$s","kind":"PATIENT","givenName":"Pam","familyName":"Ported","phone":"+1 555 010 7070"}
                {"record":"contact","externalId":"care-q-%1$s","kind":"PATIENT","givenName":"Quin","familyName":"Ported","phone":"+1 555 010 7071"}
                {"record":"tie","externalId":"care-t-%1$s","from":"care-d-%1$s","to":"care-p-%1$s","type":"TREATS"}
                {"record":"touchpoint","externalId":"care-tp-%1$s","channel":"IN_PERSON","occurredAt":"2026-01-05T10:00:00Z","participants":["care-d-%1$s","care-q-%1$s"]}
                """.formatted(run);
        JsonPath job = awaitFinished(bearer(TestTokens.token("ehr-feed", java.util.Set.of("integration")))
                .contentType("application/x-ndjson").body(file.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .when().post("/api/v1/imports").then().statusCode(202).extract().header("Location"));
        assertEquals(0, job.getLong("counts.rejected"), job.prettify());
        assertEquals(1, sql("SELECT count(*) FROM tie WHERE external_id = ? AND assertion = 'ASSERTED'", "care-t-" + run));
        java.util.UUID doctor = id("care-d-" + run);
        assertEquals(0, sql("SELECT count(*) FROM tie WHERE type = 'TREATS' AND to_id = ?", id("care-q-" + run)));
        asClinician("dr-ported-" + run, doctor).get("/api/v1/contacts/" + id("care-p-" + run))
                .then().statusCode(200).body("phone", org.hamcrest.Matchers.notNullValue());
        asClinician("dr-ported-" + run, doctor).get("/api/v1/contacts/" + id("care-q-" + run))
                .then().statusCode(200).body("phone", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void anImportedClinicalTouchpointKeepsItsTopicToThoseWhoSeeAParticipantWholeAndStaysClinical() throws Exception {
        String run = java.util.UUID.randomUUID().toString().substring(0, 8);
        String contacts = """
                {"record":"contact","externalId":"clin-a-%1$s","kind":"PATIENT","givenName":"Cleo","familyName":"Clinical"}
                {"record":"contact","externalId":"clin-b-%1$s","kind":"NURSE","givenName":"Nia","familyName":"Clinical"}
                """.formatted(run);
        String touchpoint = """
                {"record":"touchpoint","externalId":"clin-tp-%1$s","channel":"HOME_VISIT","occurredAt":"2026-01-05T10:00:00Z","topic":"Wound check","outcome":"Dressing changed","clinical":%2$s,"participants":["clin-a-%1$s","clin-b-%1$s"]}
                """;
        JsonPath job = awaitFinished(start(contacts + touchpoint.formatted(run, "true"), "application/x-ndjson", ""));
        assertEquals(0, job.getLong("counts.rejected"), job.prettify());
        String id = sqlText("SELECT id::text FROM touchpoint WHERE external_id = ?", "clin-tp-" + run);
        as("outreach").get("/api/v1/touchpoints/" + id).then().statusCode(200)
                .body("clinical", org.hamcrest.Matchers.equalTo(true))
                .body("topic", org.hamcrest.Matchers.nullValue()).body("outcome", org.hamcrest.Matchers.nullValue());
        // A later file that says otherwise does not expose it.
        awaitFinished(start(touchpoint.formatted(run, "false"), "application/x-ndjson", ""));
        as("outreach").get("/api/v1/touchpoints/" + id).then().statusCode(200)
                .body("clinical", org.hamcrest.Matchers.equalTo(true)).body("topic", org.hamcrest.Matchers.nullValue());
    }

    private String sqlText(String query, String param) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(query)) {
            s.setString(1, param);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getString(1);
            }
        }
    }

    private java.util.UUID id(String externalId) throws Exception {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT id FROM contact WHERE external_id = ?")) {
            s.setString(1, externalId);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getObject(1, java.util.UUID.class);
            }
        }
    }

    @Test
    void changedRowsAreUpdatedInPlace() throws Exception {
        String first = """
                {"record":"contact","externalId":"upd-1","kind":"PATIENT","givenName":"Ana","familyName":"Lopez"}
                {"record":"contact","externalId":"upd-2","kind":"NURSE","givenName":"Ruth","familyName":"Kim"}
                {"record":"tie","externalId":"upd-t1","from":"upd-2","to":"upd-1","type":"TREATS","declaredStrength":0.4}
                """;
        awaitFinished(start(first, "application/x-ndjson", ""));
        String second = first.replace("\"Lopez\"", "\"López\"").replace("0.4", "0.9");

        JsonPath job = awaitFinished(start(second, "application/x-ndjson", ""));

        assertEquals(2, job.getLong("counts.updated"), job.prettify());
        assertEquals(1, job.getLong("counts.unchanged"));
        assertEquals(1, sql("SELECT version FROM contact WHERE external_id = 'upd-1'"));
        assertEquals(1, sql("SELECT count(*) FROM contact WHERE external_id = 'upd-1' AND display_name = 'Ana López'"));
        assertEquals(1, sql("SELECT count(*) FROM tie WHERE external_id = 'upd-t1' AND strength = 0.9"));
    }

    /**
     * A tie that would duplicate an open tie of its type, stored or earlier in the same batch, is rejected alone: the
     * batch's insert meets the conflict, is redone without that tie, and the rest of the batch lands in both stores.
     * So is an ended tie that a row would reopen beside an open one of its type.
     */
    @Test
    void aTieDuplicatingAnOpenTieIsRejectedAloneAndTheRestOfItsBatchLands() throws Exception {
        String run = java.util.UUID.randomUUID().toString().substring(0, 8);
        String first = """
                {"record":"contact","externalId":"dup-%1$s-1","kind":"PATIENT","givenName":"Ana","familyName":"Ruiz"}
                {"record":"contact","externalId":"dup-%1$s-2","kind":"PATIENT","givenName":"Ben","familyName":"Ode"}
                {"record":"contact","externalId":"dup-%1$s-3","kind":"PATIENT","givenName":"Cal","familyName":"Ito"}
                {"record":"tie","externalId":"dup-%1$s-t1","from":"dup-%1$s-1","to":"dup-%1$s-2","type":"FRIEND_OF"}
                {"record":"tie","externalId":"dup-%1$s-t6","from":"dup-%1$s-1","to":"dup-%1$s-3","type":"FRIEND_OF","since":"2020-01-01","until":"2021-01-01"}
                """.formatted(run);
        awaitFinished(start(first, "application/x-ndjson", ""));
        String second = """
                {"record":"tie","externalId":"dup-%1$s-t2","from":"dup-%1$s-2","to":"dup-%1$s-3","type":"FRIEND_OF"}
                {"record":"tie","externalId":"dup-%1$s-t3","from":"dup-%1$s-2","to":"dup-%1$s-1","type":"FRIEND_OF"}
                {"record":"tie","externalId":"dup-%1$s-t4","from":"dup-%1$s-3","to":"dup-%1$s-2","type":"FRIEND_OF"}
                {"record":"tie","externalId":"dup-%1$s-t5","from":"dup-%1$s-1","to":"dup-%1$s-3","type":"FRIEND_OF"}
                {"record":"tie","externalId":"dup-%1$s-t6","from":"dup-%1$s-1","to":"dup-%1$s-3","type":"FRIEND_OF","since":"2020-01-01"}
                """.formatted(run);

        JsonPath job = awaitFinished(start(second, "application/x-ndjson", ""));

        assertEquals("SUCCEEDED", job.getString("state"), job.prettify());
        assertEquals(2, job.getLong("counts.inserted"), job.prettify());
        assertEquals(0, job.getLong("counts.updated"), job.prettify());
        assertEquals(3, job.getLong("counts.rejected"), job.prettify());
        given().get("/api/v1/imports/" + job.getString("id") + "/errors")
                .then().statusCode(200)
                .body("items.field", equalTo(List.of("type", "type", "until")))
                .body("items.reason[0]", startsWith("an open FRIEND_OF tie already joins these contacts"))
                .body("items.reason[1]", startsWith("an open FRIEND_OF tie already joins these contacts"))
                .body("items.reason[2]", startsWith("reopening would duplicate an open FRIEND_OF tie"));
        assertEquals(1, sql("SELECT count(*) FROM tie WHERE external_id = ? AND until IS NOT NULL",
                "dup-" + run + "-t6"));
        List<String> stored = tieIds("dup-" + run + "-t");
        assertEquals(4, stored.size(), "t1, t5, t6 (still ended) and one of t2 / t4: " + stored);
        assertEquals(1, sql("SELECT count(*) FROM tie WHERE external_id IN (?, ?)", "dup-" + run + "-t2",
                "dup-" + run + "-t4"));
        awaitGraphInStep();
        assertEquals(4, cypher("MATCH ()-[t:TIE]->() WHERE t.id IN $ids RETURN count(t)", Map.of("ids", stored)));
        assertEquals(0, cypher("MATCH (a:Contact)-[t:TIE]-(b:Contact) WHERE a.id IN $ends AND b.id IN $ends "
                + "AND NOT t.id IN $ids RETURN count(t)", Map.of("ids", stored, "ends", List.of(
                id("dup-" + run + "-1").toString(), id("dup-" + run + "-2").toString(),
                id("dup-" + run + "-3").toString()))));
    }

    /**
     * An entry older than a channel's effective answer goes to the ledger's history; imported again, it is held
     * already: the batch's plain insert of the entries meets it, is redone without it, and the rest of the batch
     * lands. The ledger keeps one copy, and the effective answer stays.
     */
    @Test
    void anOlderConsentEntryImportedAgainIsKeptOnceAndTheRestOfItsBatchLands() throws Exception {
        String run = java.util.UUID.randomUUID().toString().substring(0, 8);
        String current = """
                {"record":"contact","externalId":"hist-%1$s","kind":"PATIENT","givenName":"Ida","familyName":"Berg","consent":{"EMAIL":{"status":"GRANTED","at":"2025-06-01T00:00:00Z","source":"intake-form"}}}
                """.formatted(run);
        awaitFinished(start(current, "application/x-ndjson", ""));
        String older = """
                {"record":"contact","externalId":"hist-%1$s","kind":"PATIENT","givenName":"Ida","familyName":"Berg","consent":{"EMAIL":{"status":"DENIED","at":"2024-01-01T00:00:00Z","source":"phone"}}}
                """.formatted(run);
        awaitFinished(start(older, "application/x-ndjson", ""));
        String again = older + """
                {"record":"contact","externalId":"hist-%1$s-b","kind":"PATIENT","givenName":"Jon","familyName":"Berg","consent":{"SMS":{"status":"GRANTED","at":"2025-06-01T00:00:00Z","source":"intake-form"}}}
                """.formatted(run);

        JsonPath job = awaitFinished(start(again, "application/x-ndjson", ""));

        assertEquals("SUCCEEDED", job.getString("state"), job.prettify());
        assertEquals(1, job.getLong("counts.inserted"), job.prettify());
        assertEquals(0, job.getLong("counts.rejected"), job.prettify());
        assertEquals(2, sql("SELECT count(*) FROM consent_entry e JOIN contact c ON c.id = e.contact_id "
                + "WHERE c.external_id = ? AND e.channel = 'EMAIL'", "hist-" + run));
        assertEquals(1, sql("SELECT count(*) FROM contact_consent cc JOIN contact c ON c.id = cc.contact_id "
                + "WHERE c.external_id = ? AND cc.channel = 'EMAIL' AND cc.status = 'GRANTED'", "hist-" + run));
        assertEquals(1, sql("SELECT count(*) FROM consent_entry e JOIN contact c ON c.id = e.contact_id "
                + "WHERE c.external_id = ? AND e.channel = 'SMS'", "hist-" + run + "-b"));
    }

    @Test
    void invalidRowsAreRejectedWithRowFieldAndReasonAndTheRestLands() throws Exception {
        String file = """
                {"record":"contact","externalId":"err-1","kind":"PATIENT","givenName":"Mei","familyName":"Chen"}
                {"record":"contact","externalId":"err-2","kind":"WIZARD","givenName":"Merlin"}
                {"record":"contact","externalId":"err-3","kind":"PATIENT"}
                {"record":"contact","externalId":"err-4","kind":"PATIENT","givenName":"Ruth","email":"not-an-email"}
                {"record":"tie","externalId":"err-t1","from":"err-1","to":"nobody","type":"FRIEND_OF"}
                {"record":"tie","externalId":"err-t2","from":"err-1","to":"err-1","type":"FRIEND_OF"}
                {"record":"tie","externalId":"err-t3","from":"err-1","to":"err-5","type":"TREATS"}
                {"record":"tie","externalId":"err-t4","from":"err-1","to":"err-5","type":"FRIEND_OF","since":"2024-05-01","until":"2024-01-01"}
                {"record":"person","externalId":"err-x"}
                {not json
                {"record":"contact","externalId":"err-5","kind":"CAREGIVER","familyName":"Okafor"}
                {"record":"tie","externalId":"err-t5","from":"err-5","to":"err-1","type":"CARES_FOR"}
                """;

        JsonPath job = awaitFinished(start(file, "application/x-ndjson", ""));

        assertEquals("SUCCEEDED", job.getString("state"));
        assertEquals(12, job.getLong("counts.read"));
        assertEquals(3, job.getLong("counts.inserted"));
        assertEquals(9, job.getLong("counts.rejected"));
        String errors = job.getString("id");
        given().queryParam("limit", 500).get("/api/v1/imports/" + errors + "/errors")
                .then().statusCode(200)
                .body("items.row", equalTo(List.of(2, 3, 4, 5, 6, 7, 8, 9, 10)))
                .body("items.find { it.row == 2 }.field", equalTo("kind"))
                .body("items.find { it.row == 3 }.field", equalTo("familyName"))
                .body("items.find { it.row == 4 }.field", equalTo("email"))
                .body("items.find { it.row == 5 }.field", equalTo("to"))
                .body("items.find { it.row == 6 }.reason", startsWith("a tie joins two different"))
                .body("items.find { it.row == 7 }.field", equalTo("type"))
                .body("items.find { it.row == 8 }.field", equalTo("until"))
                .body("items.find { it.row == 9 }.field", equalTo("record"))
                .body("items.find { it.row == 10 }.reason", startsWith("not well-formed JSON"));
        given().queryParam("limit", 4).get("/api/v1/imports/" + errors + "/errors")
                .then().statusCode(200).body("items.row", equalTo(List.of(2, 3, 4, 5)))
                .body("next", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void csvFilesImportOneRecordTypeEach() throws Exception {
        SyntheticNetwork.Spec spec = Networks.spec("csv-", 80, 200);
        Path dir = Networks.csv(spec);
        long[] counts = Networks.counts(spec);

        JsonPath contacts = awaitFinished(start(Files.readString(dir.resolve("contacts.csv")), "text/csv", "?type=contact"));
        JsonPath ties = awaitFinished(start(Files.readString(dir.resolve("ties.csv")), "text/csv", "?type=tie"));
        JsonPath touchpoints = awaitFinished(start(Files.readString(dir.resolve("touchpoints.csv")), "text/csv",
                "?type=touchpoint"));

        assertEquals(80, contacts.getLong("counts.inserted"), contacts.prettify());
        assertEquals(200, ties.getLong("counts.inserted"), ties.prettify());
        assertEquals(counts[2], touchpoints.getLong("counts.inserted"), touchpoints.prettify());
        assertEquals(1, sql("""
                SELECT count(*) FROM contact_consent cc JOIN contact c ON c.id = cc.contact_id
                WHERE c.external_id = 'csv-c0' AND cc.channel = 'EMAIL'""") + sql("""
                SELECT count(*) FROM contact c WHERE c.external_id = 'csv-c0'
                AND NOT EXISTS (SELECT 1 FROM contact_consent cc WHERE cc.contact_id = c.id AND cc.channel = 'EMAIL')"""));
    }

    @Test
    void csvWithAnUnknownColumnIsRefusedBeforeAJobStarts() {
        given().contentType("text/csv").body("externalId,kind,shoeSize\nx-1,PATIENT,42\n")
                .when().post("/api/v1/imports?type=contact")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("shoeSize"));
    }

    @Test
    void otherFormatsAndOversizedBodiesAreRefused() {
        given().contentType("application/xml").body("<contacts/>")
                .when().post("/api/v1/imports")
                .then().statusCode(415);
        given().contentType("application/x-ndjson").body(new byte[3 * 1024 * 1024])
                .when().post("/api/v1/imports")
                .then().statusCode(413).contentType("application/problem+json");
        // Other routes keep the general limit, below the import one.
        given().contentType("application/json").body("{\"kind\":\"PATIENT\",\"notes\":\"" + "x".repeat(1_200_000) + "\"}")
                .when().post("/api/v1/contacts")
                .then().statusCode(413);
    }

    @Test
    void importKilledMidBatchLeavesNoPartialBatchAndResumesFromItsCheckpoint() throws Exception {
        SyntheticNetwork.Spec spec = Networks.spec("kill-", 100, 200);
        long[] counts = Networks.counts(spec);
        int crashesBefore = runner.crashes();
        runner.simulateCrash(2, true);

        String location = start(Networks.ndjson(spec), "application/x-ndjson", "?batchSize=60");
        await("the simulated crash").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> runner.crashes() != crashesBefore);
        runner.simulateCrash(0, false);
        JsonPath dead = given().get(location).then().extract().jsonPath();
        assertEquals("RUNNING", dead.getString("state"), "a dead process leaves its job RUNNING");
        assertEquals(1, dead.getInt("batches"));
        assertEquals(60, sql("SELECT count(*) FROM contact WHERE external_id LIKE 'kill-%'"), "only the first batch");
        given().post(location + "/resume").then().statusCode(409); // its heartbeat is fresh: maybe still alive

        // The runner may pick the job up before the answer is written: QUEUED or already RUNNING.
        resumeOrphaned(db, location, given());
        JsonPath done = awaitFinished(location);

        assertEquals("SUCCEEDED", done.getString("state"));
        assertEquals(counts[0] + counts[1] + counts[2], done.getLong("counts.inserted"));
        assertEquals(100, sql("SELECT count(*) FROM contact WHERE external_id LIKE 'kill-%'"));
        assertEquals(200, sql("SELECT count(DISTINCT external_id) FROM tie WHERE external_id LIKE 'kill-%'"));
        assertEquals(200, sql("SELECT count(*) FROM tie WHERE external_id LIKE 'kill-%'"));
    }

    /**
     * Batches are read ahead, while the one before commits: a file that turns unreadable in a later batch still
     * commits every batch before it, then fails with the reader's own message, the failing batch left out whole.
     */
    @Test
    void anUnreadableLaterBatchFailsTheJobAfterTheBatchesBeforeItCommitted() throws Exception {
        StringBuilder csv = new StringBuilder("externalId,kind,givenName,familyName\n");
        for (int i = 1; i <= 5; i++) {
            csv.append("ahead-").append(i).append(",PATIENT,Ana,Lopez").append(i).append('\n');
        }
        csv.append("ahead-6,PATIENT,\"Ana,Lopez\n"); // a quote never closed: row 6 cannot be read

        JsonPath job = awaitFinished(start(csv.toString(), "text/csv", "?type=contact&batchSize=2"));

        assertEquals("FAILED", job.getString("state"), job.prettify());
        assertTrue(job.getString("error").startsWith("CSV row 6 cannot be read"), job.getString("error"));
        assertEquals(2, job.getInt("batches"), "rows 1-2 and 3-4 committed; 5-6 is the batch that failed");
        assertEquals(4, sql("SELECT count(*) FROM contact WHERE external_id LIKE 'ahead-%'"));
    }

    @Test
    void unknownImportIsNotFound() {
        given().get("/api/v1/imports/" + java.util.UUID.randomUUID())
                .then().statusCode(404).contentType("application/problem+json");
        given().get("/api/v1/imports/nope").then().statusCode(400);
    }
}
