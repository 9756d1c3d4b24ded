package health.circles.sync;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * What the graph store holds, as far as a copy of it in memory needs to know: the relay's applied outbox position and
 * how many batches it has applied (every change to contacts and ties moves both, save one applied after a later
 * position, which moves the count only), the latest rebuild (which replaces the graph without moving them), the latest
 * repair by a reconcile (which writes the graph without the outbox), and the store's day (a tie whose {@code until}
 * passes leaves the active graph at midnight). A copy read at one version holds at least every change up to it.
 */
public record GraphVersion(long appliedPosition, Instant lastRebuild, LocalDate day, long appliedBatches,
                           Instant repairedAt) {

    /** A version before any batch was counted or repair stamped. */
    public GraphVersion(long appliedPosition, Instant lastRebuild, LocalDate day) {
        this(appliedPosition, lastRebuild, day, 0, null);
    }

    /**
     * Whether a copy read at this version holds every change of {@code now}: the same rebuild and repair, and at
     * least its position and batches (a question may have read the version just before the copy was stamped).
     */
    public boolean covers(GraphVersion now) {
        return appliedPosition >= now.appliedPosition && appliedBatches >= now.appliedBatches
                && Objects.equals(lastRebuild, now.lastRebuild) && Objects.equals(repairedAt, now.repairedAt);
    }

    /** Whether {@code now} has changes a copy read at this version cannot hold: a later position, batch, rebuild or repair. */
    public boolean behind(GraphVersion now) {
        return now.appliedPosition > appliedPosition || now.appliedBatches > appliedBatches
                || later(now.lastRebuild, lastRebuild) || later(now.repairedAt, repairedAt);
    }

    private static boolean later(Instant now, Instant held) {
        return now != null && (held == null || now.isAfter(held));
    }
}
