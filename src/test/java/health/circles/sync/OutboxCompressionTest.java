package health.circles.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import health.circles.Anonymous;
import health.circles.Lz4;
import health.circles.network.TieGraph;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** V40: the outbox's batch payloads, which bulk imports make large, are compressed with LZ4 where the server has it. */
@QuarkusTest
@Anonymous // no HTTP call: the outbox and the database directly
class OutboxCompressionTest {

    @Inject
    Outbox outbox;

    @Inject
    AgroalDataSource db;

    @Test
    void aLargeBatchPayloadIsStoredWithLz4AndReadsBackWhole() throws SQLException {
        boolean lz4;
        try (Connection c = db.getConnection()) {
            lz4 = Lz4.supported(c);
        }
        List<Map<String, Object>> ties = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) { // ~250 kB of JSON: well over the size PostgreSQL compresses at (2 kB)
            ties.add(Map.of("id", UUID.randomUUID().toString(), "from", UUID.randomUUID().toString(),
                    "to", UUID.randomUUID().toString(), "type", "FRIEND_OF", "symmetric", true, "strength", 0.5,
                    "version", 0));
        }
        // Appended and read in one transaction that is then rolled back: the relay never sees the row.
        String[] stored;
        QuarkusTransaction.begin();
        try {
            long position = outbox.appendBatch(TieGraph.UPSERTED, UUID.randomUUID(), 0, ties);
            try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                    SELECT coalesce(pg_column_compression(payload), 'none'), json_array_length(payload -> 'batch'),
                           payload -> 'batch' -> 1999 ->> 'id', items
                    FROM outbox WHERE position = ?""")) {
                s.setLong(1, position);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    stored = new String[] {r.getString(1), r.getString(2), r.getString(3), r.getString(4)};
                }
            }
        } finally {
            QuarkusTransaction.rollback();
        }
        assertEquals(lz4 ? "lz4" : "pglz", stored[0], "payload compression");
        assertEquals("2000", stored[1], "items in the payload");
        assertEquals(ties.get(1999).get("id"), stored[2], "the last item's id");
        assertEquals("2000", stored[3], "the row's item count");
    }

    @Test
    void deadLettersKeepTheirPayloadsWithTheSameCompression() throws SQLException {
        try (Connection c = db.getConnection()) {
            boolean lz4 = Lz4.supported(c);
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT a.attrelid::regclass::text, a.attcompression FROM pg_attribute a
                    WHERE a.attrelid IN ('outbox'::regclass, 'outbox_dead_letter'::regclass) AND a.attname = 'payload'
                    ORDER BY 1"""); ResultSet r = s.executeQuery()) {
                int columns = 0;
                while (r.next()) {
                    columns++;
                    assertEquals(lz4 ? "l" : "", r.getString(2), r.getString(1) + ".payload compression");
                }
                assertEquals(2, columns);
            }
        }
    }
}
