package health.circles.sync;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The relay's metrics: outbox backlog, lag, dead letters, and rows applied and given up. Registered at start, so that
 * they are exported (at zero) before the relay's first batch, which waits for the graph store's check.
 */
@ApplicationScoped
@io.quarkus.runtime.Startup
public class SyncMetrics {

    // Scrapes from several Prometheus servers, and the four gauges of one scrape, share one query.
    private static final long CACHE_NANOS = 1_000_000_000L;

    private final OutboxStore outbox;
    private final Counter applied;
    private final Counter deadLettered;
    private final DistributionSummary batchRows;
    private final DistributionSummary batchBytes;
    private final Counter sideBySide;
    private volatile Snapshot snapshot = new Snapshot(0, 0, 0, 0, Long.MIN_VALUE);

    SyncMetrics(OutboxStore outbox, MeterRegistry registry) {
        this.outbox = outbox;
        this.applied = Counter.builder("circles.sync.applied").baseUnit("rows")
                .description("Outbox rows applied to the graph").register(registry);
        this.deadLettered = Counter.builder("circles.sync.dead.lettered").baseUnit("rows")
                .description("Outbox rows moved to the dead letters after their last failed attempt").register(registry);
        this.batchRows = DistributionSummary.builder("circles.sync.batch.rows").baseUnit("rows")
                .description("Outbox rows per graph transaction").register(registry);
        this.batchBytes = DistributionSummary.builder("circles.sync.batch.payload").baseUnit("bytes")
                .description("Outbox payload bytes per graph transaction").register(registry);
        this.sideBySide = Counter.builder("circles.sync.side.by.side").baseUnit("batches")
                .description("Relay batches whose graph transactions ran side by side").register(registry);
        Gauge.builder("circles.sync.backlog", this, m -> m.snapshot().backlog()).baseUnit("rows")
                .description("Outbox rows not yet applied to the graph, parked ones included").register(registry);
        Gauge.builder("circles.sync.lag", this, m -> m.snapshot().lagSeconds()).baseUnit("seconds")
                .description("Age of the oldest outbox row not yet applied to the graph").register(registry);
        Gauge.builder("circles.sync.dead.letters", this, m -> m.snapshot().deadLetters()).baseUnit("rows")
                .description("Outbox rows the relay gave up on, waiting for an operator to retry or discard them")
                .register(registry);
        Gauge.builder("circles.sync.parked", this, m -> m.snapshot().parked()).baseUnit("rows")
                .description("Outbox rows held behind a dead letter of their aggregate").register(registry);
    }

    void applied(int rows) {
        applied.increment(rows);
    }

    void batch(int rows, long bytes) {
        batchRows.record(rows);
        batchBytes.record(bytes);
    }

    void sideBySide() {
        sideBySide.increment();
    }

    void deadLettered(int rows) {
        deadLettered.increment(rows);
    }

    private record Snapshot(long backlog, double lagSeconds, long deadLetters, long parked, long takenAt) {
    }

    private Snapshot snapshot() {
        Snapshot s = snapshot;
        long now = System.nanoTime();
        if (s.takenAt() != Long.MIN_VALUE && now - s.takenAt() < CACHE_NANOS) {
            return s;
        }
        try {
            OutboxStore.Gauges g = outbox.gauges();
            s = new Snapshot(g.backlog(), Math.max(0, g.lagSeconds()), g.deadLetters(), g.parked(), now);
        } catch (IllegalStateException e) {
            // PostgreSQL down: readiness says so; the gauges keep their last values rather than fail the scrape.
            return s;
        }
        snapshot = s;
        return s;
    }
}
