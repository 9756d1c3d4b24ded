package health.circles.imports;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.circles.LocalRoles;
import health.circles.synthetic.SyntheticNetwork;
import io.smallrye.jwt.build.Jwt;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;

/**
 * Two replicas of the packaged service (target/quarkus-app, as deployed) on one PostgreSQL and one Neo4j: replica A
 * runs Neo4j in-process, replica B connects to A's Bolt port with nothing embedded, as a second pod connects to the
 * graph server. Tokens come from a key pair made here, as from an identity provider. Proves: one relay (every outbox
 * row applied by exactly one replica), one analytics run at a time, and an import whose replica is killed mid-file is
 * taken over by the other and finishes exactly once, nothing lost or duplicated in either store.
 */
class TwoReplicasIT {

    private static final Path WORK = Path.of("target", "replicas");
    private static final String DATABASE = System.getenv().getOrDefault("TEST_DB_NAME", "circles_test") + "_replicas";
    private static final String SERVER = "jdbc:postgresql://"
            + System.getenv().getOrDefault("TEST_DB_HOST", "127.0.0.1:5432") + "/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static KeyPair keys;
    private static Replica a;
    private static Replica b;
    private static int boltPort;

    /** One service process, its ports and its log. */
    private record Replica(String name, Process process, int port, int managementPort, Path log) {

        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }

