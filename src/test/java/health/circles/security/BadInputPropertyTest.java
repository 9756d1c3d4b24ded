package health.circles.security;

import static health.circles.Fixtures.contact;
import static health.circles.Fixtures.tie;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.Anonymous;
import health.circles.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.engine.SourceOfRandomness;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;

/**
 * Property: no request, however malformed, oversized, wrongly typed or injection-laden, makes the service fail (5xx),
 * answers an error in anything but problem+json (an OperationOutcome under /fhir), or changes either store when it is rejected. Requests are generated
 * by jqwik arbitraries from a fixed seed, against every operation the OpenAPI document describes (so endpoints added
 * later are covered without touching this test), with every string field and parameter filled from the generators.
 * jqwik's engine cannot run inside the Quarkus test application, so its arbitraries are sampled from a JUnit test.
 */
@QuarkusTest
@Anonymous
class BadInputPropertyTest {

    private static final long SEED = 20261126L;
    /** Requests that reach the service: every operation with every kind of bad value many times over. */
    private static final int REQUESTS = Integer.getInteger("fuzz.requests", 10_000);
    /** Rejected writes, and rejected requests of any kind, between two comparisons of the stores. */
    private static final int WRITES_PER_CHECK = 5;
    private static final int REQUESTS_PER_CHECK = 20;
    private static final boolean PROGRESS = Boolean.getBoolean("fuzz.progress");
    /**
     * Request lines over 4 KB are refused by the HTTP server itself (414) before any application code, with no body
     * the application could shape; generated URLs stay below that.
     */
    private static final int MAX_URL = 3500;

    private static final List<String> INJECTIONS = List.of(
            "' OR '1'='1", "'; DROP TABLE contact; --", "\"; DELETE FROM audit_event; --", "1; SELECT pg_sleep(5)",
            "') UNION SELECT * FROM pg_user --", "$1", "%s%s%s%n", "\\", "\\\\'", "`",
            "x}) MATCH (n) DETACH DELETE n //", "' }) RETURN 1 UNION MATCH (n) DETACH DELETE n //",
            "{id: 1}) CALL dbms.shutdown() //", "\u0000", "a\u0000b", "\uFEFF", "\u202Eevil", "\uD83D\uDE00\uD83D\uDC68\u200D\uD83D\uDC69",
            "\uD800", "e\u0301\u0301\u0301", "Ω≈ç√∫", "𝕳𝖊𝖑𝖑𝖔", "<script>alert(1)</script>", "../../etc/passwd",
            "%00", "%2e%2e%2f", "null", "true", "NaN", "-Infinity", "1e309", "-0", "00000000-0000-0000-0000-000000000000",
            "ffffffff-ffff-ffff-ffff-ffffffffffff", "2026-02-30", "9999-12-31T23:59:59Z", "*", " ", "\t\r\n",
            "${jndi:ldap://x/a}", "#{7*7}", "{{7*7}}", "PATIENT", "EMAIL:GRANTED", "TREATS");

    /**
     * What PostgreSQL or the graph cannot hold, or no person has: NUL and other control characters, unpaired
     * surrogates, dates far outside a lifetime, numbers past the range of int, long and double.
     */
    private static final List<String> UNSTORABLE = List.of(
            "\u0000", "A\u0000B", "\u0000\u0000\u0000", "tail\u0000", "\u0001", "\u0007bell", "esc\u001b[2J", "\u007f",
            "\u0085", "\u009b", "line\u000bvertical", "form\u000cfeed", "tab\there", "new\nline", "cr\rhere",
            "\uD800", "\uDBFF", "\uDC00", "x\uD800y", "x\uDFFFy", "\uDE00\uD83D", "\uD83D", "ok\uD83D\uDE00ok",
            "+99999-01-01", "-99999-01-01", "1800-01-01", "1899-12-31", "2201-01-01", "+99999-01-01T00:00:00Z",
            "1800-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "+1000000000-12-31T23:59:59.999999999Z",
            "2026-01-01T00:00:00+18:00", "9999-12-31",
            "2147483648", "-2147483649", "9223372036854775808", "-9223372036854775809", "1e309", "-1e309", "4.9e-325",
            "340282366920938463463374607431768211456");

