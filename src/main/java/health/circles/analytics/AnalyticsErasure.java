package health.circles.analytics;

import health.circles.contact.ContactErased;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * What erasing a contact means for analytics, inside the erasure transaction: its scores, community memberships and
 * places in community details leave every snapshot (the latest and the history), so rankings and community listings
 * answer for it as for an id never seen; the communities it belonged to count one member less. Their other figures
 * (density, kind and language mixes) are aggregates that name no one and stay as computed until the next run. The
 * scores written back to its graph node go with the node, which the outbox removes.
 */
@ApplicationScoped
public class AnalyticsErasure {

    private final SnapshotStore snapshots;
    private final CommunityNameStore names;

    AnalyticsErasure(SnapshotStore snapshots, CommunityNameStore names) {
        this.snapshots = snapshots;
        this.names = names;
    }

    void onErased(@Observes ContactErased erased) {
        snapshots.forget(erased.contactId());
        // An erased organisation leaves the community names it was part of (they are made again on the next read).
        names.forget(erased.contactId());
    }
}
