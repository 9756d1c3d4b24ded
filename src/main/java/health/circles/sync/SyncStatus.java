package health.circles.sync;

import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** How far the graph is behind PostgreSQL. */
@Schema(name = "SyncStatus")
public record SyncStatus(
        @Schema(description = "UP when Neo4j is reachable and no change was given up on; DEGRADED when writes are "
                + "queueing for it or dead letters wait for an operator") State state,
        @Schema(description = "Outbox rows not yet applied to the graph, parked ones included") long backlog,
        @Schema(description = "Age of the oldest unapplied change, in seconds; 0 when the graph is in step") double lagSeconds,
        @Schema(description = "Highest outbox position applied to the graph") long appliedPosition,
        @Schema(description = "Highest outbox position written") long lastPosition,
        Instant appliedAt,
        @Schema(description = "Outbox rows the relay gave up on (GET /admin/sync/dead-letters)") long deadLetters,
        @Schema(description = "Outbox rows held behind a dead letter of their aggregate") long parked,
        String lastError,
        Instant lastErrorAt) {

    /** Whether the graph keeps up. */
    public enum State {
        UP, DEGRADED
    }
}
