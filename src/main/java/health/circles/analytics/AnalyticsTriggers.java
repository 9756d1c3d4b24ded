package health.circles.analytics;

import health.circles.failure.DomainException;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Starts runs without a client: on the configured cron, and once enough of the graph changed since the last run. */
@ApplicationScoped
public class AnalyticsTriggers {

    private static final Logger LOG = Logger.getLogger(AnalyticsTriggers.class);

    private final AnalyticsService analytics;
    private final AnalyticsRunStore runs;
    private final AnalyticsConfig config;

    AnalyticsTriggers(AnalyticsService analytics, AnalyticsRunStore runs, AnalyticsConfig config) {
        this.analytics = analytics;
        this.runs = runs;
        this.config = config;
    }

    @Scheduled(cron = "${circles.analytics.schedule}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void onSchedule() {
        start("SCHEDULE");
    }

    @Scheduled(every = "${circles.analytics.graph-change.check-interval}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void onGraphChange() {
        long threshold = config.graphChange().threshold();
        if (threshold <= 0) {
            return;
        }
        long changes = changesSinceLastRun();
        if (changes >= threshold) {
            LOG.infof("%d graph changes since the last analytics run (threshold %d): starting one", changes, threshold);
            start("GRAPH_CHANGE");
        }
    }

    /** Outbox rows the relay applied since the last run started (or ever, before the first run). */
    long changesSinceLastRun() {
        long last = Math.max(0, runs.lastRunPosition());
        return Math.max(0, runs.appliedPosition() - last);
    }

    private void start(String trigger) {
        try {
            analytics.start(null, trigger);
        } catch (DomainException e) {
            LOG.infof("Analytics run (%s) not started: %s", trigger, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warnf(e, "Analytics run (%s) could not start", trigger);
        }
    }
}
