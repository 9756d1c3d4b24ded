package health.circles.bench;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The analytics reads under load, against a service that already holds a finished analytics run (bench/analytics/
 * run.sh loads the graph and runs it): influencers top 20, the detail of random communities of 20 members or more,
 * and the circles of random contacts at depth 2. Each after a warm-up of unmeasured calls, with p50/p99/max and errors.
 * {@code json=FILE} also writes the figures as JSON for bench/analytics/run.sh's results.
 */
final class AnalyticsReadsScenario implements Bench.Scenario {

    private static final Pattern COMMUNITY_ID = Pattern.compile("\\{\"id\"\\s*:\\s*([0-9]+)");
    private static final Pattern CONTACT_ID = Pattern.compile("\\{\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");
    private static final Pattern NAMED_AT = Pattern.compile("\"namedAt\"\\s*:\\s*\"([^\"]+)\"");

    @Override
    public void run(Bench.Options o, Api api, Report report) throws Exception {
        int threads = o.integer("threads", 8);
        int circlesThreads = o.integer("circlesThreads", 4);
        int warmup = o.integer("warmup", 200);
        int requests = o.integer("requests", 20_000);
        int circlesRequests = o.integer("circlesRequests", 10_000);
        int sampleCommunities = o.integer("communities", 400);
        int sampleContacts = o.integer("contacts", 2000);
        int namingWait = o.integer("namingWaitSeconds", 600);
        long seed = o.integer("seed", 11);
        String json = o.text("json", null);
        // Which reads to measure (a comma list of influencers, community, circles; all by default): one read alone
        // when working on it.
        java.util.Set<String> only = java.util.Set.of(o.text("only", "influencers,community,circles").split(","));

        report.heading("Settings");
        report.line(String.format(Locale.ROOT, "threads=%d circlesThreads=%d warmup=%d requests=%d "
                        + "circlesRequests=%d communities=%d contacts=%d seed=%d", threads, circlesThreads, warmup,
                requests, circlesRequests, sampleCommunities, sampleContacts, seed));

        // The latest run, and whether its communities are named yet: reads do not wait for that, but the figures
        // are of the steady state, so the scenario waits (and says how long).
        long t0 = System.nanoTime();
        String run;
        do {
            HttpResponse<String> r = api.get("/api/v1/analytics/runs?limit=1");
            if (r.statusCode() != 200 || !r.body().contains("\"SUCCEEDED\"")) {
                throw new IllegalStateException("no succeeded analytics run to read: " + r.statusCode() + " "
                        + r.body());
            }
            run = r.body();
            if (NAMED_AT.matcher(run).find()) {
                break;
            }
            Thread.sleep(500);
        } while (System.nanoTime() - t0 < namingWait * 1_000_000_000L);
        report.line(String.format(Locale.ROOT, "- Latest run named: %s (waited %.1f s).",
                NAMED_AT.matcher(run).find() ? "yes" : "NO, reads measured while naming", (System.nanoTime() - t0) / 1e9));

        List<Long> communities = new ArrayList<>();
        String next = null;
        do {
            HttpResponse<String> r = api.get("/api/v1/communities?minSize=20&limit=200"
                    + (next == null ? "" : "&cursor=" + next));
            if (r.statusCode() != 200) {
                throw new IllegalStateException("communities: " + r.statusCode() + " " + r.body());
            }
            Matcher m = COMMUNITY_ID.matcher(r.body());
            while (m.find() && communities.size() < sampleCommunities) {
                communities.add(Long.parseLong(m.group(1)));
            }
            next = Api.next(r.body());
        } while (next != null && communities.size() < sampleCommunities);
        List<String> contacts = new ArrayList<>();
        next = null;
        do {
            HttpResponse<String> r = api.get("/api/v1/contacts?limit=200" + (next == null ? "" : "&cursor=" + next));
            if (r.statusCode() != 200) {
                throw new IllegalStateException("contacts: " + r.statusCode() + " " + r.body());
            }
            Matcher m = CONTACT_ID.matcher(r.body());
            while (m.find() && contacts.size() < sampleContacts) {
                contacts.add(m.group(1));
            }
            next = Api.next(r.body());
        } while (next != null && contacts.size() < sampleContacts);
        if (communities.isEmpty() || contacts.isEmpty()) {
            throw new IllegalStateException("nothing to read: " + communities.size() + " communities of 20 or more, "
                    + contacts.size() + " contacts");
        }
        report.line(String.format(Locale.ROOT, "- Sampled %d communities of 20 members or more and %d contacts.",
                communities.size(), contacts.size()));

        List<Load.Result> results = new ArrayList<>();
        Load.Result influencers = !only.contains("influencers") ? null
                : Load.run("influencers top 20", threads, warmup, requests, seed, (w, i) ->
                        ok(api.get("/api/v1/influencers?limit=20")));
        Load.Result community = !only.contains("community") ? null
                : Load.run("community detail (random)", threads, warmup, requests, seed + 1, (w, i) ->
                        ok(api.get("/api/v1/communities/" + communities.get(w.random.nextInt(communities.size())))));
        Load.Result circles = !only.contains("circles") ? null
                : Load.run("circles depth 2 (random contact)", circlesThreads, warmup, circlesRequests, seed + 2,
                        (w, i) -> ok(api.get("/api/v1/contacts/" + contacts.get(w.random.nextInt(contacts.size()))
                                + "/circles?depth=2")));
        for (Load.Result r : new Load.Result[] {influencers, community, circles}) {
            if (r != null) {
                results.add(r);
            }
        }

        report.heading("Analytics reads (" + warmup + " warm-up calls per operation, not measured)");
        report.table(results);
        for (Load.Result r : results) {
            for (String e : r.sampleErrors()) {
                report.line("- " + r.name() + " error: `" + e + "`");
            }
        }
        if (json != null) {
            List<String> parts = new ArrayList<>();
            if (influencers != null) {
                parts.add(figures("influencers_top20", influencers));
            }
            if (community != null) {
                parts.add(figures("community_detail", community));
            }
            if (circles != null) {
                parts.add(figures("circles_depth2", circles));
            }
            String out = "{" + String.join(", ", parts) + "}";
            Files.writeString(Path.of(json), out + "\n");
        }
    }

    private static String ok(HttpResponse<String> r) {
        return r.statusCode() == 200 ? null : r.statusCode() + " " + r.body();
    }

    private static String figures(String name, Load.Result r) {
        return String.format(Locale.ROOT, "\"%s\": {\"requests\": %d, \"errors\": %d, \"threads\": %d, "
                        + "\"rps\": %.1f, \"p50_ms\": %.1f, \"p99_ms\": %.1f, \"max_ms\": %.1f, \"mean_ms\": %.1f, "
                        + "\"generator_cpu_ms_per_call\": %.3f}",
                name, r.count(), r.errors(), r.threads(), r.perSecond(), r.percentileMs(50), r.percentileMs(99),
                r.maxMs(), r.meanMs(), r.generatorCpuMsPerCall());
    }
}
