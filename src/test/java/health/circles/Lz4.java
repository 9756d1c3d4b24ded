package health.circles;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** Whether the PostgreSQL server the tests run on was built with LZ4, which migrations V39 and V40 use where it is. */
public final class Lz4 {

    private Lz4() {
    }

    /** Probes with a temporary column compressed with LZ4, in a transaction rolled back; leaves autocommit on. */
    public static boolean supported(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE lz4_probe (x text COMPRESSION lz4) ON COMMIT DROP");
            return true;
        } catch (SQLException e) {
            if (!"0A000".equals(e.getSQLState())) { // feature_not_supported: built without LZ4
                throw e;
            }
            return false;
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }
}
