package health.circles.analytics;

import health.circles.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * A PostgreSQL advisory lock held for as long as a piece of work runs, on a connection of its own: one holder at a time
 * across replicas, and released with the session if the replica dies. The connection is in autocommit, so that rows
 * written on it commit as written.
 *
 * @param key the lock's key, one per kind of work
 * @param what what the lock guards, for the log
 */
record SessionLock(long key, String what) {

    private static final Logger LOG = Logger.getLogger(SessionLock.class);

    /** The lock's connection, which the caller keeps until {@link #release}; empty when another session holds it. */
    Optional<Connection> tryTake(DataSource dataSource) throws SQLException {
        Connection c = dataSource.getConnection();
        boolean locked = false;
        try {
            c.setAutoCommit(true);
            locked = Sql.query(c, "SELECT pg_try_advisory_lock(?)", List.of(key), r -> r.getBoolean(1)).get(0);
            return locked ? Optional.of(c) : Optional.empty();
        } finally {
            if (!locked) {
                close(c);
            }
        }
    }

    /** Releases the lock {@link #tryTake} took and closes its connection (which releases it too); never throws. */
    void release(Connection c) {
        if (c == null) {
            return;
        }
        try {
            Sql.execute(c, "SELECT pg_advisory_unlock(?)", List.of(key));
        } catch (RuntimeException e) {
            LOG.debugf("Could not release the %s lock: %s", what, e.getMessage());
        }
        close(c);
    }

    private void close(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debugf("Could not close the %s lock's connection: %s", what, e.getMessage());
        }
    }
}
