package health.circles.sync;

import health.circles.security.AuditedRecord;
import health.circles.web.ApiProblem;
import health.circles.web.Cursor;
import health.circles.web.Page;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The outbox rows the relay gave up on: listed for operators, put back in the outbox at their old place to be tried
 * again, or discarded. Either way the rows parked behind one go on.
 */
@ApplicationScoped
public class DeadLetters {

    private final AgroalDataSource dataSource;
    private final Event<Outbox.Appended> appended;

    DeadLetters(AgroalDataSource dataSource, Event<Outbox.Appended> appended) {
        this.dataSource = dataSource;
        this.appended = appended;
    }

    /** A dead letter as operators see it; the payload stays in PostgreSQL (it may name people, and be large). */
    @Schema(name = "DeadLetter")
    public record View(
            @Schema(description = "Its outbox position, kept: a retry puts it back there") long position,
            @Schema(description = "Outbox type, e.g. tie.upserted") String type,
            @Schema(description = "The contact, tie or import job the change belongs to") UUID aggregateId,
            long version,
            @Schema(description = "Changes the row carries (more than one for an import batch)") int items,
            @Schema(description = "Payload size in bytes") long bytes,
            int attempts,
            @Schema(description = "The last attempt's error") String error,
            @Schema(description = "When the change was written to the outbox") Instant occurredAt,
            Instant firstFailedAt,
            Instant lastFailedAt,
            @Schema(description = "When the relay gave up on it") Instant deadAt,
            @Schema(description = "Later outbox rows of the same aggregate held behind it") long parked)
            implements AuditedRecord {

        @Override
        public String auditId() {
            return String.valueOf(position);
        }

        @Override
        public Set<UUID> auditContacts() {
            return type.startsWith("contact.") ? Set.of(aggregateId) : Set.of();
        }
    }

    /** Oldest first (outbox order, the order they would have been applied in), keyset paged by position. */
    @Transactional
    public Page<View> list(int limit, Cursor after) {
        long from;
        try {
            from = after == null ? 0 : position(after.key());
        } catch (ApiProblem e) {
            throw ApiProblem.invalidField("next", "is not a cursor returned by this listing");
        }
        List<View> views = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("""
                     SELECT d.position, d.type, d.aggregate_id, d.version, d.items, octet_length(d.payload::text),
                            d.attempts, d.error, d.occurred_at, d.first_failed_at, d.last_failed_at, d.dead_at,
                            (SELECT count(*) FROM outbox o WHERE o.applied_at IS NULL
                                 AND o.aggregate_id = d.aggregate_id AND o.position > d.position)
                     FROM outbox_dead_letter d WHERE d.position > ?
                     ORDER BY d.position LIMIT ?""")) {
            s.setLong(1, from);
            s.setInt(2, limit + 1);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    views.add(new View(r.getLong(1), r.getString(2), r.getObject(3, UUID.class), r.getLong(4),
                            r.getInt(5), r.getLong(6), r.getInt(7), r.getString(8), instant(r, 9), instant(r, 10),
                            instant(r, 11), instant(r, 12), r.getLong(13)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not list the dead letters", e);
        }
        String next = null;
        if (views.size() > limit) {
            views.remove(limit);
            View last = views.get(limit - 1);
            next = new Cursor(String.valueOf(last.position()), last.aggregateId()).encode();
        }
        return new Page<>(views, next);
    }

    /**
     * Puts a dead letter back in the outbox at its own position, attempts reset, so that it goes before the rows
     * parked behind it: the aggregate's changes still reach the graph in the order they were made.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void retry(long position) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("""
                     WITH d AS (DELETE FROM outbox_dead_letter WHERE position = ? RETURNING *)
                     INSERT INTO outbox (position, type, aggregate_id, version, payload, items, occurred_at)
                     SELECT position, type, aggregate_id, version, payload, items, occurred_at FROM d""")) {
            s.setLong(1, position);
            if (s.executeUpdate() == 0) {
                throw ApiProblem.notFound("Dead letter", position);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not retry dead letter " + position, e);
        }
        appended.fire(new Outbox.Appended(position)); // wakes the relay once this commits
    }

    /**
     * Drops a dead letter for good. The rows parked behind it then go on; what the dropped change would have done is
     * left to reconcile, which repairs the graph from PostgreSQL.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void discard(long position) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("DELETE FROM outbox_dead_letter WHERE position = ?")) {
            s.setLong(1, position);
            if (s.executeUpdate() == 0) {
                throw ApiProblem.notFound("Dead letter", position);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not discard dead letter " + position, e);
        }
        appended.fire(new Outbox.Appended(position));
    }

    /** A dead letter's position from a path or a cursor: a 400 naming the field rather than a 404 or 500. */
    static long position(String value) {
        try {
            long position = Long.parseLong(value);
            if (position > 0) {
                return position;
            }
        } catch (NumberFormatException | NullPointerException ignored) {
            // refused below
        }
        throw ApiProblem.invalidField("id", "must be a positive outbox position");
    }

    private static Instant instant(ResultSet r, int column) throws SQLException {
        var t = r.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
