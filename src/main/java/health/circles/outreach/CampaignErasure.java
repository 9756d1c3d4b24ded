package health.circles.outreach;

import health.circles.contact.ContactErased;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;

/**
 * What erasing a contact means for outreach, inside the erasure transaction: it leaves every campaign (as target, as
 * seed, its outcomes), outcomes it brought about forget who reached them, and a segment anchored at it ("tie to this
 * contact within k hops") loses the anchor and from then on matches nobody.
 */
@ApplicationScoped
public class CampaignErasure {

    private final EntityManager em;

    CampaignErasure(EntityManager em) {
        this.em = em;
    }

    void onErased(@Observes ContactErased erased) {
        for (String sql : new String[] {
                "DELETE FROM campaign_outcome WHERE contact_id = :id",
                "UPDATE campaign_outcome SET via = NULL WHERE via = :id",
                "DELETE FROM campaign_target WHERE contact_id = :id",
                "DELETE FROM campaign_seed WHERE contact_id = :id"}) {
            em.createNativeQuery(sql).setParameter("id", erased.contactId()).executeUpdate();
        }
        em.createNativeQuery("""
                        UPDATE segment SET filter = jsonb_set(filter, '{tieTo,contactId}', 'null'::jsonb),
                                           version = version + 1, updated_at = now()
                        WHERE filter -> 'tieTo' ->> 'contactId' = :id""")
                .setParameter("id", erased.contactId().toString())
                .executeUpdate();
        // A hand-picked list keeps the others; the erased id leaves the saved filter.
        em.createNativeQuery("""
                        UPDATE segment SET filter = jsonb_set(filter, '{contacts}',
                                   (SELECT coalesce(jsonb_agg(e), '[]'::jsonb) FROM jsonb_array_elements(filter -> 'contacts') e
                                    WHERE e <> to_jsonb(CAST(:id AS text)))),
                               version = version + 1, updated_at = now()
                        WHERE jsonb_exists(filter -> 'contacts', :id)""")
                .setParameter("id", erased.contactId().toString())
                .executeUpdate();
    }
}
