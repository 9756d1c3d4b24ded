package health.circles.analytics;

import health.circles.failure.Conflict;
import health.circles.failure.InvalidInput;
import health.circles.failure.NotFound;
import health.circles.web.Page;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/** Analytics runs as a job resource: start one, follow it, list the history. */
@ApplicationScoped
public class AnalyticsService {

    private final AnalyticsRunner runner;
    private final AnalyticsRunStore runs;
    private final AnalyticsConfig config;
    private final ExactBetweenness exact;

    AnalyticsService(AnalyticsRunner runner, AnalyticsRunStore runs, AnalyticsConfig config, ExactBetweenness exact) {
        this.runner = runner;
        this.runs = runs;
        this.config = config;
        this.exact = exact;
    }

    public RunView start(RunRequest request, String trigger) {
        return runner.start(trigger, RunParameters.of(request, config, trigger));
    }

    /** The run; while its exact betweenness computes, with how far it is. */
    public RunView get(UUID id) {
        RunView run = find(id);
        if (run.quality() != null && ExactBetweenness.RUNNING.equals(run.quality().exactBetweenness())) {
            return exact.progress(id).map(run::withExactBetweennessProgress).orElse(run);
        }
        return run;
    }

    private RunView find(UUID id) {
        return runs.find(id).orElseThrow(() -> new NotFound("Analytics run", id));
    }

    /**
     * Cancels the run's exact betweenness while it is RUNNING (queued or computing, on any replica): it ends CANCELLED
     * and the run keeps its sampled betweenness. Cancelling one already cancelled answers the run as it is.
     */
    public RunView cancelExactBetweenness(UUID id) {
        boolean cancelled = exact.cancel(id);
        RunView run = find(id);
        String state = run.quality() == null ? null : run.quality().exactBetweenness();
        if (cancelled || state != null && state.startsWith(ExactBetweenness.CANCELLED)) {
            return run;
        }
        throw new Conflict("exact-betweenness-not-running", "Exact betweenness not running",
                "Run " + id + "'s exact betweenness is " + (state == null ? "absent" : state)
                        + ": only a RUNNING one can be cancelled. A run asks for it with exactBetweenness, and it "
                        + "starts once the run has succeeded; a run whose betweenness is exact has none.");
    }

    public Page<RunView> list(String cursor, int limit) {
        Instant before = null;
        UUID beforeId = null;
        if (cursor != null && !cursor.isBlank()) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(" ");
                before = health.circles.web.Cursor.instant(parts[0]);
                beforeId = UUID.fromString(parts[1]);
            } catch (RuntimeException e) {
                throw InvalidInput.field("cursor", "is not a cursor returned by this listing");
            }
        }
        List<RunView> found = runs.page(before, beforeId, limit + 1);
        boolean more = found.size() > limit;
        List<RunView> page = more ? found.subList(0, limit) : found;
        String next = null;
        if (more) {
            RunView last = page.get(page.size() - 1);
            next = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    (last.startedAt() + " " + last.id()).getBytes(StandardCharsets.UTF_8));
        }
        return Page.counted(page, next, runs.count());
    }
}
