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

    /**
     * Whether a copy read at this version holds every change of {@code now}: the same rebuild, and at least its
     * position (a question may have read the version just before the copy was stamped).
     */
    public boolean covers(GraphVersion now) {
        return appliedPosition >= now.appliedPosition && java.util.Objects.equals(lastRebuild, now.lastRebuild);
    }

    /** Whether {@code now} has changes a copy read at this version cannot hold: a later position or rebuild. */
    public boolean behind(GraphVersion now) {
        return now.appliedPosition > appliedPosition || (now.lastRebuild != null
                && (lastRebuild == null || now.lastRebuild.isAfter(lastRebuild)));
    }
}
