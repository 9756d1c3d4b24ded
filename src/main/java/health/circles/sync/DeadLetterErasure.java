package health.circles.sync;

import health.circles.contact.ContactErased;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;

/**
 * What erasing a contact means for the dead letters, inside the erasure transaction: they forget the person, and
 * none of them holds back the removals that erasure sends to the graph.
 */
@ApplicationScoped
public class DeadLetterErasure {

    private final EntityManager em;

    DeadLetterErasure(EntityManager em) {
        this.em = em;
    }

    void onErased(@Observes ContactErased erased) {
        String id = erased.contactId().toString();
        // An import batch keeps its other changes; the person's (its node, its ties) leave it.
        em.createNativeQuery("""
                        UPDATE outbox_dead_letter d SET payload = jsonb_build_object('batch', kept.rows), items = kept.n
                        FROM (SELECT position, coalesce(jsonb_agg(e) FILTER (WHERE NOT mentions), '[]'::jsonb) AS rows,
                                     count(*) FILTER (WHERE NOT mentions) AS n
                              FROM (SELECT position, e, (e ->> 'id' = :id OR e ->> 'from' = :id OR e ->> 'to' = :id)
                                                        AS mentions
                                    FROM outbox_dead_letter, jsonb_array_elements(payload -> 'batch') e
                                    WHERE jsonb_typeof(payload -> 'batch') = 'array') x
                              GROUP BY position) kept
                        WHERE d.position = kept.position AND strpos(d.payload::text, :id) > 0""")
                .setParameter("id", id)
                .executeUpdate();
        // A change of the person or of a tie of theirs: dropped, so that the graph removals erasure appends to the
        // outbox are not parked behind it (the node and its edges would stay in the graph).
        em.createNativeQuery("""
                        DELETE FROM outbox_dead_letter
                        WHERE aggregate_id = CAST(:id AS uuid)
                           OR (payload -> 'batch' IS NULL AND strpos(payload::text, :id) > 0)
                           OR jsonb_array_length(CASE jsonb_typeof(payload -> 'batch') WHEN 'array'
                                                 THEN payload -> 'batch' END) = 0""")
                .setParameter("id", id)
                .executeUpdate();
    }
}
