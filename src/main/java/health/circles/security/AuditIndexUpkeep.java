package health.circles.security;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Keeps the audit trail searchable by contact and by record (migrations V36 to V38): every
 * {@code circles.security.audit.index-upkeep-every}, outside any call, once {@code chunk-rows} rows wait or the
 * oldest has waited {@code chunk-wait}, they are added as one chunk: a row per contact and per record they
 * name, with the ids of the rows that name it. A search reads the chunks and the rows after them, so a row is found
 * from the moment it is written. Before, GIN indexes on the rows did this, and under a steady stream of reads their
 * pending lists were moved in one entry at a time (V36 has the figures). Chunks fill epochs of
 * {@code chunk-epoch-rows} chunk rows (V38): a chunk is added to the newest epoch's part of the index only, so its
 * cost does not grow with the trail, and a search probes each epoch once.
 *
 * <p>Each replica runs it; the database lets one chunker work at a time, and the second then finds nothing to do.
 */
@ApplicationScoped
public class AuditIndexUpkeep {

    /** Rows in one chunk at most, so that one statement stays short when the chunker has fallen behind. */
    static final int MAX_CHUNK_ROWS = 50_000;
    private static final Logger LOG = Logger.getLogger(AuditIndexUpkeep.class);

    private final AuditStore store;
    private final int chunkRows;
    private final Duration chunkWait;
    private final long epochRows;

    AuditIndexUpkeep(AuditStore store, SecurityConfig config) {
        this.store = store;
        this.chunkRows = config.audit().chunkRows();
        this.chunkWait = config.audit().chunkWait();
        this.epochRows = config.audit().chunkEpochRows();
        if (chunkRows < 1 || chunkRows > MAX_CHUNK_ROWS || chunkWait.isNegative() || epochRows < 1) {
            throw new IllegalArgumentException("circles.security.audit.chunk-rows must be 1 to "
                    + MAX_CHUNK_ROWS + ", chunk-wait not negative and chunk-epoch-rows at least 1");
        }
    }

    @Scheduled(every = "${circles.security.audit.index-upkeep-every:2s}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void onSchedule() {
        try {
            chunk();
        } catch (RuntimeException e) {
            LOG.warnf("Audit chunking failed (searches read the rows not chunked): %s", e.getMessage());
        }
    }

    /** Chunks the waiting rows if it is time (enough of them, or the oldest waited long enough); returns the rows. */
    long chunk() {
        long rows = store.chunk(chunkRows, MAX_CHUNK_ROWS, chunkWait, epochRows);
        if (rows > 0) {
            LOG.debugf("Audit upkeep: %d rows chunked by contact and record", rows);
        }
        return rows;
    }

    /** Chunks every waiting row now, whatever their number or age; returns the rows. */
    long chunkAll() {
        long all = 0;
        for (long rows; (rows = store.chunk(1, MAX_CHUNK_ROWS, Duration.ZERO, epochRows)) > 0; ) {
            all += rows;
        }
        return all;
    }
}
