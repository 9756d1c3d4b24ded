package health.circles.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The service over HTTP: one java.net.http client on a fixed pool, shared by every benchmark thread. */
final class Api implements AutoCloseable {

    private static final Pattern NEXT = Pattern.compile("\"next\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern ITEM_ID = Pattern.compile("\\{\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");

    private final String base;
    private final String management;
    private final ExecutorService pool;
    private final HttpClient client;
    private volatile String authorization = "";

    /** {@code base}: the API; {@code management}: the management port, where health and metrics answer. */
    Api(String base, String management, int threads) {
        this.base = withoutTrailingSlash(base);
        this.management = withoutTrailingSlash(management);
        this.pool = Executors.newFixedThreadPool(Math.max(2, threads));
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(pool)
                .build();
    }

    HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        HttpRequest request = signed(HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json"))
                .GET().build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        HttpRequest request = signed(HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json"))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Signs in: with a token signed by bench/token.sh when {@code BENCH_KEY_DIR} names the key pair the service
     * verifies with (a packaged service issues no development tokens), else with a development token of the run
     * command (issued to this machine only).
     */
    void signIn(String role) throws IOException, InterruptedException {
        String keys = System.getenv("BENCH_KEY_DIR");
        if (keys != null && !keys.isBlank()) {
            Process signer = new ProcessBuilder("bench/token.sh", keys, role).redirectErrorStream(true).start();
            String signed = new String(signer.getInputStream().readAllBytes()).strip();
            if (signer.waitFor() != 0 || signed.isEmpty()) {
                throw new IOException("bench/token.sh could not sign a token: " + signed);
            }
            authorization = "Bearer " + signed;
            return;
        }
        HttpResponse<String> answer = post("/api/v1/dev/tokens?role=" + role, "");
        Matcher token = TOKEN.matcher(answer.body());
        if (answer.statusCode() != 200 || !token.find()) {
            throw new IOException("No development token: " + answer.statusCode() + " " + answer.body());
        }
        authorization = "Bearer " + token.group(1);
    }

    /** The request with the bearer token once signed in (the token endpoint needs none). */
    private HttpRequest.Builder signed(HttpRequest.Builder request) {
        return authorization.isEmpty() ? request : request.header("Authorization", authorization);
    }

    /** Waits until the service reports ready on its management port (no token there), or fails after the timeout. */
    void awaitReady(Duration timeout) throws InterruptedException {
        HttpRequest ready = HttpRequest.newBuilder(URI.create(management + "/q/health/ready"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("service at " + base + " not ready after " + timeout + " (health: "
                + management + ")");
    }

    private static String withoutTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The next cursor of a page, or null on the last page. */
    static String next(String pageJson) {
        Matcher m = NEXT.matcher(pageJson);
        String found = null;
        while (m.find()) {
            found = m.group(1); // the page's own "next" comes last, after every item
        }
        return found;
    }

    /** How many items a page holds (items start with their id). */
    static int items(String pageJson) {
        Matcher m = ITEM_ID.matcher(pageJson);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    static String number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*(-?[0-9.]+)").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
