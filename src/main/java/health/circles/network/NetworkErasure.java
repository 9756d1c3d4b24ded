package health.circles.network;

import health.circles.contact.ContactErased;
import health.circles.sync.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.util.List;

/**
 * What erasing a contact means for the network, inside the erasure transaction: its ties go (history included, and
 * from the graph through the outbox); its touchpoints lose it as a participant and their free text, which may name
 * it (and their external id, which may be made from its own), while the other participants keep the touchpoint and the
 * strength it gives their ties.
 */
@ApplicationScoped
public class NetworkErasure {

    private final Ties ties;
    private final Outbox outbox;
    private final EntityManager em;

    NetworkErasure(Ties ties, Outbox outbox, EntityManager em) {
        this.ties = ties;
        this.outbox = outbox;
        this.em = em;
    }

    void onErased(@Observes ContactErased erased) {
        List<Tie> gone = ties.list("fromId = ?1 or toId = ?1", erased.contactId());
        for (Tie tie : gone) {
            ties.delete(tie);
        }
        em.flush();
        for (Tie tie : gone) {
            outbox.append(TieEdges.DELETED, tie.id, tie.version + 1, TieEdges.deleted(tie));
        }
        em.createNativeQuery("""
                        UPDATE touchpoint SET topic = NULL, outcome = NULL, external_id = NULL
                        WHERE id IN (SELECT touchpoint_id FROM touchpoint_participant WHERE contact_id = :id)""")
                .setParameter("id", erased.contactId())
                .executeUpdate();
        em.createNativeQuery("DELETE FROM touchpoint_participant WHERE contact_id = :id")
                .setParameter("id", erased.contactId())
                .executeUpdate();
    }
}
