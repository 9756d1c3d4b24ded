package health.circles.contact;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * Finishes erasures in the outbox once the relay has carried them: the erasure transaction cannot delete the rows
 * the graph still has to apply (its own contact.deleted row names the contact, and so may earlier rows of its ties),
 * so the applied ones up to the erasure's own row are deleted here, and the register forgets the position.
 */
@ApplicationScoped
public class ErasureSweep {

    private final EntityManager em;

    ErasureSweep(EntityManager em) {
        this.em = em;
    }

    @Scheduled(every = "${circles.erasure.sweep-every}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void onSchedule() {
        sweep();
    }

    /** Sweeps every erasure whose outbox rows have all been applied; returns how many erasures it finished. */
    @Transactional
    public int sweep() {
        // SKIP LOCKED: two replicas sweeping at once share the work rather than wait on each other.
        return em.createNativeQuery("""
                        WITH done AS (
                            SELECT e.contact_id, e.outbox_through FROM contact_erasure e
                            WHERE e.outbox_through IS NOT NULL
                              AND NOT EXISTS (SELECT 1 FROM outbox o
                                              WHERE o.applied_at IS NULL AND o.position <= e.outbox_through)
                            FOR UPDATE OF e SKIP LOCKED),
                        gone AS (
                            DELETE FROM outbox o USING done d
                            WHERE o.position <= d.outbox_through AND o.applied_at IS NOT NULL
                              AND (o.aggregate_id = d.contact_id OR strpos(o.payload::text, d.contact_id::text) > 0))
                        UPDATE contact_erasure e SET outbox_through = NULL
                        FROM done d WHERE e.contact_id = d.contact_id""")
                .executeUpdate();
    }
}
