package health.circles.idempotency;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import health.circles.AsRole;
import health.circles.Sql;
import health.circles.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@AsRole("admin")
class IdempotencyKeyTest {

    private static final String CONTACTS = "/api/v1/contacts";
    private static final String SUBJECT = "test-admin";

    @Inject
    AgroalDataSource db;

    @Inject
    IdempotencyKeys keys;

    private static String body(String family) {
        return "{\"kind\":\"PATIENT\",\"givenName\":\"Idem\",\"familyName\":\"" + family + "\"}";
    }

    private static String key() {
        return "key-" + UUID.randomUUID();
    }

    private static Response post(String key, String body) {
        return given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body).when().post(CONTACTS);
    }

    private long contactsNamed(String family) {
        return Sql.query(db, "SELECT count(*) FROM contact WHERE family_name = ?", List.of(family),
                r -> r.getLong(1)).get(0);
    }

    private long rows(String key) {
        return Sql.query(db, "SELECT count(*) FROM idempotency_key WHERE idem_key = ?", List.of(key),
                r -> r.getLong(1)).get(0);
    }

    @Test
    void aRetryWithTheSameKeyAndBodyGetsTheFirstAnswerAndCreatesNothing() {
        String key = key();
        String family = "Replay" + UUID.randomUUID();
        Response first = post(key, body(family)).then().statusCode(201).extract().response();
        String id = first.path("id");
        post(key, body(family)).then().statusCode(201)
                .contentType(ContentType.JSON)
                .header("Idempotent-Replayed", "true")
                .header("Location", equalTo(first.header("Location")))
                .header("Location", endsWith("/api/v1/contacts/" + id))
                .header("ETag", equalTo(first.header("ETag")))
                .body("id", equalTo(id))
                .body("familyName", equalTo(family));
        assertEquals(1, contactsNamed(family));
        // The replay showed the record again: its audit row says so and names the contact.
        assertEquals(List.of("replay 201"), Sql.query(db, """
                SELECT action || ' ' || status FROM audit_event WHERE contact_ids = ARRAY[?::uuid] AND action <> 'create'
                """, List.of(id), r -> r.getString(1)));
    }

    @Test
    void aRetriedImportUploadAnswersTheFirstJobAndQueuesNoSecond() throws Exception {
        String family = "Imp" + UUID.randomUUID().toString().substring(0, 8);
        String file = "{\"record\":\"contact\",\"externalId\":\"idem-" + family + "\",\"kind\":\"PATIENT\","
                + "\"givenName\":\"Idem\",\"familyName\":\"" + family + "\"}\n";
        String key = key();
        long jobsBefore = importJobs();
        // Files other classes' uploads left (a job erased or pruned before its file went) are not this test's.
        Set<String> orphansBefore = filesWithoutAJob();
        Response first = upload(key, file, "");
        first.then().statusCode(202);
        Response again = upload(key, file, "");
        again.then().statusCode(202).header("Idempotent-Replayed", "true")
                .header("Location", equalTo(first.header("Location")))
                .body("id", equalTo(first.path("id")));
        assertEquals(jobsBefore + 1, importJobs(), "one job for two deliveries of the file");
        // The same key with another file, or the same file with other parameters, is another request.
        upload(key, file.replace("Idem", "Other"), "").then().statusCode(422)
                .contentType("application/problem+json").body("type", endsWith("idempotency-key-reused"));
        upload(key, file, "?batchSize=10").then().statusCode(422);
        assertEquals(jobsBefore + 1, importJobs());
        Set<String> orphans = new java.util.HashSet<>(filesWithoutAJob());
        orphans.removeAll(orphansBefore);
        assertEquals(Set.of(), orphans, "replayed and refused uploads leave no file behind");
        // Without a key, the same file is a second job, as before.
        upload(null, file, "").then().statusCode(202);
        assertEquals(jobsBefore + 2, importJobs());
    }

    private static Response upload(String key, String file, String query) {
        var request = given().contentType("application/x-ndjson").body(file.getBytes(StandardCharsets.UTF_8));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return request.when().post("/api/v1/imports" + query);
    }

    private long importJobs() {
        return Sql.query(db, "SELECT count(*) FROM import_job", List.of(), r -> r.getLong(1)).get(0);
    }

    /** Files in the imports folder that no job holds (a job's file is named after its id). */
    private Set<String> filesWithoutAJob() throws java.io.IOException {
        java.nio.file.Path dir = java.nio.file.Path.of(org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("circles.imports.dir", String.class));
        Set<String> jobs = Set.copyOf(Sql.query(db, "SELECT id::text FROM import_job", List.of(), r -> r.getString(1)));
        if (!java.nio.file.Files.isDirectory(dir)) {
            return Set.of(); // no upload was stored yet in this test run
        }
        try (var files = java.nio.file.Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(name -> !name.endsWith(".part"))
                    .map(name -> name.substring(0, name.indexOf('.')))
                    .filter(id -> !jobs.contains(id))
                    .collect(java.util.stream.Collectors.toSet());
        }
    }

    @Test
    void theSameKeyWithAnotherBodyIs422() {
        String key = key();
        post(key, body("Reused" + UUID.randomUUID())).then().statusCode(201);
        String other = "Other" + UUID.randomUUID();
        post(key, body(other)).then().statusCode(422)
                .contentType("application/problem+json")
                .body("type", endsWith("/idempotency-key-reused"));
        assertEquals(0, contactsNamed(other));
    }

    @Test
    void keysBelongToTheirCaller() {
        String key = key();
        String family = "Callers" + UUID.randomUUID();
        String mine = post(key, body(family)).then().statusCode(201).extract().path("id");
        String theirs = TestTokens.bearer(TestTokens.token("another-admin", Set.of("admin")))
                .contentType(ContentType.JSON).header("Idempotency-Key", key).body(body(family))
                .when().post(CONTACTS).then().statusCode(201).extract().path("id");
        assertNotEquals(mine, theirs);
        assertEquals(2, contactsNamed(family));
    }

    @Test
    void withoutAKeyEveryPostCreates() {
        String family = "NoKey" + UUID.randomUUID();
        given().contentType(ContentType.JSON).body(body(family)).post(CONTACTS).then().statusCode(201);
        given().contentType(ContentType.JSON).body(body(family)).post(CONTACTS).then().statusCode(201);
        assertEquals(2, contactsNamed(family));
    }

    @Test
    void aFailedRequestFreesItsKey() {
        String key = key();
        post(key, "{\"kind\":\"PATIENT\"}").then().statusCode(400);
        assertEquals(0, rows(key));
        post(key, body("AfterFailure" + UUID.randomUUID())).then().statusCode(201);
    }

    @Test
    void aKeyInUseIs409() throws Exception {
        String key = key();
        String body = body("InFlight" + UUID.randomUUID());
        Sql.update(db, """
                INSERT INTO idempotency_key (subject, idem_key, method, path, body_sha256, created_at)
                VALUES (?, ?, 'POST', ?, ?, ?)""", List.of(SUBJECT, key, CONTACTS,
                MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)), Instant.now()));
        post(key, body).then().statusCode(409).body("type", endsWith("/idempotency-key-in-flight"));
    }

    @Test
    void malformedKeysAre400() {
        post("k".repeat(256), body("Long")).then().statusCode(400)
                .body("type", endsWith("/idempotency-key-invalid"));
        post("a\tb", body("Control")).then().statusCode(400);
        post("k".repeat(255), body("Fits" + UUID.randomUUID())).then().statusCode(201);
    }

    @Test
    void expiredKeysAreIgnoredAndPurged() {
        String key = key();
        Sql.update(db, """
                INSERT INTO idempotency_key (subject, idem_key, method, path, body_sha256, status, response_body,
                                             created_at)
                VALUES (?, ?, 'POST', '/elsewhere', '\\x00'::bytea, 201, '{}', ?)""",
                List.of(SUBJECT, key, Instant.now().minus(Duration.ofHours(25))));
        String family = "Expired" + UUID.randomUUID();
        post(key, body(family)).then().statusCode(201).header("Idempotent-Replayed", (String) null);
        assertEquals(1, contactsNamed(family));

        String old = key();
        Sql.update(db, """
                INSERT INTO idempotency_key (subject, idem_key, method, path, body_sha256, status, created_at)
                VALUES (?, ?, 'POST', '/elsewhere', '\\x00'::bytea, 201, ?)""",
                List.of(SUBJECT, old, Instant.now().minus(Duration.ofHours(25))));
        keys.purge();
        assertEquals(0, rows(old));
        assertEquals(1, rows(key));
    }

    @Test
    void erasingAContactForgetsTheAnswersThatNameItAndAReplayNeitherAnswersNorCreatesThemAgain() {
        String key = key();
        String family = "Erased" + UUID.randomUUID();
        String id = post(key, body(family)).then().statusCode(201).extract().path("id");
        assertEquals(1, rows(key));
        given().post(CONTACTS + "/{id}/erasure", id).then().statusCode(204);
        assertEquals(0, Sql.query(db, "SELECT count(*) FROM idempotency_key WHERE idem_key = ? AND "
                + "(response_body IS NOT NULL OR location IS NOT NULL OR etag IS NOT NULL)", List.of(key),
                r -> r.getLong(1)).get(0), "the answer and its headers are gone");
        post(key, body(family)).then().statusCode(410).contentType("application/problem+json")
                .body("type", endsWith("erased-on-request"))
                .body(not(containsString(id)));
        assertEquals(0, contactsNamed(family), "the replay did not create the person again");
    }

    /** An answer stored in the instant after the erasure forgot the others (its request committed first). */
    @Test
    void aStoredAnswerNamingAContactErasedSinceIsNotReplayed() {
        String erased = post(key(), body("Gone" + UUID.randomUUID())).then().statusCode(201).extract().path("id");
        given().post(CONTACTS + "/{id}/erasure", erased).then().statusCode(204);
        String key = key();
        String family = "Names" + UUID.randomUUID();
        String id = post(key, body(family)).then().statusCode(201).extract().path("id");
        Sql.update(db, "UPDATE idempotency_key SET response_body = replace(response_body, ?, ?) WHERE idem_key = ?",
                List.of(id, erased, key));
        post(key, body(family)).then().statusCode(410).body(not(containsString(erased)));
        post(key, body(family)).then().statusCode(410);
        assertEquals(1, contactsNamed(family), "nothing was created again");
    }
}
