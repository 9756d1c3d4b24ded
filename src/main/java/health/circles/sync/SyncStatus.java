package health.circles.sync;

import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** How far the graph is behind PostgreSQL. */
@Schema(name = "SyncStatus")
public record SyncStatus(
        @Schema(description = "UP when Neo4j is reachable, DEGRADED when writes are queueing for it") State state,
        @Schema(description = "Outbox rows not yet applied to the graph") long backlog,
        @Schema(description = "Age of the oldest unapplied change, in seconds; 0 when the graph is in step") double lagSeconds,
        @Schema(description = "Highest outbox position applied to the graph") long appliedPosition,
        @Schema(description = "Highest outbox position written") long lastPosition,
        Instant appliedAt,
        String lastError,
        Instant lastErrorAt) {

    /** Whether the graph keeps up. */
    public enum State {
        UP, DEGRADED
    }
}
