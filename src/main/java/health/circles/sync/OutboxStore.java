package health.circles.sync;

import health.circles.Sql;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The outbox table as the relay's waiters read it: positions written and not yet applied to the graph. */
@ApplicationScoped
class OutboxStore {

    /** The newest position written and not yet applied; 0 when the graph is in step. */
    private static final String LATEST_PENDING = "SELECT coalesce(max(position), 0) FROM outbox WHERE applied_at IS NULL";

    /** How many rows up to a position the graph still lacks. */
    private static final String PENDING_UP_TO = "SELECT count(*) FROM outbox WHERE applied_at IS NULL AND position <= ?";

    private final AgroalDataSource dataSource;

    OutboxStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    long latestPending() {
        return Sql.query(dataSource, LATEST_PENDING, List.of(), r -> r.getLong(1)).get(0);
    }

    long pendingUpTo(long position) {
        return Sql.query(dataSource, PENDING_UP_TO, List.of(position), r -> r.getLong(1)).get(0);
    }
}