        void kill() {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @BeforeAll
    static void start() throws Exception {
        if (!DATABASE.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("TEST_DB_NAME must be a plain lower-case identifier: " + DATABASE);
        }
        try (Connection c = DriverManager.getConnection(SERVER + "postgres",
                System.getenv().getOrDefault("DB_ADMIN_USERNAME", "postgres"),
                System.getenv().getOrDefault("DB_ADMIN_PASSWORD", ""));
             java.sql.Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)"); // checked above: names cannot be bound
        }
        LocalRoles.prepare(SERVER, System.getenv().getOrDefault("DB_ADMIN_USERNAME", "postgres"),
                System.getenv().getOrDefault("DB_ADMIN_PASSWORD", ""), DATABASE, true);
        deleteTree(WORK);
        Files.createDirectories(WORK.resolve("imports"));
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
        Path publicKey = WORK.resolve("public-key.pem");
        Files.writeString(publicKey, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(keys.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");

        boltPort = freePort();
        Map<String, String> common = new HashMap<>(Map.of(
                "DB_URL", SERVER + DATABASE,
                "CIRCLES_JWT_PUBLIC_KEY_LOCATION", publicKey.toAbsolutePath().toString(),
                "CIRCLES_ERASURE_KEY", "replicas-test-erasure-key-0123456789abcdef",
                "CIRCLES_DEMO_ENABLED", "false",
                "CIRCLES_IMPORTS_DIR", WORK.resolve("imports").toAbsolutePath().toString(),
                "CIRCLES_IMPORTS_HEARTBEAT", "1s",
                "CIRCLES_IMPORTS_STALE_AFTER", "5s",
                "CIRCLES_SYNC_INTERVAL", "500ms"));
        Map<String, String> first = new HashMap<>(common);
        first.put("CIRCLES_NEO4J_EMBEDDED_DATA_DIR", WORK.resolve("neo4j").toAbsolutePath().toString());
        first.put("CIRCLES_NEO4J_EMBEDDED_BOLT_PORT", Integer.toString(boltPort));
        a = start("a", first);
        Map<String, String> second = new HashMap<>(common);
        second.put("NEO4J_URI", "bolt://127.0.0.1:" + boltPort);
        // The in-process server of replica A has no authentication; a packaged replica still insists on a password.
        second.put("NEO4J_PASSWORD", "not-checked-by-the-in-process-server");
        b = start("b", second);
    }

    @AfterAll
    static void stop() {
        for (Replica r : new Replica[] {b, a}) {
            if (r != null && r.process().isAlive()) {
                r.process().destroy();
                try {
                    r.process().waitFor(java.util.concurrent.TimeUnit.SECONDS.toMillis(30),
                            java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                r.process().destroyForcibly();
            }
        }
    }

    @Test
    void oneRelayOneAnalyticsRunAndAnImportTakenOverFromAKilledReplicaFinishesExactlyOnce() throws Exception {
        // Writes through both replicas; both relays run, each outbox row is applied by exactly one of them.
        SyntheticNetwork.Spec small = Networks.spec("pair-", 300, 600);
        String first = importTo(a, Networks.ndjson(small), 100);
        assertEquals("SUCCEEDED", awaitImport(a, first).path("state").asText());
        for (int i = 0; i < 20; i++) {
            Replica r = i % 2 == 0 ? a : b;
            HttpResponse<String> created = send(r, "POST", "/api/v1/contacts",
                    "{\"kind\":\"PATIENT\",\"givenName\":\"Pat\",\"familyName\":\"Replica" + i + "\"}");
            assertEquals(201, created.statusCode(), created.body());
        }
        awaitGraphInStep(a);
        double applied = counter(a, "circles_sync_applied_rows_total") + counter(b, "circles_sync_applied_rows_total");
        assertEquals(sql("SELECT count(*) FROM outbox WHERE applied_at IS NOT NULL"), (long) applied,
                "every applied outbox row was applied by one replica only");

        // Analytics asked of both at once: one run starts, the other replica answers 409.
        CompletableFuture<HttpResponse<String>> onA = CompletableFuture.supplyAsync(
                () -> sendUnchecked(a, "POST", "/api/v1/analytics/runs", "{}"));
        CompletableFuture<HttpResponse<String>> onB = CompletableFuture.supplyAsync(
                () -> sendUnchecked(b, "POST", "/api/v1/analytics/runs", "{}"));
        List<Integer> statuses = new ArrayList<>(List.of(onA.get().statusCode(), onB.get().statusCode()));
        statuses.sort(null);
        assertEquals(List.of(202, 409), statuses, onA.get().body() + "\n" + onB.get().body());
        String run = (onA.get().statusCode() == 202 ? onA.get() : onB.get()).headers().firstValue("Location")
                .orElseThrow();
        Replica runner = onA.get().statusCode() == 202 ? a : b;
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                !JSON.readTree(send(runner, "GET", URI.create(run).getPath(), null).body()).path("state").asText()
                        .equals("RUNNING"));
        assertEquals(1, sql("SELECT count(*) FROM analytics_run"));

        // A large import sent to replica B, which is killed (SIGKILL) once it has committed a few batches.
        SyntheticNetwork.Spec large = Networks.spec("killed-", 12_000, 24_000);
        long[] counts = Networks.counts(large);
        String job = importTo(b, Networks.ndjson(large), 250);
        String id = job.substring(job.lastIndexOf('/') + 1);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> sql("SELECT batches FROM import_job WHERE id = '" + id + "'") >= 3);
        String owner = text("SELECT lease_owner FROM import_job WHERE id = '" + id + "'");
        assertTrue(owner.contains("/" + b.process().pid() + "/"), "replica B runs the import it received: " + owner);
        b.kill();
        long batchesAtKill = sql("SELECT batches FROM import_job WHERE id = '" + id + "'");
        assertTrue(batchesAtKill < 24_000 / 250, "killed mid-file, after batch " + batchesAtKill);

        // Replica A takes it over once B's lease is stale (5s) and finishes it.
        JsonNode done = awaitImport(a, job);
        assertEquals("SUCCEEDED", done.path("state").asText(), done.toString());
        JsonNode history = JSON.readTree(text("SELECT lease_history::text FROM import_job WHERE id = '" + id + "'"));
        assertEquals(2, history.size(), history.toString());
        assertTrue(history.get(1).path("owner").asText().contains("/" + a.process().pid() + "/"), history.toString());
        assertTrue(history.get(1).path("fromRow").asLong() > 1, "resumed from B's last checkpoint: " + history);
        long rows = counts[0] + counts[1] + counts[2];
        assertEquals(rows, done.path("counts").path("inserted").asLong(), "every row counted exactly once");
        assertEquals(0, done.path("counts").path("rejected").asLong());
        assertEquals(counts[0], sql("SELECT count(*) FROM contact WHERE external_id LIKE 'killed-%'"));
        assertEquals(counts[1], sql("SELECT count(*) FROM tie WHERE external_id LIKE 'killed-%'"));
        assertEquals(0, sql("SELECT count(*) - count(DISTINCT (type, version)) FROM outbox WHERE aggregate_id = '"
                + id + "'"), "no batch sent to the graph twice");

        // And the graph, fed by A's relay alone now, holds every contact once.
        awaitGraphInStep(a);
        try (Driver driver = GraphDatabase.driver("bolt://127.0.0.1:" + boltPort, AuthTokens.none());
             Session session = driver.session()) {
            long nodes = session.run("MATCH (c:Contact) RETURN count(c) AS n").single().get("n").asLong();
            assertEquals(sql("SELECT count(*) FROM contact"), nodes, "one node per contact");
        }
        assertEquals(0, sql("SELECT count(*) FROM outbox_dead_letter"));
    }

    // --- processes -------------------------------------------------------------------------------------------

    private static Replica launch(String name, Map<String, String> env) throws IOException {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        assertTrue(Files.exists(jar), "the packaged service (" + jar + ") is built before integration tests");
        int port = freePort();
        int management = freePort();
        Path log = WORK.resolve(name + ".log");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx768m", "-XX:+UseSerialGC", "-jar",
                jar.toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        builder.environment().put("HTTP_PORT", Integer.toString(port));
        builder.environment().put("CIRCLES_MANAGEMENT_PORT", Integer.toString(management));
        return new Replica(name, builder.start(), port, management, log);
    }

    /**
     * Launches a replica and waits until it is ready; launches it again on other ports (three times at most) when one
     * of its ports was taken between {@link #freePort()} and the replica's own bind.
     */
    private static Replica start(String name, Map<String, String> env) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Replica r = launch(name, env);
            try {
                awaitReady(r);
                return r;
            } catch (org.awaitility.core.ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
                r.process().destroyForcibly();
                if (attempt == 3 || !Files.readString(r.log()).contains("Address already in use")) {
                    throw e;
                }
            }
        }
    }

