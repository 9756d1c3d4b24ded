package health.circles.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.Anonymous;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The purge deletes the applied outbox rows past the retention (7 days) and keeps the newer ones. */
@QuarkusTest
@Anonymous // calls no endpoint
class OutboxPurgeTest {

    @Inject
    AgroalDataSource db;

    @Inject
    OutboxPurge purge;

    @Test
    void appliedRowsPastTheRetentionGoAndNewerOnesStay() throws Exception {
        // Removals of ties the graph never held, inserted as already applied: 8 days ago, 6 days ago, a minute ago.
        List<Long> positions = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                INSERT INTO outbox (type, aggregate_id, version, payload, occurred_at, applied_at)
                SELECT 'tie.deleted', gen_random_uuid(), 1, jsonb_build_object('id', gen_random_uuid()::text),
                       now() - age, now() - age
                FROM unnest(ARRAY[interval '8 days', interval '6 days', interval '1 minute']) WITH ORDINALITY AS t(age, n)
                ORDER BY n
                RETURNING position""")) {
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    positions.add(r.getLong(1));
                }
            }
        }
        assertEquals(3, positions.size());

        assertTrue(purge.purge() >= 1, "the row applied 8 days ago is deleted");

        assertEquals(List.of(false, true, true), positions.stream().map(this::stored).toList());
        assertEquals(0, purge.purge(), "nothing is left to delete");
    }

    private boolean stored(long position) {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT 1 FROM outbox WHERE position = ?")) {
            s.setLong(1, position);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
