package health.circles.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Load generator for the Circles API. {@code Bench <scenario> --url http://127.0.0.1:PORT [--management-url
 * http://127.0.0.1:9000] [--out file] [key=value]...} runs one scenario against a service that is already up (it waits
 * for readiness on the management URL); bench/run.sh builds and starts that service.
 */
public final class Bench {

    /** One benchmark: loads data through the API and measures it, writing its figures to the report. */
    interface Scenario {
        void run(Options options, Api api, Report report) throws Exception;
    }

    /** Scenarios by the name bench/run.sh takes. New benchmarks register here. */
    static final Map<String, Scenario> SCENARIOS = new LinkedHashMap<>();

    static {
        SCENARIOS.put("contacts", new ContactsScenario());
        SCENARIOS.put("analytics-reads", new AnalyticsReadsScenario());
    }

    /** key=value settings of a run, with defaults chosen by each scenario. */
    static final class Options {
        final Map<String, String> values = new LinkedHashMap<>();
        String afterLoad;

        /**
         * Runs the --after-load shell command (bench/run.sh passes a VACUUM ANALYZE of the bench database) once the
         * data is in, so that reads meet a database in the state autovacuum would keep it in.
         */
        void afterLoad(Report report) throws Exception {
            if (afterLoad == null || afterLoad.isBlank()) {
                return;
            }
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder("bash", "-c", afterLoad).inheritIO().start();
            int exit = p.waitFor();
            if (exit != 0) {
                throw new IllegalStateException("after-load command failed (" + exit + "): " + afterLoad);
            }
            report.line(String.format("- After the load: `%s` (%.1f s).", afterLoad, (System.nanoTime() - t0) / 1e9));
        }

        int integer(String key, int fallback) {
            String v = values.get(key);
            return v == null ? fallback : Integer.parseInt(v);
        }

        String text(String key, String fallback) {
            return values.getOrDefault(key, fallback);
        }
    }

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !SCENARIOS.containsKey(args[0])) {
            System.err.println("usage: Bench <" + String.join("|", SCENARIOS.keySet())
                    + "> --url http://127.0.0.1:PORT [--management-url http://127.0.0.1:9000] [--out FILE]"
                    + " [--after-load COMMAND] [key=value ...]");
            System.exit(2);
        }
        String url = null;
        String managementUrl = "http://127.0.0.1:9000"; // health and metrics: the service's management port
        Path out = null;
        Options options = new Options();
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--url" -> url = args[++i];
                case "--management-url" -> managementUrl = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                case "--after-load" -> options.afterLoad = args[++i];
                default -> {
                    int eq = args[i].indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("expected key=value, got " + args[i]);
                    }
                    options.values.put(args[i].substring(0, eq), args[i].substring(eq + 1));
                }
            }
        }
        if (url == null) {
            throw new IllegalArgumentException("--url is required");
        }
        Report report = new Report();
        int threads = Math.max(options.integer("threads", 8), options.integer("createThreads", 8));
        try (Api api = new Api(url, managementUrl, threads)) {
            api.awaitReady(Duration.ofMinutes(3));
            api.signIn("admin");
            SCENARIOS.get(args[0]).run(options, api, report);
        }
        if (out != null) {
            Files.writeString(out, report.markdown());
            System.out.println("Figures written to " + out);
        }
    }
}
