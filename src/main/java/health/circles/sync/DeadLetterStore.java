package health.circles.sync;

import health.circles.Sql;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The {@code outbox_dead_letter} table: listed, put back in the outbox, or dropped; in the caller's transaction. */
@ApplicationScoped
class DeadLetterStore {

    /** Dead letters after a position, oldest first, each with the rows of its aggregate parked behind it. */
    private static final String PAGE = """
            SELECT d.position, d.type, d.aggregate_id, d.version, d.items, octet_length(d.payload::text),
                   d.attempts, d.error, d.occurred_at, d.first_failed_at, d.last_failed_at, d.dead_at,
                   (SELECT count(*) FROM outbox o WHERE o.applied_at IS NULL
                        AND o.aggregate_id = d.aggregate_id AND o.position > d.position)
            FROM outbox_dead_letter d WHERE d.position > ?
            ORDER BY d.position LIMIT ?""";

    /**
     * Moves a dead letter back into the outbox at its own position, attempts reset; it keeps when it first failed, so
     * that the relay knows it as a change that waited (see {@code GraphRelay}'s batch rows).
     */
    private static final String RETRY = """
            WITH d AS (DELETE FROM outbox_dead_letter WHERE position = ? RETURNING *)
            INSERT INTO outbox (position, type, aggregate_id, version, payload, items, occurred_at, first_failed_at)
            SELECT position, type, aggregate_id, version, payload, items, occurred_at, first_failed_at FROM d""";

    private static final String DISCARD = "DELETE FROM outbox_dead_letter WHERE position = ?";

    /**
     * Takes one contact's changes out of the import batches among the dead letters (matched by the text of its id at
     * {@code id}, {@code from} or {@code to}); the id is bound four times.
     */
    private static final String FORGET_IN_BATCHES = """
            UPDATE outbox_dead_letter d SET payload = json_build_object('batch', kept.rows), items = kept.n
            FROM (SELECT position, coalesce(json_agg(e) FILTER (WHERE NOT mentions), '[]'::json) AS rows,
                         count(*) FILTER (WHERE NOT mentions) AS n
                  FROM (SELECT position, e, (e ->> 'id' = ? OR e ->> 'from' = ? OR e ->> 'to' = ?)
                                            AS mentions
                        FROM outbox_dead_letter, json_array_elements(payload -> 'batch') e
                        WHERE json_typeof(payload -> 'batch') = 'array') x
                  GROUP BY position) kept
            WHERE d.position = kept.position AND strpos(d.payload::text, ?) > 0""";

    /**
     * Drops the dead letters of the contact or naming it, and the batches left empty; the id is bound twice.
     */
    private static final String FORGET = """
            DELETE FROM outbox_dead_letter
            WHERE aggregate_id = CAST(? AS uuid)
               OR (payload -> 'batch' IS NULL AND strpos(payload::text, ?) > 0)
               OR json_array_length(CASE json_typeof(payload -> 'batch') WHEN 'array'
                                    THEN payload -> 'batch' END) = 0""";

    private final AgroalDataSource dataSource;

    DeadLetterStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Up to {@code limit} dead letters after position {@code after}, in position order. */
    List<DeadLetters.View> page(long after, int limit) {
        return Sql.query(dataSource, PAGE, List.of(after, limit), r -> new DeadLetters.View(r.getLong(1),
                r.getString(2), r.getObject(3, UUID.class), r.getLong(4), r.getInt(5), r.getLong(6), r.getInt(7),
                r.getString(8), instant(r, 9), instant(r, 10), instant(r, 11), instant(r, 12), r.getLong(13)));
    }

    /** Whether there was such a dead letter to put back. */
    boolean retry(long position) {
        return Sql.update(dataSource, RETRY, List.of(position)) > 0;
    }

    /** Whether there was such a dead letter to drop. */
    boolean discard(long position) {
        return Sql.update(dataSource, DISCARD, List.of(position)) > 0;
    }

    /** Makes the dead letters forget a contact: its changes leave import batches, its own rows go. */
    void forget(UUID contact) {
        String id = contact.toString();
        Sql.update(dataSource, FORGET_IN_BATCHES, List.of(id, id, id, id));
        Sql.update(dataSource, FORGET, List.of(id, id));
    }

    private static Instant instant(ResultSet r, int column) throws SQLException {
        var t = r.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
