package health.circles.sync;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

/** Reads the relay's progress from PostgreSQL and the relay's view of Neo4j. */
@ApplicationScoped
public class SyncMonitor {

    private final AgroalDataSource dataSource;
    private final GraphRelay relay;

    SyncMonitor(AgroalDataSource dataSource, GraphRelay relay) {
        this.dataSource = dataSource;
        this.relay = relay;
    }

    public SyncStatus status() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("""
                     SELECT (SELECT count(*) FROM outbox WHERE applied_at IS NULL),
                            (SELECT min(occurred_at) FROM outbox WHERE applied_at IS NULL),
                            (SELECT coalesce(max(position), 0) FROM outbox),
                            st.applied_position, st.applied_at, st.last_error, st.last_error_at, now(),
                            (SELECT count(*) FROM outbox_dead_letter),
                            (SELECT count(*) FROM outbox o WHERE o.applied_at IS NULL AND EXISTS (
                                SELECT 1 FROM outbox_dead_letter d
                                WHERE d.aggregate_id = o.aggregate_id AND d.position < o.position))
                     FROM sync_state st WHERE st.id = 1""");
             ResultSet r = s.executeQuery()) {
            r.next();
            long backlog = r.getLong(1);
            Instant oldest = instant(r.getTimestamp(2));
            Instant now = instant(r.getTimestamp(8));
            double lag = oldest == null ? 0 : Math.max(0, Duration.between(oldest, now).toMillis() / 1000.0);
            long applied = r.getLong(4);
            long last = Math.max(r.getLong(3), applied);
            long deadLetters = r.getLong(9);
            // A dead letter is a change the graph lacks until an operator acts: the graph is not in step.
            SyncStatus.State state = relay.graphUp() && deadLetters == 0 ? SyncStatus.State.UP
                    : SyncStatus.State.DEGRADED;
            return new SyncStatus(state, backlog, lag, applied, last, instant(r.getTimestamp(5)), deadLetters,
                    r.getLong(10),
                    r.getString(6) != null ? r.getString(6) : relay.lastError(),
                    instant(r.getTimestamp(7)));
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the sync status", e);
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
