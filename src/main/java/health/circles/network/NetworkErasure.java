package health.circles.network;

import health.circles.contact.ContactErased;
import health.circles.sync.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/**
 * What erasing a contact means for the network, inside the erasure transaction: its ties go (history included, and
 * from the graph through the outbox); its touchpoints lose it as a participant and their free text, which may name
 * it (and their external id, which may be made from its own), while the other participants keep the touchpoint and the
 * strength it gives their ties.
 */
@ApplicationScoped
public class NetworkErasure {

    private final TieStore ties;
    private final TouchpointStore touchpoints;
    private final Outbox outbox;

    NetworkErasure(TieStore ties, TouchpointStore touchpoints, Outbox outbox) {
        this.ties = ties;
        this.touchpoints = touchpoints;
        this.outbox = outbox;
    }

    void onErased(@Observes ContactErased erased) {
        List<Tie> gone = ties.ofContact(erased.contactId());
        for (Tie tie : gone) {
            ties.delete(tie);
        }
        ties.flush();
        for (Tie tie : gone) {
            outbox.append(TieGraph.DELETED, tie.id, tie.version + 1, TieGraph.deleted(tie));
        }
        touchpoints.forget(erased.contactId());
    }
}
