import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Render time of the map page's three views in headless chromium, read from the page itself
 * ({@code circlesMap.lastRender.renderMs}, docs/map.md): chromium is driven over its DevTools protocol (a WebSocket,
 * java.net.http), so nothing beyond the JDK and the service's own Jackson is needed.
 *
 * <p>Usage: {@code java -cp <service jars> MapRender.java BASE_URL TOKEN CENTRE_ID CENTRE_NAME COMMUNITY_ID LEVEL RUNS
 * OUT_JSON}. Each view is drawn once unmeasured (the page's first draw also compiles its scripts), then RUNS times;
 * prints one {@code target map_render_<view>_ms} line per view (median and max) and writes every figure to OUT_JSON.
 */
public final class MapRender {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHROMIUM = System.getenv().getOrDefault("BENCH_CHROMIUM", "/usr/bin/chromium");

    private final WebSocket socket;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    private MapRender(WebSocket socket) {
        this.socket = socket;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 8) {
            System.err.println("usage: MapRender BASE_URL TOKEN CENTRE_ID CENTRE_NAME COMMUNITY_ID LEVEL RUNS OUT_JSON");
            System.exit(2);
        }
        String base = args[0];
        String token = args[1];
        String centre = args[2];
        String centreName = args[3];
        long community = Long.parseLong(args[4]);
        int level = Integer.parseInt(args[5]);
        int runs = Integer.parseInt(args[6]);
        Path out = Path.of(args[7]);

        Path profile = Files.createTempDirectory("map-bench-chromium");
        Process chromium = new ProcessBuilder(CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-background-networking", "--disable-extensions",
                "--disable-sync", "--disable-component-update", "--disable-default-apps", "--no-first-run",
                "--window-size=1366,900", "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank")
                .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
        try {
            MapRender page = connect(profile);
            Map<String, Object> results = page.measure(base, token, centre, centreName, community, level, runs);
            Files.writeString(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(results));
            page.socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        } finally {
            chromium.destroy();
            if (!chromium.waitFor(10, TimeUnit.SECONDS)) {
                chromium.destroyForcibly();
            }
        }
    }

    /** Chromium writes the port it chose into DevToolsActivePort; the page target has its own WebSocket. */
    private static MapRender connect(Path profile) throws Exception {
        Path active = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(active) || Files.readAllLines(active).size() < 2) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("chromium did not open its DevTools port; see "
                        + profile.resolve("chromium.log"));
            }
            Thread.sleep(100);
        }
        int port = Integer.parseInt(Files.readAllLines(active).get(0).strip());
        HttpClient http = HttpClient.newHttpClient();
        JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        String url = null;
        for (JsonNode t : targets) {
            if ("page".equals(t.path("type").asText())) {
                url = t.path("webSocketDebuggerUrl").asText();
                break;
            }
        }
        if (url == null) {
            throw new IllegalStateException("no page target in " + targets);
        }
        MapRender[] self = new MapRender[1];
        WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(url), new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    self[0].received(text.toString());
                    text.setLength(0);
                }
                ws.request(1);
                return null;
            }
        }).join();
        self[0] = new MapRender(socket);
        return self[0];
    }

    private void received(String message) {
        try {
            JsonNode m = JSON.readTree(message);
            if (m.has("id")) {
                CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
                if (f != null) {
                    f.complete(m);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode send(String method, Map<String, Object> params, Duration timeout) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode command = JSON.createObjectNode().put("id", id).put("method", method);
        command.set("params", JSON.valueToTree(params));
        socket.sendText(JSON.writeValueAsString(command), true).join();
        JsonNode m = answer.get(timeout.toSeconds(), TimeUnit.SECONDS);
        if (m.has("error")) {
            throw new IllegalStateException(method + ": " + m.get("error"));
        }
        return m.get("result");
    }

    /** Evaluates an expression in the page, awaiting a promise; answers its value as JSON. */
    private JsonNode eval(String expression) throws Exception {
        JsonNode r = send("Runtime.evaluate", Map.of("expression", expression, "awaitPromise", true,
                "returnByValue", true), Duration.ofMinutes(5));
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException("in the page: " + r.get("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    private Map<String, Object> measure(String base, String token, String centre, String centreName, long community,
                                        int level, int runs) throws Exception {
        send("Page.enable", Map.of(), Duration.ofSeconds(30));
        send("Page.navigate", Map.of("url", base + "/map/"), Duration.ofSeconds(30));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!ready()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the map page did not load from " + base + "/map/");
            }
            Thread.sleep(200);
        }
        if (!eval("circlesMap.signIn(" + JSON.writeValueAsString(token) + ")").asBoolean()) {
            throw new IllegalStateException("the page refused the token: "
                    + eval("document.getElementById('signin-message').textContent").asText());
        }
        String id = JSON.writeValueAsString(centre);
        String name = JSON.writeValueAsString(centreName);
        // Each expression draws the view again from the API and answers what the page recorded for that drawing.
        Map<String, String> views = new LinkedHashMap<>();
        views.put("overview", "circlesMap.state.level = " + level + "; return circlesMap.setView('overview');");
        views.put("circles", "circlesMap.state.centre = {id: " + id + ", name: " + name + "};"
                + " document.getElementById('depth').value = '3';"
                + " document.getElementById('summarise').checked = false; return circlesMap.setView('rings');");
        views.put("community", "circlesMap.state.level = 0; return circlesMap.loadCommunity(" + community + ");");
        Map<String, Object> results = new LinkedHashMap<>();
        for (Map.Entry<String, String> view : views.entrySet()) {
            String draw = "(function () { var before = circlesMap.renders;"
                    + " return Promise.resolve((function () { " + view.getValue() + " })())"
                    + ".then(function () { return circlesMap.renders > before ? circlesMap.lastRender"
                    + " : {error: document.getElementById('note').textContent}; }); })()";
            JsonNode first = eval(draw);
            check(view.getKey(), first);
            List<Integer> times = new ArrayList<>();
            JsonNode last = first;
            for (int i = 0; i < runs; i++) {
                last = eval(draw);
                check(view.getKey(), last);
                times.add(last.get("renderMs").asInt());
            }
            List<Integer> sorted = new ArrayList<>(times);
            Collections.sort(sorted);
            double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                    : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2.0;
            int max = sorted.get(sorted.size() - 1);
            int nodes = "overview".equals(view.getKey()) ? last.get("communities").asInt() : last.get("nodes").asInt();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("renderMs", times);
            r.put("medianMs", median);
            r.put("maxMs", max);
            r.put("firstDrawMs", first.get("renderMs").asInt());
            r.put("fetchMs", last.get("fetchMs").asInt());
            r.put("visibleNodes", nodes);
            r.put("lastRender", last);
            results.put(view.getKey(), r);
            System.out.printf(Locale.ROOT, "target map_render_%s_ms = %s median, %d max (%d runs; %d %s, %d edges;"
                            + " first draw %d ms, fetch %d ms)%n", view.getKey(), fmt(median), max, runs, nodes,
                    "overview".equals(view.getKey()) ? "communities" : "contacts", last.get("edges").asInt(),
                    first.get("renderMs").asInt(), last.get("fetchMs").asInt());
        }
        return results;
    }

    /** The page and its scripts are loaded (an evaluation during the navigation may fail: not yet). */
    private boolean ready() throws Exception {
        try {
            return eval("document.readyState === 'complete' && !!window.circlesMap && typeof cytoscape === 'function'")
                    .asBoolean();
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private static void check(String view, JsonNode render) {
        String expected = "circles".equals(view) ? "rings" : view;
        if (render == null || render.has("error") || !expected.equals(render.path("view").asText())) {
            throw new IllegalStateException("the " + view + " view was not drawn as asked: " + render);
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
