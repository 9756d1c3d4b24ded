package health.circles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Binary COPY ({@link Sql#copyInBinary}) against the real PostgreSQL: every value type reads back as written, edge
 * values included, across many buffer flushes, the same as a text COPY of the same rows; a value of the wrong type for
 * its column is refused by the server, and a value with no binary form by the writer.
 */
@QuarkusTest
@Anonymous
class SqlCopyTest {

    private static final String TABLE = """
            CREATE TEMP TABLE copied (id uuid, kind text, score float8, rank int4, community int8, flag bool)""";

    @Inject
    AgroalDataSource dataSource;

    @Test
    void binaryRowsReadBackAsWrittenAndAsTheTextFormatWritesThem() throws Exception {
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[] {new UUID(Long.MIN_VALUE, -1L), "zoë\tand \\ a\nline", Double.NaN, Integer.MIN_VALUE,
            Long.MIN_VALUE, true});
        rows.add(new Object[] {new UUID(0, 0), "", Double.NEGATIVE_INFINITY, Integer.MAX_VALUE, Long.MAX_VALUE,
            false});
        rows.add(new Object[] {null, null, null, null, null, null});
        rows.add(new Object[] {UUID.randomUUID(), "\uD83D\uDE00", -0.0, 0, 0L, null});
        rows.add(new Object[] {UUID.randomUUID(), "x", Double.MIN_VALUE, -1, -1L, true});
        Random random = new Random(7);
        for (int i = 0; i < 60_000; i++) { // about 3 MB: the buffer flushes many times, mid-row included
            rows.add(new Object[] {new UUID(random.nextLong(), random.nextLong()), "kind" + (i % 7),
                random.nextGaussian() * 1e300, random.nextInt(), random.nextLong(), random.nextBoolean()});
        }
        List<List<Object>> binary = roundTrip(rows, true);
        List<List<Object>> text = roundTrip(rows, false);
        assertEquals(rows.size(), binary.size());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(Arrays.asList(rows.get(i)), binary.get(i), "row " + i);
        }
        assertEquals(text, binary, "the same rows as a text COPY");
    }

    @Test
    void aValueOfTheWrongTypeIsRefused() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            Sql.execute(c, TABLE, List.of());
            SQLException refused = assertThrows(SQLException.class, () -> Sql.copyInBinary(c,
                    "COPY copied (id, rank) FROM STDIN WITH (FORMAT binary)", r -> {
                        r.row(UUID.randomUUID(), 1);
                        r.row(UUID.randomUUID(), 2L); // int8 for an int4 column
                    }));
            assertTrue(refused.getMessage().contains("binary"), refused.getMessage());
            c.rollback();
            Sql.execute(c, TABLE, List.of());
            assertThrows(IllegalArgumentException.class, () -> Sql.copyInBinary(c,
                    "COPY copied (id) FROM STDIN WITH (FORMAT binary)", r -> r.row(new Object())));
            c.rollback();
        }
    }

    /** Writes the rows into a temporary table by binary or text COPY and reads them back in their order. */
    private List<List<Object>> roundTrip(List<Object[]> rows, boolean binary) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Sql.execute(c, TABLE + " ON COMMIT DROP", List.of());
                Sql.execute(c, "ALTER TABLE copied ADD COLUMN n bigserial", List.of());
                String columns = "COPY copied (id, kind, score, rank, community, flag) FROM STDIN";
                Sql.CopyWriter writer = r -> {
                    for (Object[] row : rows) {
                        r.row(row);
                    }
                };
                long copied = binary ? Sql.copyInBinary(c, columns + " WITH (FORMAT binary)", writer)
                        : Sql.copyIn(c, columns, writer);
                assertEquals(rows.size(), copied);
                return Sql.query(c, "SELECT id, kind, score, rank, community, flag FROM copied ORDER BY n", List.of(),
                        r -> Arrays.asList(r.getObject(1, UUID.class), r.getString(2),
                                r.getObject(3) == null ? null : r.getDouble(3), (Integer) r.getObject(4),
                                (Long) r.getObject(5), (Boolean) r.getObject(6)));
            } finally {
                c.rollback();
            }
        }
    }
}
