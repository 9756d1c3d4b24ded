package health.circles.analytics;

import health.circles.contact.ContactErased;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;

/**
 * What erasing a contact means for analytics, inside the erasure transaction: its scores and community memberships
 * leave every snapshot (the latest and the history), so rankings and community listings answer for it as for an id
 * never seen; the communities it belonged to count one member less. Their other figures (density, kind and language
 * mixes) are aggregates that name no one and stay as computed until the next run. The scores written back to its
 * graph node go with the node, which the outbox removes.
 */
@ApplicationScoped
public class AnalyticsErasure {

    private final EntityManager em;

    AnalyticsErasure(EntityManager em) {
        this.em = em;
    }

    void onErased(@Observes ContactErased erased) {
        em.createNativeQuery("""
                        UPDATE analytics_community c SET size = greatest(c.size - 1, 0)
                        FROM analytics_membership m
                        WHERE m.contact_id = :id AND m.is_primary AND c.run_id = m.run_id AND c.id = m.community_id""")
                .setParameter("id", erased.contactId()).executeUpdate();
        em.createNativeQuery("DELETE FROM analytics_membership WHERE contact_id = :id")
                .setParameter("id", erased.contactId()).executeUpdate();
        em.createNativeQuery("DELETE FROM analytics_score WHERE contact_id = :id")
                .setParameter("id", erased.contactId()).executeUpdate();
    }
}
