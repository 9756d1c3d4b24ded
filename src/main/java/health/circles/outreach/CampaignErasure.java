package health.circles.outreach;

import health.circles.contact.ContactErased;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * What erasing a contact means for outreach, inside the erasure transaction: it leaves every campaign (as target, as
 * seed, its outcomes), outcomes it brought about forget who reached them, and a segment anchored at it ("tie to this
 * contact within k hops") loses the anchor and from then on matches nobody. An experiment (a campaign) forgets it as a
 * target and as a seed; its communities' assignment stays.
 */
@ApplicationScoped
public class CampaignErasure {

    private final CampaignStore campaigns;
    private final SegmentStore segments;
    private final ExperimentStore experiments;

    CampaignErasure(CampaignStore campaigns, SegmentStore segments, ExperimentStore experiments) {
        this.campaigns = campaigns;
        this.segments = segments;
        this.experiments = experiments;
    }

    void onErased(@Observes ContactErased erased) {
        campaigns.forget(erased.contactId());
        experiments.forget(erased.contactId());
        segments.forget(erased.contactId());
    }
}
