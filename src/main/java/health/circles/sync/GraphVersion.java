package health.circles.sync;

import java.time.Instant;
import java.time.LocalDate;

/**
 * What the graph store holds, as far as a copy of it in memory needs to know: the relay's applied outbox position
 * (every change to contacts and ties moves it), the latest rebuild (which replaces the graph without moving it), and
 * the store's day (a tie whose {@code until} passes leaves the active graph at midnight). A copy read at one version
 * holds at least every change up to it.
 */
public record GraphVersion(long appliedPosition, Instant lastRebuild, LocalDate day) {

    /** The same changes applied, whatever the day. */
    public boolean sameChanges(GraphVersion other) {
        return other != null && appliedPosition == other.appliedPosition
                && java.util.Objects.equals(lastRebuild, other.lastRebuild);
    }
}