    /** Ready: the API answers and so does the management interface (a replica that could not bind it stops). */
    private static void awaitReady(Replica r) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .failFast("replica " + r.name() + " exited; see " + r.log(), () -> !r.process().isAlive())
                .ignoreExceptions()
                .until(() -> send(r, "GET", "/api/v1/admin/sync", null).statusCode() == 200
                        && HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.managementPort()
                                + "/q/health/ready")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200);
    }

    /**
     * A port nothing listens on, below the range the kernel hands out to outgoing connections: a port from that range
     * (what binding port 0 gives) can be taken by any connection opened before the replica binds it.
     */
    private static int freePort() throws IOException {
        int below = 32768;
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        if (Files.isReadable(range)) {
            below = Integer.parseInt(Files.readString(range).trim().split("\\s+")[0]);
        }
        java.util.Random random = new java.util.Random();
        for (int i = 0; i < 200 && below > 20000; i++) {
            int port = 20000 + random.nextInt(below - 20000);
            try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getByName("0.0.0.0"))) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // in use: try another
            }
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    // --- API -------------------------------------------------------------------------------------------------

    private static String token() {
        return Jwt.issuer("circles-dev").audience("circles").subject("replicas-test-admin").groups(Set.of("admin"))
                .expiresIn(3600).sign(keys.getPrivate());
    }

    private static HttpResponse<String> send(Replica r, String method, String path, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(r.url(path)))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token());
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> sendUnchecked(Replica r, String method, String path, String body) {
        try {
            return send(r, method, path, body);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String importTo(Replica r, String ndjson, int batchSize) throws Exception {
        HttpResponse<String> accepted = HTTP.send(HttpRequest.newBuilder(
                        URI.create(r.url("/api/v1/imports?batchSize=" + batchSize)))
                .header("Authorization", "Bearer " + token()).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(ndjson)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, accepted.statusCode(), accepted.body());
        return accepted.headers().firstValue("Location").orElseThrow();
    }

    private static JsonNode awaitImport(Replica r, String location) {
        String path = URI.create(location).getPath();
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250)).until(() -> {
            last[0] = JSON.readTree(send(r, "GET", path, null).body());
            String state = last[0].path("state").asText();
            return !state.equals("QUEUED") && !state.equals("RUNNING");
        });
        return last[0];
    }

    private static void awaitGraphInStep(Replica r) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250)).until(() ->
                JSON.readTree(send(r, "GET", "/api/v1/admin/sync", null).body()).path("backlog").asLong() == 0);
    }

    /** A counter from the replica's Prometheus scrape, on its management port (no token there). */
    private static double counter(Replica r, String name) throws Exception {
        HttpResponse<String> scrape = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + r.managementPort() + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, scrape.statusCode());
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? ([0-9.eE+-]+)$").matcher(scrape.body());
        assertTrue(m.find(), name + " in " + r.name() + "'s metrics");
        return Double.parseDouble(m.group(1));
    }

    // --- database --------------------------------------------------------------------------------------------

    private static long sql(String query) throws Exception {
        return Long.parseLong(text(query));
    }

    private static String text(String query) throws Exception {
        try (Connection c = DriverManager.getConnection(SERVER + DATABASE,
                System.getenv().getOrDefault("DB_ADMIN_USERNAME", "postgres"),
                System.getenv().getOrDefault("DB_ADMIN_PASSWORD", ""));
             PreparedStatement s = c.prepareStatement(query); ResultSet r = s.executeQuery()) {
            assertTrue(r.next(), query);
            return r.getString(1);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
