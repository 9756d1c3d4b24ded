package health.circles;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.postgresql.util.PGobject;

/**
 * Parameterised SQL for the stores that read with plain statements: binds Java arrays (as PostgreSQL arrays),
 * instants and {@link #NULL}, runs the statement on a pooled connection and maps the rows.
 */
public final class Sql {

    /** A parameter that is SQL NULL (parameter lists are immutable lists, which cannot hold null). */
    public static final Object NULL = new Object();

    /** Maps one row; may return null for rows read only for a side effect, which are left out of the result. */
    public interface Row<T> {
        T map(ResultSet r) throws SQLException;
    }

    private Sql() {
    }

    /** The mapped rows of a query, on a pooled connection (in the caller's transaction, when there is one). */
    public static <T> List<T> query(DataSource dataSource, String sql, List<?> params, Row<T> row) {
        try (Connection c = dataSource.getConnection()) {
            return query(c, sql, params, row);
        } catch (SQLException e) {
            throw new IllegalStateException("Query failed: " + e.getMessage(), e);
        }
    }

    /** Rows changed by a statement; a failure keeps its {@link SQLException} as the cause (for its SQL state). */
    public static int update(DataSource dataSource, String sql, List<?> params) {
        try (Connection c = dataSource.getConnection()) {
            return update(c, sql, params);
        } catch (SQLException e) {
            throw new IllegalStateException("Update failed: " + e.getMessage(), e);
        }
    }

