package health.circles.idempotency;

import health.circles.contact.ContactErased;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * The life of stored idempotency answers outside a request: purged once past their lifetime (hourly; expired rows are
 * ignored meanwhile), and removed inside the erasure transaction when their body names the erased contact, since a
 * stored answer is a copy of the contact's data.
 */
@ApplicationScoped
public class IdempotencyKeys {

    private static final Logger LOG = Logger.getLogger(IdempotencyKeys.class);

    private final IdempotencyStore store;

    IdempotencyKeys(IdempotencyStore store) {
        this.store = store;
    }

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void purge() {
        int purged = store.purge(Instant.now().minus(IdempotencyFilter.LIFETIME));
        if (purged > 0) {
            LOG.debugf("Purged %d expired idempotency keys", purged);
        }
    }

    void onErased(@Observes ContactErased erased) {
        store.forget(erased.contactId());
    }
}
