package health.circles.network;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Touchpoints and their participants written in bulk, for bulk imports: a batch at a time, by external id, as a few
 * set-based statements. Each method runs on the batch transaction's connection the caller passes, so a batch lands
 * whole or not at all; the caller owns that transaction. Package network keeps its tables (touchpoint,
 * touchpoint_participant): this is their only bulk way in.
 */
@ApplicationScoped
public class TouchpointBulkWrites {

    /**
     * A stored touchpoint: its id and what an import row is compared with (channel, occurred at, topic, outcome,
     * campaign, participants' contact ids as sorted text, clinical).
     */
    public record Stored(UUID id, List<Object> signature) {
    }

    /** A touchpoint to write; {@code created} when it is new (its participants are then only added). */
    public record Write(UUID id, String externalId, String channel, Instant occurredAt, String topic, String outcome,
                        UUID campaignId, List<UUID> participants, boolean clinical, boolean created) {
    }

    private final TouchpointBulkStore store;

    TouchpointBulkWrites(TouchpointBulkStore store) {
        this.store = store;
    }

    /** The stored touchpoints with these external ids, by external id. */
    public Map<String, Stored> load(Connection c, Set<String> externalIds) throws SQLException {
        return store.load(c, externalIds);
    }

    /**
     * Writes the touchpoints (created at {@code now} when new) and sets their participants: a changed touchpoint's
     * previous participants are replaced.
     */
    public void write(Connection c, List<Write> writes, Instant now) throws SQLException {
        store.write(c, writes, now);
    }
}
