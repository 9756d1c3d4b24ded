package health.circles.security;

import static health.circles.Fixtures.contact;
import static health.circles.Fixtures.tie;
import static health.circles.TestTokens.as;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.Anonymous;
import health.circles.Fixtures;
import health.circles.contact.ErasureSweep;
import health.circles.graph.Graph;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;

/** Erasure: gone from both stores and every derived record, touchpoints anonymised, audit kept, idempotent. */
@QuarkusTest
@Anonymous
class ErasureApiTest {

    /** The only tables that may still hold an erased contact's id: the audit trail and the erasure register. */
    private static final Set<String> KEEP_THE_ID = Set.of("audit_event", "contact_erasure",
            // break-the-glass accesses are security records kept with the id (their free text goes)
            "emergency_access",
            // change events hold ids and field names only, by construction; contact.erased must name the id so that
            // subscribers erase their copies; they go at the end of the events' retention (docs/events.md)
            "change_event");

    @Inject
    AgroalDataSource db;

    @Inject
    ErasureSweep sweep;

    @ConfigProperty(name = "circles.imports.dir")
    String importsDir;

    @Inject
    Driver driver;

    @Inject
    Graph graph;

    @Inject
    health.circles.analytics.AnalyticsRunner runner;

    @Inject
    health.circles.analytics.ExactBetweenness exact;

    @Test
    void aNameTheContactHadBeforeAnUpdateLeavesTheSearchLexiconToo() {
        String maiden = "Qwxmaiden" + Long.toString(System.nanoTime(), 36).replaceAll("[0-9]", "q");
        String shared = "Qwxshared" + Long.toString(System.nanoTime(), 36).replaceAll("[0-9]", "q");
        UUID renamed = contact().patient().named("Ilse", maiden).create().uuid();
        UUID other = contact().patient().named(shared, "Keeps").create().uuid();
        assertEquals(1, words(maiden));
        as("admin").contentType("application/merge-patch+json").header("If-Match", "\"0\"")
                .body("{\"familyName\":\"" + shared + "\"}").when().patch("/api/v1/contacts/" + renamed)
                .then().statusCode(200);
        as("admin").when().post("/api/v1/contacts/" + renamed + "/erasure").then().statusCode(204);
        awaitSwept(renamed);
        // The erased contact's earlier name is gone once the erasure is swept; the name another contact has stays.
        assertEquals(0, words(maiden));
        assertEquals(1, words(shared), "still held by another contact");
        as("admin").header("If-Match", "\"0\"").when().delete("/api/v1/contacts/" + other).then().statusCode(204);
        assertEquals(0, words(shared), "a deletion takes out the words only it held");
    }

