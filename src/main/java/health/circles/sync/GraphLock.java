package health.circles.sync;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;

/**
 * Holds the relay's advisory lock for the length of a repair or rebuild, so that no relay on any replica writes the
 * graph meanwhile; writes go on in PostgreSQL and queue in the outbox, and the relay applies them afterwards (older
 * versions are skipped by the projections, so nothing is applied twice or backwards).
 */
@ApplicationScoped
public class GraphLock {

    private final AgroalDataSource dataSource;
    private final OutboxStore outbox;
    private final GraphRelay relay;

    GraphLock(AgroalDataSource dataSource, OutboxStore outbox, GraphRelay relay) {
        this.dataSource = dataSource;
        this.outbox = outbox;
        this.relay = relay;
    }

    /** Work done while the relay is held off. */
    public interface Work<T> {
        T run() throws Exception;
    }

    public <T> T holding(Work<T> work) {
        // A connection of its own, outside any transaction, that holds the session lock for the work's length.
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            outbox.lockSession(c);
            try {
                return work.run();
            } finally {
                // A session lock outlives the borrow: release it before the connection goes back to the pool.
                outbox.unlockSession(c);
                relay.wake();
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