    /** JSON numbers just past or far past what int, long and double fields hold, written as literals. */
    private static final List<String> NUMBERS_PAST_RANGE = List.of(
            "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
            "18446744073709551616", "1e309", "-1e309", "1.7976931348623157e309", "1e-400", "123456789012345678901234567890.5",
            "1" + "0".repeat(999), "1" + "0".repeat(1500), "0." + "0".repeat(400) + "1");

    @Inject
    AgroalDataSource db;

    @Inject
    Driver driver;

    @TestHTTPResource("/")
    URL root;

    private record Operation(String method, String path, List<String> pathParams, List<String> queryParams,
                             List<String> bodyFields) {
    }

    private record Snapshot(List<Long> counts) {
    }

    @Test
    void malformedRequestsNeverFailTheServiceAndRejectedOnesChangeNothing() {
        List<Operation> operations = operations();
        assertTrue(operations.size() >= 15, "the API description lists the operations: " + operations.size());
        List<String> ids = knownIds();
        Random random = new Random(SEED);
        // jqwik's sampling works outside its engine (generators need a jqwik thread otherwise); seeding the engine's
        // source of randomness for this thread makes every run send the same requests.
        SourceOfRandomness.create(Long.toString(SEED));
        Iterator<String> strings = strings(ids).sampleStream().iterator();
        Iterator<Object> values = values(ids).sampleStream().iterator();
        String admin = TestTokens.token("fuzz-admin", Set.of("admin"));
        List<String> tokens = List.of(admin, admin, admin, TestTokens.token("fuzz-outreach", Set.of("outreach")),
                TestTokens.token("fuzz-clinician", Set.of("clinician")),
                TestTokens.token("fuzz-integration", Set.of("integration")));
        List<String> failures = new ArrayList<>();
        // The JDK's own client: it sends bytes as given and costs a fraction of REST Assured's per request.
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String base = root.toString().replaceAll("/$", "");
        // Settled: the relay may still be carrying the records knownIds() just made to the graph.
        Snapshot before = steadySnapshot();
        int rejected = 0;
        int sent = 0;
        List<String> unchecked = new ArrayList<>();
        int uncheckedWrites = 0;
        int uncheckedBeforeAccepted = 0;
        long started = System.nanoTime();
        // Counted in requests sent: a few generated ones are impossible URLs the client refuses to send.
        for (int i = 0; sent < REQUESTS && i < 2 * REQUESTS && failures.size() < 5; i++) {
            Operation op = operations.get(random.nextInt(operations.size()));
            String token = tokens.get(random.nextInt(tokens.size()));
            String path = op.path();
            for (String p : op.pathParams()) {
                String value = random.nextInt(3) == 0 ? ids.get(random.nextInt(ids.size())) : cap(strings.next());
                path = path.replace("{" + p + "}", value.isEmpty() ? "x" : encode(value));
            }
            StringBuilder query = new StringBuilder();
            int urlLength = path.length();
            for (String q : op.queryParams()) {
                if (random.nextBoolean()) {
                    String value = cap(strings.next());
                    urlLength += q.length() + encode(value).length() + 2;
                    if (urlLength < MAX_URL) {
                        query.append(query.isEmpty() ? '?' : '&').append(q).append('=').append(encode(value));
                    }
                }
            }
            String ifMatch = random.nextInt(4) == 0 ? strings.next().replaceAll("[\\p{Cntrl}]", "") : null;
            Body body = op.method().equals("POST") || op.method().equals("PUT") || op.method().equals("PATCH")
                    ? body(op, random, strings, values) : null;
            if (PROGRESS) {
                System.out.printf("fuzz %d %s %s%n", i, op.method(), path.length() > 200 ? path.substring(0, 200) : path);
            }
            HttpResponse<String> response;
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path + query))
                        .timeout(Duration.ofMinutes(1)).header("Authorization", "Bearer " + token)
                        .method(op.method(), body == null ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body.bytes()));
                if (body != null && !body.contentType().isEmpty()) {
                    request.header("Content-Type", body.contentType());
                }
                if (ifMatch != null) {
                    request.header("If-Match", ifMatch);
                }
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IllegalArgumentException e) {
                continue; // the client itself refused the request (an impossible URL or header): nothing was sent
            } catch (IOException e) {
                throw new UncheckedIOException(op.method() + " " + path + " could not be sent", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sent++;
            int status = response.statusCode();
            String what = op.method() + " " + path + " -> " + status;
            if (status >= 500) {
                failures.add(what + " " + response.body());
            } else if (status >= 400) {
                rejected++;
                String type = response.headers().firstValue("Content-Type").orElse(null);
                // FHIR speaks its own error format, the OperationOutcome (fhir.FhirProblems).
                String expected = path.startsWith("/fhir") ? "application/fhir+json" : "application/problem+json";
                if (type == null || !type.startsWith(expected)) {
                    String answer = response.body();
                    failures.add(what + " answered " + type + ": " + answer.substring(0, Math.min(300, answer.length())));
                }
                // The stores are compared after every few rejected writes and every so often after rejected reads,
                // which keeps 10,000 requests within a minute or two however large the suite's database has grown
                // (a comparison scans the contact and tie tables). A request that changed them is found at the next
                // comparison, and the failure names every request since the last one.
                unchecked.add(what);
                if (!op.method().equals("GET")) {
                    uncheckedWrites++;
                }
                if (uncheckedWrites >= WRITES_PER_CHECK || unchecked.size() >= REQUESTS_PER_CHECK) {
                    before = compared(before, unchecked, failures);
                    unchecked.clear();
                    uncheckedWrites = 0;
                }
            } else if (op.method().equals("GET")) {
                unchecked.add(what); // changes nothing either: named too if the next comparison finds a change
            } else {
                // An accepted write changes the stores: start again from what they hold once the relay has carried it
                // to the graph. The few requests since the last comparison go uncompared (counted below).
                uncheckedBeforeAccepted += unchecked.size();
                unchecked.clear();
                uncheckedWrites = 0;
                before = settledSnapshot();
            }
        }
        if (!unchecked.isEmpty()) {
            compared(before, unchecked, failures);
        }
        System.out.printf("BadInputPropertyTest: %d requests, %d rejected (%d uncompared: just before an accepted write), "
                + "%d s%n", sent, rejected, uncheckedBeforeAccepted, (System.nanoTime() - started) / 1_000_000_000L);
        assertEquals(List.of(), failures);
        assertTrue(sent >= REQUESTS || !failures.isEmpty(), "requests sent: " + sent);
        assertTrue(rejected > sent / 2, "most generated requests are invalid: " + rejected + " of " + sent);
        assertTrue(uncheckedBeforeAccepted < sent / 10, "requests compared with the stores: "
                + (sent - uncheckedBeforeAccepted) + " of " + sent);
    }

    /**
     * The stores now, compared with {@code before}: a difference is a failure naming the requests sent since
     * {@code before} was taken.
     */
    private Snapshot compared(Snapshot before, List<String> requests, List<String> failures) {
        Snapshot after = snapshot();
        if (!after.equals(before)) {
            failures.add("one of " + requests + " changed the stores: " + before + " -> " + after);
        }
        return after;
    }

    /** A request body as it goes on the wire, with its Content-Type (none when empty). */
    private record Body(String contentType, byte[] bytes) {
    }

    private static Body body(Operation op, Random random, Iterator<String> strings, Iterator<Object> values) {
        int shape = random.nextInt(10);
        String contentType = op.method().equals("PATCH") && random.nextBoolean()
                ? "application/merge-patch+json" : "application/json";
        if (random.nextInt(15) == 0) {
            contentType = List.of("text/plain", "application/xml", "application/x-www-form-urlencoded", "")
                    .get(random.nextInt(4));
        }
        String body;
        if (shape == 0) {
            body = strings.next(); // not JSON at all, or a bare scalar
        } else if (shape == 1) {
            body = "[" + json(values.next()) + "]";
        } else if (shape == 2) {
            body = "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}"; // deep nesting
        } else if (shape == 3 && random.nextInt(10) == 0) {
            body = "{\"givenName\":\"" + "x".repeat(1_200_000) + "\"}"; // over the body limit
        } else if (shape == 3 && random.nextInt(5) == 0) {
            // Just under the body limit: large text and long arrays the parser must get through.
            String field = op.bodyFields().get(random.nextInt(op.bodyFields().size()));
            body = random.nextBoolean()
                    ? "{\"" + field + "\":\"" + "\\u0000".repeat(150_000) + "\"}"
                    : "{\"" + field + "\":[" + "1,".repeat(400_000) + "1]}";
        } else if (shape == 4) {
            body = "{\"kind\":\"PATIENT\",\"givenName\":\"Ann\"";  // truncated
        } else {
            Map<String, Object> object = new LinkedHashMap<>();
            for (String field : op.bodyFields()) {
                if (random.nextInt(4) != 0) {
                    object.put(field, random.nextInt(3) == 0 ? strings.next() : values.next());
                }
            }
            if (random.nextInt(5) == 0) {
                object.put("unknownField" + random.nextInt(3), strings.next());
            }
            body = json(object);
        }
        return new Body(contentType, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Strings worth sending anywhere: injections, edge cases, random unicode of all lengths, ids of real records. */
    private static Arbitrary<String> strings(List<String> ids) {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.of(INJECTIONS)),
                net.jqwik.api.Tuple.of(4, Arbitraries.of(UNSTORABLE)),
                net.jqwik.api.Tuple.of(2, Arbitraries.of(UNSTORABLE).list().ofMinSize(1).ofMaxSize(3)
                        .map(parts -> "A" + String.join("b", parts) + "Z")),
                net.jqwik.api.Tuple.of(1, Arbitraries.chars().range('\u0000', '\u001f').list().ofMinSize(1).ofMaxSize(5)
                        .map(cs -> "x" + cs.stream().map(String::valueOf).reduce("", String::concat))),
                net.jqwik.api.Tuple.of(1, Arbitraries.chars().range('\uD800', '\uDFFF').map(c -> "s" + c + "s")),
                net.jqwik.api.Tuple.of(3, Arbitraries.strings().all().ofMaxLength(40)),
                net.jqwik.api.Tuple.of(2, Arbitraries.strings().ascii().ofMinLength(200).ofMaxLength(5000)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(ids)),
                net.jqwik.api.Tuple.of(1, Arbitraries.bigIntegers().between(
                        BigInteger.TEN.pow(40).negate(), BigInteger.TEN.pow(40)).map(BigInteger::toString)));
    }

    /** JSON values of every type, of absurd sizes among them. */
    private static Arbitrary<Object> values(List<String> ids) {
        Arbitrary<Object> scalar = Arbitraries.oneOf(
                strings(ids).map(s -> (Object) s),
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(400).negate(), BigInteger.TEN.pow(400)).map(b -> (Object) b),
                Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.of(NUMBERS_PAST_RANGE).map(n -> (Object) new Literal(n)),
                Arbitraries.of(UNSTORABLE).map(t -> (Object) t),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.just(JsonNull.NULL));
        return Arbitraries.oneOf(scalar, scalar.list().ofMaxSize(60).map(l -> (Object) l),
                Arbitraries.maps(Arbitraries.of("EMAIL", "SMS", "status", "at", "x", "'"), scalar).ofMaxSize(4)
                        .map(m -> (Object) m));
    }

    /** A JSON number written as it stands, beyond what a Java number could carry. */
    private record Literal(String json) {
    }

    /** Marks an explicit JSON null (jqwik arbitraries cannot carry a Java null). */
    private enum JsonNull { NULL }

    private static String json(Object value) {
        if (value == null || value == JsonNull.NULL) {
            return "null";
        }
        if (value instanceof String s) {
            StringBuilder out = new StringBuilder("\"");
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                boolean paired = Character.isHighSurrogate(c) && i + 1 < s.length()
                        && Character.isLowSurrogate(s.charAt(i + 1))
                        || Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
                if (c == '"' || c == '\\') {
                    out.append('\\').append(c);
                } else if (c < 0x20 || Character.isSurrogate(c) && !paired) {
                    // As an escape: raw, a lone surrogate would reach the wire as '?' (UTF-8 cannot encode it).
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
            return out.append('"').toString();
        }
        if (value instanceof Literal literal) {
            return literal.json();
        }
        if (value instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? "1e999" : d.toString();
        }
        if (value instanceof List<?> list) {
            List<String> parts = new ArrayList<>();
            list.forEach(v -> parts.add(json(v)));
            return "[" + String.join(",", parts) + "]";
        }
        if (value instanceof Map<?, ?> map) {
            List<String> parts = new ArrayList<>();
            map.forEach((k, v) -> parts.add(json(String.valueOf(k)) + ":" + json(v)));
            return "{" + String.join(",", parts) + "}";
        }
        return value.toString();
    }

    private static String cap(String value) {
        return value.length() > 200 ? value.substring(0, 200) : value;
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Every operation of the API description, with its parameters and body fields. */
    /**
     * Operations that start background jobs (a graph rebuild, an analytics run, an import): a valid call keeps
     * changing the stores after it answered, which would read as a rejected request changing them. Their own tests
     * cover their input checks.
     */
    private static final Set<String> STARTS_JOBS = Set.of("POST /api/v1/admin/sync/rebuild",
            "POST /api/v1/admin/sync/reconcile", "POST /api/v1/analytics/runs", "POST /api/v1/imports",
            "POST /api/v1/imports/{id}/resume");

    private static List<Operation> operations() {
        io.restassured.path.json.JsonPath api = RestAssured.given().accept("application/json")
                .when().get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath();
        Map<String, Map<String, Map<String, Object>>> paths = api.getMap("paths");
        Map<String, Map<String, Object>> schemas = api.getMap("components.schemas");
        List<Operation> operations = new ArrayList<>();
        paths.forEach((path, methods) -> {
            if (path.startsWith("/test/") || path.startsWith("/api/v1/dev/")) {
                return;
            }
            methods.forEach((method, spec) -> {
                if (!(spec instanceof Map) || STARTS_JOBS.contains(method.toUpperCase() + " " + path)) {
                    return;
                }
                List<String> pathParams = new ArrayList<>();
                List<String> queryParams = new ArrayList<>();
                Object params = spec.get("parameters");
                if (params instanceof List<?> list) {
                    for (Object p : list) {
                        Map<?, ?> param = (Map<?, ?>) p;
                        ("path".equals(param.get("in")) ? pathParams : "query".equals(param.get("in")) ? queryParams
                                : new ArrayList<String>()).add(String.valueOf(param.get("name")));
                    }
                }
                for (String segment : path.split("/")) {
                    if (segment.startsWith("{") && !pathParams.contains(segment.substring(1, segment.length() - 1))) {
                        pathParams.add(segment.substring(1, segment.length() - 1));
                    }
                }
                operations.add(new Operation(method.toUpperCase(), path, pathParams, queryParams,
                        bodyFields(spec, schemas)));
            });
        });
        return operations;
    }

    @SuppressWarnings("unchecked")
    private static List<String> bodyFields(Map<String, Object> spec, Map<String, Map<String, Object>> schemas) {
        List<String> fields = new ArrayList<>();
        String text = String.valueOf(spec.get("requestBody"));
        int ref = text.indexOf("#/components/schemas/");
        if (ref >= 0) {
            String name = text.substring(ref + "#/components/schemas/".length()).split("[,}\\s]")[0];
            Map<String, Object> schema = schemas.get(name);
            if (schema != null && schema.get("properties") instanceof Map<?, ?> props) {
                fields.addAll((java.util.Collection<String>) props.keySet());
            }
        }
        if (fields.isEmpty()) {
            fields.addAll(List.of("kind", "givenName", "familyName", "from", "to", "type", "notes"));
        }
        return fields;
    }

    /** Ids of real records, so that generated requests also reach existing objects. */
    private static List<String> knownIds() {
        UUID a = contact().patient().named("Fuzz", "Target").fullRecord().create().uuid();
        UUID b = contact().physician().named("Fuzzy", "Doctor").fullRecord().create().uuid();
        UUID tie = tie(b, a).type("TREATS").notes("fuzz").create().uuid();
        return List.of(a.toString(), b.toString(), tie.toString());
    }

    /**
     * Rows of every table a request could change, the outbox position (its sequence: applied rows are purged in the
     * background, so the newest row's position can fall without any request), and the graph's nodes and relationships.
     */
    private Snapshot snapshot() {
        List<Long> counts = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             // One scan of each table: by this test's turn the suite's database holds thousands of contacts and
             // tens of thousands of ties, and the snapshot is taken after every rejected write.
             ResultSet r = s.executeQuery("""
                     SELECT c.n, (SELECT count(*) FROM contact_consent), t.n, t.versions, c.versions,
                            (SELECT count(*) FROM touchpoint), (SELECT count(*) FROM touchpoint_participant),
                            (SELECT count(*) FROM contact_erasure), (SELECT last_value FROM outbox_position_seq),
                            e.n, e.reviewed
                     FROM (SELECT count(*) AS n, coalesce(sum(version), 0) AS versions FROM contact) c,
                          (SELECT count(*) AS n, coalesce(sum(version), 0) AS versions FROM tie) t,
                          (SELECT count(*) AS n, count(reviewed_at) AS reviewed FROM emergency_access) e""")) {
            r.next();
            for (int i = 1; i <= 11; i++) {
                counts.add(r.getLong(i));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        var graph = driver.executableQuery(
                "CALL { MATCH (n) RETURN count(n) AS nodes } CALL { MATCH ()-[t]->() RETURN count(t) AS ties } "
                        + "RETURN nodes, ties").execute().records().get(0);
        counts.add(graph.get("nodes").asLong());
        counts.add(graph.get("ties").asLong());
        return new Snapshot(counts);
    }

    /**
     * A snapshot that holds still for two seconds (at most a minute): on a loaded machine the graph can trail the
     * outbox by more than settledSnapshot() waits for, and the first snapshot is what every rejection is compared to.
     */
    private Snapshot steadySnapshot() {
        AtomicReference<Snapshot> last = new AtomicReference<>(settledSnapshot());
        try {
            return await("a snapshot that holds still for two seconds").atMost(Duration.ofSeconds(60))
                    .pollDelay(Duration.ofSeconds(2)).pollInterval(Duration.ofSeconds(2)).pollInSameThread()
                    .until(() -> {
                        Snapshot next = settledSnapshot();
                        return next.equals(last.getAndSet(next)) ? next : null;
                    }, Objects::nonNull);
        } catch (ConditionTimeoutException e) {
            return last.get(); // the graph never held still: compare with the latest, as before
        }
    }

    /** A snapshot once the relay has carried every accepted change to the graph (or after ten seconds, as it is). */
    private Snapshot settledSnapshot() {
        try {
            await("the relay to apply every outbox row").atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(20)).pollInSameThread()
                    .until(() -> {
                        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                             ResultSet r = s.executeQuery("SELECT count(*) FROM outbox WHERE applied_at IS NULL")) {
                            r.next();
                            return r.getLong(1) == 0;
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    });
        } catch (ConditionTimeoutException e) {
            // steadySnapshot() waits longer for a graph that trails
        }
        return snapshot();
    }
}