    /** 1 when the lexicon holds the word (as the search index spells it: lower case), else 0. */
    private long words(String word) {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM search_lexicon WHERE word = lower(?)")) {
            s.setString(1, word);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void erasedContactIsGoneFromBothStoresWithItsTiesAndItsPlaceInTouchpoints() throws SQLException {
        UUID erased = contact().patient().named("Ernestine", "Zyxwvutson").fullRecord().create().uuid();
        UUID friend = contact().patient().named("Fritz", "Friendly").fullRecord().create().uuid();
        UUID tie = tie(erased, friend).type("FRIEND_OF").notes("met at clinic").create().uuid();
        UUID touchpoint = touchpoint(erased, friend);
        as("admin").when().get("/api/v1/contacts/" + erased).then().statusCode(200);
        awaitGraph("MATCH (c:Contact {id: $id}) RETURN count(c) AS n", erased, 1);

        as("admin").when().post("/api/v1/contacts/" + erased + "/erasure").then().statusCode(204);

        as("admin").when().get("/api/v1/contacts/" + erased).then().statusCode(404);
        as("admin").when().get("/api/v1/ties/" + tie).then().statusCode(404);
        as("admin").when().get("/api/v1/contacts/" + friend + "/ties").then().statusCode(200)
                .body("items.size()", equalTo(0));
        assertEquals(0, count("SELECT count(*) FROM touchpoint_participant WHERE contact_id = ?", erased));
        assertEquals(1, count("SELECT count(*) FROM touchpoint_participant WHERE contact_id = ?", friend));
        assertEquals(1, count("SELECT count(*) FROM touchpoint WHERE id = ? AND topic IS NULL AND outcome IS NULL",
                touchpoint));
        assertEquals(0, count("SELECT count(*) FROM search_lexicon WHERE word = 'zyxwvutson' AND ? IS NOT NULL", erased));
        assertEquals(1, count("SELECT count(*) FROM contact_erasure WHERE contact_id = ?", erased));
        assertTrue(count("SELECT count(*) FROM audit_event WHERE contact_ids @> ARRAY[?]::uuid[]", erased) >= 2,
                "the audit trail keeps the erased contact's id");
        assertEquals(0, count("SELECT count(*) FROM outbox WHERE aggregate_id = ? AND payload::text LIKE '%Zyxwvutson%'",
                erased));
        awaitGraph("MATCH (c:Contact {id: $id}) RETURN count(c) AS n", erased, 0);
        awaitGraph("MATCH ()-[t:TIE {id: $id}]-() RETURN count(t) AS n", tie, 0);
    }

    @Test
    void erasingTwiceAnswersAlikeAndUnknownIdsAreNotFound() {
        UUID erased = contact().patient().named("Ida", "Idempotent").fullRecord().create().uuid();
        as("admin").when().delete("/api/v1/contacts/" + erased + "?erase=true").then().statusCode(204);
        as("admin").when().post("/api/v1/contacts/" + erased + "/erasure").then().statusCode(204);
        as("admin").when().delete("/api/v1/contacts/" + erased + "?erase=true").then().statusCode(204);
        as("admin").when().post("/api/v1/contacts/" + UUID.randomUUID() + "/erasure").then().statusCode(404)
                .contentType("application/problem+json");
        // The trail tells the erasures from deletions, whichever of the two paths asked for them.
        assertEquals(List.of("erase", "erase", "erase"), health.circles.Sql.query(db, """
                SELECT action FROM audit_event WHERE resource_type = 'contact' AND resource_id = ?
                  AND action IN ('delete', 'erase') ORDER BY id""", List.of(erased.toString()), r -> r.getString(1)));
    }

    @Test
    void onlyAdminsErase() {
        UUID patient = contact().patient().named("Otis", "Onlyadmin").fullRecord().create().uuid();
        for (String role : new String[] {"clinician", "outreach", "analyst", "integration"}) {
            as(role).when().post("/api/v1/contacts/" + patient + "/erasure").then().statusCode(403);
        }
        as("admin").when().get("/api/v1/contacts/" + patient).then().statusCode(200);
    }

    @Test
    void erasureWorksWhileNeo4jIsDownAndReachesTheGraphWhenItReturns() {
        UUID erased = contact().patient().named("Dana", "Downtime").fullRecord().create().uuid();
        awaitGraph("MATCH (c:Contact {id: $id}) RETURN count(c) AS n", erased, 1);
        graph.embedded().stop();
        try {
            as("admin").when().post("/api/v1/contacts/" + erased + "/erasure").then().statusCode(204);
            as("admin").when().get("/api/v1/contacts/" + erased).then().statusCode(404);
        } finally {
            graph.embedded().start();
        }
        awaitGraph("MATCH (c:Contact {id: $id}) RETURN count(c) AS n", erased, 0);
    }

    @Test
    void erasureLeavesNoTraceInAnyTableOrImportFileAndNeitherResumeNorReimportBringsThePersonBack() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String given = "Philippa";
        String family = "Quarrendonvale";
        String externalId = "mrn-erase-" + suffix;
        String friendId = "mrn-keep-" + suffix;
        String file = """
                {"record":"contact","externalId":"%1$s","kind":"PATIENT","givenName":"%3$s","familyName":"%4$s","email":"pq@example.org","consent":{"SMS":{"status":"GRANTED","source":"intake form"}}}
                {"record":"contact","externalId":"%2$s","kind":"CAREGIVER","givenName":"Keeper","familyName":"Staysput"}
                {"record":"tie","externalId":"tie-%1$s","from":"%2$s","to":"%1$s","type":"CARES_FOR","declaredStrength":0.7}
                {"record":"touchpoint","externalId":"visit-%1$s","channel":"HOME_VISIT","occurredAt":"2025-03-01T10:00:00Z","topic":"visit to %3$s","participants":["%1$s","%2$s"]}
                """.formatted(externalId, friendId, given, family);
        awaitImport(startImport(file));
        UUID erased = contactByExternalId(externalId);
        UUID friend = contactByExternalId(friendId);
        awaitGraph("MATCH (c:Contact {id: $id}) RETURN count(c) AS n", erased, 1);
        awaitGraph("MATCH (:Contact {id: $id})-[t:TIE]-() RETURN count(t) AS n", erased, 1);
        analyticsRun();
        as("admin").queryParam("contact", erased.toString()).when().get("/api/v1/influencers").then().statusCode(200)
                .body("items.size()", equalTo(1));
        // A failed import of the same file that never got past its first row: its file waits in the imports folder,
        // its error names the person. A carriage return inside a row is JSON whitespace to the importer, which ends
        // rows at line feeds only; the scrub must cut the rows the same way.
        UUID failed = failedImport(file.replaceFirst(",\"externalId\"", ",\r\"externalId\""),
                "row 1: " + given + " " + family + " (" + externalId + ") could not be written");

        as("admin").when().post("/api/v1/contacts/" + erased + "/erasure").then().statusCode(204);

        awaitGraph("MATCH (c:Contact {id: $id}) RETURN count(c) AS n", erased, 0);
        awaitSwept(erased);
        Path stored = Path.of(importsDir, failed + ".ndjson");
        awaitFileWithout(stored, erased.toString(), externalId, given, family);
        assertNoTrace(erased, externalId, given, family);
        // The rest of the failed file is still there to resume.
        assertTrue(Files.readString(stored).contains(friendId));

        as("admin").when().post("/api/v1/imports/" + failed + "/resume").then().statusCode(200);
        awaitImport("/api/v1/imports/" + failed);
        String again = startImport(file);
        JsonPath reimported = awaitImport(again);
        assertEquals(3, reimported.getInt("counts.rejected"), "the erased contact's row, its tie and its touchpoint");
        List<String> reasons = as("admin").when().get(again + "/errors").then().statusCode(200).extract().jsonPath()
                .getList("items.reason");
        assertEquals(List.of("erased on request", "names a contact erased on request",
                "names a contact erased on request"), reasons);
        as("admin").contentType(ContentType.JSON).body("""
                        {"kind":"PATIENT","givenName":"%s","familyName":"%s","externalId":"%s"}"""
                        .formatted(given, family, externalId))
                .when().post("/api/v1/contacts").then().statusCode(409).contentType("application/problem+json")
                .body("type", endsWith("/erased-external-id"));

        assertEquals(0, count("SELECT count(*) FROM contact WHERE given_name = 'Philippa' AND ? IS NOT NULL", erased));
        assertEquals(1, count("SELECT count(*) FROM contact WHERE id = ?", friend));
        assertNoTrace(erased, externalId, given, family);
        var unknown = as("admin").queryParam("contact", UUID.randomUUID().toString()).when().get("/api/v1/influencers")
                .then().extract();
        as("admin").queryParam("contact", erased.toString()).when().get("/api/v1/influencers").then()
                .statusCode(unknown.statusCode()).body("items.size()", equalTo(unknown.jsonPath().getList("items").size()));
    }

