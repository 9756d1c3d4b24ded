package health.circles.sync;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Deletes the outbox rows applied longer ago than {@code circles.sync.retention}, every
 * {@code circles.sync.purge-every}. The relay used to do it at the end of every drain, and it drains after each commit:
 * the delete reads the whole outbox (a week of changes, 100 ms at 100,000 rows), so under a steady stream of writes
 * it cost as much as the writes it followed. Each replica runs it; a second delete finds nothing left.
 */
@ApplicationScoped
public class OutboxPurge {

    private static final Logger LOG = Logger.getLogger(OutboxPurge.class);

    private final OutboxStore outbox;
    private final SyncConfig config;

    OutboxPurge(OutboxStore outbox, SyncConfig config) {
        this.outbox = outbox;
        this.config = config;
    }

    @Scheduled(every = "${circles.sync.purge-every:5m}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void scheduled() {
        try {
            purge();
        } catch (IllegalStateException e) {
            LOG.warnf("Outbox purge failed; tried again in %s: %s", config.purgeEvery(), e.getMessage());
        }
    }

    /** Deletes the applied rows past the retention now; returns how many. Pending rows stay whatever their age. */
    public int purge() {
        return outbox.purgeAppliedBefore(Instant.now().minus(config.retention()));
    }
}
