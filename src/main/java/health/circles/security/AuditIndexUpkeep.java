package health.circles.security;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Keeps the audit trail's search indexes, every {@code circles.security.audit.index-upkeep-every}, outside any call:
 * <ul>
 * <li>the contact chunks (migration V36): once {@code contact-chunk-rows} rows wait, or the oldest has waited
 * {@code contact-chunk-wait}, they are added as one chunk; a search by contact reads the chunks and the rows after them;
 * <li>the GIN index of records: its pending entries are moved in. Left to GIN, the move happens inside the insert that
 * fills the list past its limit, while that insert holds the chain's lock, and every audited call waits for it
 * (migration V34 has the figures).
 * </ul>
 * Each replica runs it; the database lets one chunker or cleaner work at a time, and the second then finds little to do.
 */
@ApplicationScoped
public class AuditIndexUpkeep {

    /** Rows in one chunk at most, so that one statement stays short when the chunker has fallen behind. */
    static final int MAX_CHUNK_ROWS = 50_000;
    private static final Logger LOG = Logger.getLogger(AuditIndexUpkeep.class);

    private final AuditStore store;
    private final int chunkRows;
    private final Duration chunkWait;

    AuditIndexUpkeep(AuditStore store, SecurityConfig config) {
        this.store = store;
        this.chunkRows = config.audit().contactChunkRows();
        this.chunkWait = config.audit().contactChunkWait();
        if (chunkRows < 1 || chunkRows > MAX_CHUNK_ROWS || chunkWait.isNegative()) {
            throw new IllegalArgumentException("circles.security.audit.contact-chunk-rows must be 1 to "
                    + MAX_CHUNK_ROWS + " and contact-chunk-wait not negative");
        }
    }

    @Scheduled(every = "${circles.security.audit.index-upkeep-every:2s}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void onSchedule() {
        try {
            chunk();
        } catch (RuntimeException e) {
            LOG.warnf("Audit contact chunking failed (searches by contact read the rows not chunked): %s",
                    e.getMessage());
        }
        try {
            clean();
        } catch (RuntimeException e) {
            LOG.warnf("Audit index upkeep failed (inserts will move the pending entries themselves): %s", e.getMessage());
        }
    }

    /** Chunks the waiting rows if it is time (enough of them, or the oldest waited long enough); returns the rows. */
    long chunk() {
        long rows = store.chunkContacts(chunkRows, MAX_CHUNK_ROWS, chunkWait);
        if (rows > 0) {
            LOG.debugf("Audit upkeep: %d rows chunked by contact", rows);
        }
        return rows;
    }

    /** Chunks every waiting row now, whatever their number or age; returns the rows. */
    long chunkAll() {
        long all = 0;
        for (long rows; (rows = store.chunkContacts(1, MAX_CHUNK_ROWS, Duration.ZERO)) > 0; ) {
            all += rows;
        }
        return all;
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