    /**
     * Every column of every table that can hold text (text, uuid, json, arrays, search vectors), cast to text: none may
     * hold the contact's id, external id or names, except that the audit trail and the register keep the id.
     */
    private void assertNoTrace(UUID id, String... words) throws SQLException {
        List<String> found = new ArrayList<>();
        try (Connection c = db.getConnection()) {
            List<String[]> columns = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT c.table_name, c.column_name FROM information_schema.columns c
                    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                    WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
                      AND c.data_type IN ('text', 'character varying', 'character', 'uuid', 'json', 'jsonb', 'ARRAY',
                                          'tsvector', 'bytea')
                    ORDER BY 1, 2"""); ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    columns.add(new String[] {r.getString(1), r.getString(2)});
                }
            }
            assertTrue(columns.size() > 20, "the schema's columns are listed");
            for (String[] column : columns) {
                List<String> needles = new ArrayList<>(List.of(words));
                if (!KEEP_THE_ID.contains(column[0])) {
                    needles.add(id.toString());
                } else if (!column[0].equals("emergency_access")) {
                    needles.clear(); // the trail and the register: ids only, by construction
                }
                for (String needle : needles) {
                    String sql = "SELECT count(*) FROM \"" + column[0] + "\" WHERE strpos(lower(CAST(\"" + column[1]
                            + "\" AS text)), lower(?)) > 0";
                    try (PreparedStatement s = c.prepareStatement(sql)) {
                        s.setString(1, needle);
                        try (ResultSet r = s.executeQuery()) {
                            r.next();
                            if (r.getLong(1) > 0) {
                                found.add(column[0] + "." + column[1] + " holds " + needle);
                            }
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), found);
    }

    private String startImport(String ndjson) {
        return as("admin").contentType("application/x-ndjson").body(ndjson.getBytes(StandardCharsets.UTF_8))
                .when().post("/api/v1/imports").then().statusCode(202).extract().header("Location");
    }

    private JsonPath awaitImport(String location) {
        JsonPath job = await("import " + location + " to finish").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> as("admin").when().get(location).then().statusCode(200).extract().jsonPath(),
                        j -> !List.of("QUEUED", "RUNNING").contains(j.getString("state")));
        assertEquals("SUCCEEDED", job.getString("state"), () -> "import failed: " + job.getString("error"));
        return job;
    }

    /** A job that failed before its first batch committed, with its file kept for resumption. */
    private UUID failedImport(String ndjson, String error) throws Exception {
        UUID job = UUID.randomUUID();
        Files.createDirectories(Path.of(importsDir));
        Files.writeString(Path.of(importsDir, job + ".ndjson"), ndjson);
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                INSERT INTO import_job (id, state, format, file_name, size_bytes, batch_size, error, started_at,
                                        finished_at)
                VALUES (?, 'FAILED', 'NDJSON', ?, ?, 100, ?, now(), now())""")) {
            s.setObject(1, job);
            s.setString(2, job + ".ndjson");
            s.setLong(3, ndjson.getBytes(StandardCharsets.UTF_8).length);
            s.setString(4, error);
            s.executeUpdate();
        }
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                INSERT INTO import_error (job_id, row_no, seq, field, reason) VALUES (?, 3, 0, 'to', ?)""")) {
            s.setObject(1, job);
            s.setString(2, "no contact has externalId " + error.substring(error.indexOf('(') + 1, error.indexOf(')')));
            s.executeUpdate();
        }
        return job;
    }

    /**
     * A contact erased after a run's communities were written beside betweenness, and before the run ends, is in none
     * of the run's rows: the communities' part is done again without it.
     */
    @Test
    void aContactErasedWhileARunComputesIsInNoneOfItsRows() throws SQLException {
        UUID erased = contact().patient().named("Ysoldine", "Midrunova").create().uuid();
        UUID friend = contact().patient().named("Konstanze", "Nearby").create().uuid();
        tie(erased, friend).type("FRIEND_OF").create();
        awaitGraph("MATCH (:Contact {id: $id})-[t:TIE]-() RETURN count(t) AS n", erased, 1);
        runner.beforeFinish(() -> as("admin").when().post("/api/v1/contacts/" + erased + "/erasure")
                .then().statusCode(204));
        String run;
        try {
            run = Fixtures.analyticsRun(Duration.ofMinutes(5));
        } finally {
            runner.beforeFinish(null);
        }
        awaitGraph("MATCH (c:Contact {id: $id}) RETURN count(c) AS n", erased, 0);
        awaitSwept(erased);
        assertNoTrace(erased, "Ysoldine", "Midrunova");
        as("admin").queryParam("contact", friend.toString()).when().get("/api/v1/influencers").then().statusCode(200)
                .body("items.size()", equalTo(1));
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT count(*) FROM analytics_membership WHERE run_id = ?::uuid AND contact_id = ?")) {
            s.setString(1, run);
            s.setObject(2, friend);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                assertTrue(r.getLong(1) > 0, "the others keep their memberships");
            }
        }
        // The graph's nodes got the run's scores and community ids all the same (written by id, past the erased node).
        double[] pagerank = new double[1];
        long[] community = new long[1];
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT s.pagerank, m.community_id FROM analytics_score s
                JOIN analytics_membership m ON m.run_id = s.run_id AND m.contact_id = s.contact_id
                WHERE s.run_id = ?::uuid AND s.contact_id = ? AND m.level = 0 AND m.is_primary""")) {
            s.setString(1, run);
            s.setObject(2, friend);
            try (ResultSet r = s.executeQuery()) {
                assertTrue(r.next(), "the friend's scores and membership");
                pagerank[0] = r.getDouble(1);
                community[0] = r.getLong(2);
            }
        }
        try (org.neo4j.driver.Session session = driver.session()) {
            org.neo4j.driver.Record node = session.run("""
                    MATCH (c:Contact {id: $id})
                    RETURN c.pagerank AS pagerank, c.betweenness AS betweenness, c.community AS community""",
                    java.util.Map.of("id", friend.toString())).single();
            assertEquals(pagerank[0], node.get("pagerank").asDouble(), 1e-12, "the run's PageRank on the node");
            assertFalse(node.get("betweenness").isNull(), "betweenness on the node");
            assertEquals(community[0], node.get("community").asLong(), "the run's community on the node");
        }
    }

    /**
     * A contact erased while exact betweenness computes after a run (its scores are computed with the contact still in
     * the graph) is in none of the run's rows once they are replaced, and the others are ranked 1 to n without it.
     */
    @Test
    void aContactErasedWhileExactBetweennessComputesIsInNoneOfTheRunsRows() throws SQLException {
        UUID erased = contact().patient().named("Wendeline", "Exactova").create().uuid();
        UUID friend = contact().patient().named("Gottfrieda", "Besides").create().uuid();
        tie(erased, friend).type("FRIEND_OF").create();
        awaitGraph("MATCH (:Contact {id: $id})-[t:TIE]-() RETURN count(t) AS n", erased, 1);
        exact.beforeStore(() -> as("admin").when().post("/api/v1/contacts/" + erased + "/erasure")
                .then().statusCode(204));
        String run;
        JsonPath view;
        try {
            // Sampled from 2 sources, whatever the suite's graph holds by now: exact betweenness follows the run.
            run = Fixtures.analyticsRun(Duration.ofMinutes(5), "{\"samplingSize\": 2, \"exactBetweenness\": true}");
            view = await("exact betweenness of run " + run).atMost(Duration.ofMinutes(5))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> as("admin").when().get("/api/v1/analytics/runs/" + run).then().statusCode(200)
                            .extract().jsonPath(), v -> !"RUNNING".equals(v.getString("quality.exactBetweenness")));
        } finally {
            exact.beforeStore(null);
        }
        assertEquals("SUCCEEDED", view.getString("quality.exactBetweenness"));
        assertEquals("EXACT", view.getString("quality.betweenness"));
        awaitGraph("MATCH (c:Contact {id: $id}) RETURN count(c) AS n", erased, 0);
        awaitSwept(erased);
        assertNoTrace(erased, "Wendeline", "Exactova");
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT count(*), count(DISTINCT rank_betweenness), max(rank_betweenness),
                       count(*) FILTER (WHERE contact_id = ?)
                FROM analytics_score WHERE run_id = ?::uuid""")) {
            s.setObject(1, friend);
            s.setString(2, run);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                assertEquals(r.getLong(1), r.getLong(2), "one contact a rank");
                assertEquals(r.getLong(1), r.getLong(3), "ranks 1 to n, the erased contact's gone");
                assertEquals(1, r.getLong(4), "the others keep their scores");
            }
        }
    }

    /**
     * A contact deleted (not erased) while a run computes does not fail the run: GDS's write of the scores fails on its
     * node, gone, and the kept contacts' scores are written by their ids instead.
     */
    @Test
    void aContactDeletedWhileARunComputesDoesNotFailIt() throws SQLException {
        UUID leaving = contact().patient().named("Leontyne", "Departing").create().uuid();
        UUID staying = contact().patient().named("Ottoline", "Staying").create().uuid();
        tie(leaving, staying).type("FRIEND_OF").create();
        awaitGraph("MATCH (:Contact {id: $id})-[t:TIE]-() RETURN count(t) AS n", leaving, 1);
        String etag = as("admin").when().get("/api/v1/contacts/" + leaving).then().statusCode(200)
                .extract().header("ETag");
        runner.beforeFinish(() -> {
            as("admin").header("If-Match", etag).when().delete("/api/v1/contacts/" + leaving).then().statusCode(204);
            awaitGraph("MATCH (c:Contact {id: $id}) RETURN count(c) AS n", leaving, 0);
        });
        String run;
        try {
            run = Fixtures.analyticsRun(Duration.ofMinutes(5));
        } finally {
            runner.beforeFinish(null);
        }
        double[] pagerank = new double[1];
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT pagerank FROM analytics_score WHERE run_id = ?::uuid AND contact_id = ?")) {
            s.setString(1, run);
            s.setObject(2, staying);
            try (ResultSet r = s.executeQuery()) {
                assertTrue(r.next(), "the staying contact's scores");
                pagerank[0] = r.getDouble(1);
            }
        }
        try (org.neo4j.driver.Session session = driver.session()) {
            assertEquals(pagerank[0], session.run("MATCH (c:Contact {id: $id}) RETURN c.pagerank AS pagerank",
                    java.util.Map.of("id", staying.toString())).single().get("pagerank").asDouble(), 1e-12,
                    "the run's PageRank on the staying contact's node");
        }
    }

    private void analyticsRun() {
        Fixtures.analyticsRun(Duration.ofMinutes(5));
    }

    private void awaitSwept(UUID id) {
        await("the outbox rows of the erasure to be swept").atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    if (count("SELECT count(*) FROM contact_erasure WHERE contact_id = ? AND outbox_through IS NOT NULL",
                            id) == 0) {
                        return true;
                    }
                    sweep.sweep();
                    return false;
                });
    }

    private void awaitFileWithout(Path file, String... words) {
        await(file + " to hold none of " + Arrays.toString(words)).atMost(Duration.ofSeconds(30))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200)).until(() -> {
                    String text = Files.readString(file).toLowerCase(Locale.ROOT);
                    return Arrays.stream(words).noneMatch(w -> text.contains(w.toLowerCase(Locale.ROOT)));
                });
    }

    private UUID contactByExternalId(String externalId) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT id FROM contact WHERE external_id = ?")) {
            s.setString(1, externalId);
            try (ResultSet r = s.executeQuery()) {
                assertTrue(r.next(), "contact " + externalId + " was imported");
                return r.getObject(1, UUID.class);
            }
        }
    }

    private UUID touchpoint(UUID... participants) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = db.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO touchpoint (id, channel, occurred_at, topic, outcome, clinical, created_at)
                    VALUES (?, 'HOME_VISIT', now(), 'diabetes follow-up', 'insulin adjusted', true, now())""")) {
                s.setObject(1, id);
                s.executeUpdate();
            }
            for (UUID p : participants) {
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO touchpoint_participant (touchpoint_id, contact_id) VALUES (?, ?)")) {
                    s.setObject(1, id);
                    s.setObject(2, p);
                    s.executeUpdate();
                }
            }
        }
        return id;
    }

    private long count(String sql, UUID param) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, param);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void awaitGraph(String cypher, UUID id, long expected) {
        await(cypher + " for " + id + " to be " + expected).atMost(Duration.ofSeconds(30))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsInstanceOf(RuntimeException.class) // the graph is coming back
                .until(() -> driver.executableQuery(cypher).withParameters(Map.of("id", id.toString())).execute()
                        .records().get(0).get("n").asLong() == expected);
    }
}
