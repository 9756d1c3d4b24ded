package health.circles.network;

import health.circles.sync.GraphRelay;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Read-your-writes for graph questions. Every graph write answers with its outbox position in the Graph-Position
 * header; a graph question waits (bounded) until the relay applied the writes up to the position the client names in
 * {@code consistentWith}, or by default every write committed before the question arrived.
 */
@ApplicationScoped
public class GraphReads {

    public static final String POSITION_HEADER = "Graph-Position";

    private final GraphRelay relay;
    private final AgroalDataSource dataSource;
    private final NetworkConfig config;

    GraphReads(GraphRelay relay, AgroalDataSource dataSource, NetworkConfig config) {
        this.relay = relay;
        this.dataSource = dataSource;
        this.config = config;
    }

    /** Waits for the graph to reflect writes up to {@code consistentWith} (null: all committed ones); false on timeout. */
    public boolean await(Long consistentWith) {
        long target = consistentWith != null ? consistentWith : latestPending();
        if (target <= 0) {
            return true;
        }
        return relay.awaitApplied(target, config.readYourWritesWait());
    }

    private long latestPending() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(
                     "SELECT coalesce(max(position), 0) FROM outbox WHERE applied_at IS NULL");
             ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the outbox position", e);
        }
    }
}