    /**
     * The mapped rows of a query on a given connection, in whatever transaction it holds (a relay batch, a lock's
     * session); the connection stays open.
     */
    public static <T> List<T> query(Connection c, String sql, List<?> params, Row<T> row) {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setFetchSize(10_000);
            bind(c, s, params);
            List<T> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    T value = row.map(r);
                    if (value != null) {
                        out.add(value);
                    }
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("Query failed: " + e.getMessage(), e);
        }
    }

    /**
     * Streams the mapped rows of a query to {@code each}, {@code fetchSize} rows at a time, on a pooled connection of
     * its own outside autocommit (PostgreSQL fetches by cursor only then), so that memory stays at one fetch however
     * large the table: for the readers of whole tables (rebuild and reconcile of the graph). The transaction only
     * reads; a failure of {@code each} ends the stream and travels on unchanged.
     */
    public static <T> void stream(DataSource dataSource, String sql, List<?> params, int fetchSize, Row<T> row,
                                  Consumer<? super T> each) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setFetchSize(fetchSize);
                bind(c, s, params);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        T value = row.map(r);
                        if (value != null) {
                            each.accept(value);
                        }
                    }
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("Query failed: " + e.getMessage(), e);
        }
    }

    /** Rows changed by a statement on a given connection, in whatever transaction it holds; it stays open. */
    public static int update(Connection c, String sql, List<?> params) {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(c, s, params);
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Update failed: " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code e}, thrown by this class, is PostgreSQL's unique violation (SQL state 23505): a duplicate key,
     * which callers turn into a conflict.
     */
    public static boolean isUniqueViolation(RuntimeException e) {
        return e.getCause() instanceof SQLException sql && "23505".equals(sql.getSQLState());
    }

    /**
     * {@code work}'s answer, run on {@code c} under a savepoint; when it fails on a unique violation, what it wrote is
     * rolled back to the savepoint, the transaction goes on, and {@code onConflict}'s answer is returned instead. The
     * savepoint is set in SQL: the pool refuses JDBC's {@code rollback(Savepoint)} on a connection that takes part in
     * a JTA transaction, as the batch transactions of imports do.
     */
    public static <T> T unlessUniqueViolation(Connection c, Supplier<T> work, Supplier<T> onConflict) {
        execute(c, "SAVEPOINT unless_unique_violation", List.of());
        T answer;
        try {
            answer = work.get();
        } catch (IllegalStateException e) {
            if (!isUniqueViolation(e)) {
                throw e;
            }
            execute(c, "ROLLBACK TO SAVEPOINT unless_unique_violation", List.of());
            execute(c, "RELEASE SAVEPOINT unless_unique_violation", List.of());
            return onConflict.get();
        }
        execute(c, "RELEASE SAVEPOINT unless_unique_violation", List.of());
        return answer;
    }

    /** Runs a statement on {@code c} whatever it answers (a setting, a function called for its effect, a table). */
    public static void execute(Connection c, String sql, List<?> params) {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(c, s, params);
            s.execute();
        } catch (SQLException e) {
            throw new IllegalStateException("Statement failed: " + e.getMessage(), e);
        }
    }

    /**
     * Binds {@code params} in order: {@code UUID[]}, {@code Long[]}, {@code Integer[]}, {@code Double[]},
     * {@code Boolean[]}, {@code String[]} as arrays (elements may be null), instants as timestamps.
     */
    public static void bind(Connection c, PreparedStatement s, List<?> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            if (p == NULL) {
                s.setObject(i + 1, null);
            } else if (p instanceof Instant at) {
                s.setTimestamp(i + 1, Timestamp.from(at));
            } else if (p instanceof UUID[] ids) {
                s.setObject(i + 1, uuidArray(ids));
            } else if (p instanceof Long[] longs) {
                s.setArray(i + 1, c.createArrayOf("bigint", longs));
            } else if (p instanceof Integer[] ints) {
                s.setArray(i + 1, c.createArrayOf("int", ints));
            } else if (p instanceof Double[] doubles) {
                s.setArray(i + 1, c.createArrayOf("float8", doubles));
            } else if (p instanceof Boolean[] booleans) {
                s.setArray(i + 1, c.createArrayOf("boolean", booleans));
            } else if (p instanceof String[] texts) {
                s.setArray(i + 1, c.createArrayOf("text", texts));
            } else {
                s.setObject(i + 1, p);
            }
        }
    }

    /**
     * A {@code uuid[]} parameter in PostgreSQL's array syntax, for the server to parse. The driver's
     * {@code createArrayOf} writes the same text a character at a time, each checked for quoting, which was a quarter
     * of the service's profile samples in a read that names a hundred contacts (its audit row and the erasure check of
     * its cached answer); the ids' own text needs no quoting. Still one parameter: only ids reach the text.
     */
    static PGobject uuidArray(UUID[] ids) throws SQLException {
        StringBuilder text = new StringBuilder(2 + ids.length * 37).append('{');
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) {
                text.append(',');
            }
            text.append(ids[i] == null ? "NULL" : ids[i].toString());
        }
        PGobject array = new PGobject();
        array.setType("uuid[]");
        array.setValue(text.append('}').toString());
        return array;
    }

    /** Where a {@link CopyWriter} puts its rows. */
    public interface CopyRows {
        /** One row, its values in the column order of the COPY statement. */
        void row(Object... values) throws SQLException;
    }

    /**
     * Rows for {@link #copyIn}: each {@link #row} is written in COPY's text format, values escaped (backslash, tab,
     * line breaks) and null as {@code \N}; doubles keep every bit (shortest exact decimal).
     */
    private static final class TextRows implements FormatRows {

        private static final int FLUSH_CHARS = 1 << 20;

        private final org.postgresql.copy.CopyIn copy;
        private final StringBuilder buffer = new StringBuilder(FLUSH_CHARS + 4096);
        private long rows;

        private TextRows(org.postgresql.copy.CopyIn copy) {
            this.copy = copy;
        }

        @Override
        public void row(Object... values) throws SQLException {
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    buffer.append('\t');
                }
                append(values[i]);
            }
            buffer.append('\n');
            rows++;
            if (buffer.length() >= FLUSH_CHARS) {
                flush();
            }
        }

        private void append(Object value) {
            if (value == null) {
                buffer.append("\\N");
            } else if (value instanceof Number || value instanceof Boolean || value instanceof UUID) {
                buffer.append(value);
            } else {
                String text = value.toString();
                for (int i = 0; i < text.length(); i++) {
                    char ch = text.charAt(i);
                    switch (ch) {
                        case '\\' -> buffer.append("\\\\");
                        case '\t' -> buffer.append("\\t");
                        case '\n' -> buffer.append("\\n");
                        case '\r' -> buffer.append("\\r");
                        default -> buffer.append(ch);
                    }
                }
            }
        }

        @Override
        public void finish() throws SQLException {
            flush();
        }

        @Override
        public long count() {
            return rows;
        }

        private void flush() throws SQLException {
            if (!buffer.isEmpty()) {
                byte[] bytes = buffer.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                copy.writeToCopy(bytes, 0, bytes.length);
                buffer.setLength(0);
            }
        }
    }

    /**
     * Rows for {@link #copyInBinary}, in COPY's binary format: no text to format in Java nor to parse in PostgreSQL.
     * A value's Java type gives its column type, which must be the column's own: UUID (uuid), Double (float8),
     * Integer (int4), Long (int8), Boolean (bool), String (text); null for NULL.
     */
    private static final class BinaryRows implements FormatRows {

        private static final int FLUSH_BYTES = 1 << 20;
        private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0,
            0, 0, 0, 0, 0, 0, 0, 0};

        private final org.postgresql.copy.CopyIn copy;
        private final java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(FLUSH_BYTES + 64 * 1024);
        private long rows;

        private BinaryRows(org.postgresql.copy.CopyIn copy) {
            this.copy = copy;
            buffer.put(HEADER);
        }

        @Override
        public void row(Object... values) throws SQLException {
            buffer.putShort((short) values.length);
            for (Object value : values) {
                if (value == null) {
                    buffer.putInt(-1);
                } else if (value instanceof UUID u) {
                    buffer.putInt(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
                } else if (value instanceof Double d) {
                    buffer.putInt(8).putDouble(d);
                } else if (value instanceof Integer i) {
                    buffer.putInt(4).putInt(i);
                } else if (value instanceof Long l) {
                    buffer.putInt(8).putLong(l);
                } else if (value instanceof Boolean b) {
                    buffer.putInt(1).put((byte) (b ? 1 : 0));
                } else if (value instanceof String text) {
                    byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    room(4 + bytes.length);
                    buffer.putInt(bytes.length).put(bytes);
                } else {
                    throw new IllegalArgumentException("no binary COPY form for " + value.getClass());
                }
                room(0);
            }
            rows++;
        }

        /** Flushes when the buffer is past its mark or lacks {@code bytes} of room. */
        private void room(int bytes) throws SQLException {
            if (buffer.position() >= FLUSH_BYTES || buffer.remaining() < bytes) {
                flush();
                if (buffer.remaining() < bytes) {
                    throw new IllegalArgumentException("a value of " + bytes + " bytes is too long for binary COPY");
                }
            }
        }

        private void flush() throws SQLException {
            if (buffer.position() > 0) {
                copy.writeToCopy(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
        }

        @Override
        public void finish() throws SQLException {
            buffer.putShort((short) -1);
            flush();
        }

        @Override
        public long count() {
            return rows;
        }
    }

    /** Writes the rows of a COPY. */
    public interface CopyWriter {
        void write(CopyRows rows) throws SQLException;
    }

    /**
     * Loads rows with PostgreSQL's COPY ... FROM STDIN (text format) on the given connection, in its transaction:
     * many times faster than INSERTs for a snapshot of a whole graph. {@code copySql} names the table and columns
     * (a constant of the store); returns how many rows went in.
     */
    public static long copyIn(Connection c, String copySql, CopyWriter writer) throws SQLException {
        return copy(c, copySql, writer, TextRows::new);
    }

    /**
     * Loads rows with COPY ... FROM STDIN in the binary format (which {@code copySql} must ask for:
     * {@code WITH (FORMAT binary)}), on the given connection, in its transaction. For rows of numbers and uuids, where
     * formatting and parsing text is most of a text COPY's work; each value's Java type must be its column's
     * ({@link BinaryRows}). Returns how many rows went in.
     */
    public static long copyInBinary(Connection c, String copySql, CopyWriter writer) throws SQLException {
        return copy(c, copySql, writer, BinaryRows::new);
    }

    /** Rows of one format, which sends what it holds when the writer is done, and counts them. */
    private interface FormatRows extends CopyRows {
        void finish() throws SQLException;

        long count();
    }

    private static long copy(Connection c, String copySql, CopyWriter writer,
                             java.util.function.Function<org.postgresql.copy.CopyIn, FormatRows> format)
            throws SQLException {
        org.postgresql.copy.CopyIn copy = c.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyIn(copySql);
        FormatRows rows = format.apply(copy);
        try {
            writer.write(rows);
            rows.finish();
            copy.endCopy();
            return rows.count();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }
}
