package health.circles.security;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Moves the entries waiting in the pending lists of the audit trail's GIN indexes (contacts and records) into the
 * indexes, every {@code circles.security.audit.index-upkeep-every}. Left to GIN, the move happens inside the insert
 * that fills the list past its limit, while that insert holds the chain's lock, and every audited call waits for it
 * (migration V34 has the figures). Here it runs outside any call; inserts go on appending meanwhile. Each replica runs
 * it; a second cleaner waits for the first and then finds little to move.
 */
@ApplicationScoped
public class AuditIndexUpkeep {

    private static final Logger LOG = Logger.getLogger(AuditIndexUpkeep.class);

    private final AuditStore store;

    AuditIndexUpkeep(AuditStore store) {
        this.store = store;
    }

    @Scheduled(every = "${circles.security.audit.index-upkeep-every:2s}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void onSchedule() {
        try {
            clean();
        } catch (RuntimeException e) {
            LOG.warnf("Audit index upkeep failed (inserts will move the pending entries themselves): %s", e.getMessage());
        }
    }

    /** Moves the pending entries in now; returns the pending-list pages moved. */
    long clean() {
        long pages = store.movePendingIndexEntries();
        if (pages > 0) {
            LOG.debugf("Audit index upkeep: %d pending pages moved into the indexes", pages);
        }
        return pages;
    }
}
