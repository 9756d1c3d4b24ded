package health.circles.outreach;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Bounds of campaigns. */
@ConfigMapping(prefix = "circles.outreach.campaigns")
public interface CampaignConfig {

    /** The most consenting members a campaign may target; a larger segment is refused (narrow it or split it). */
    @WithDefault("50000")
    int maxTargets();

    /** The k of "responses within k hops of each seed" when a campaign does not say. */
    @WithDefault("2")
    int defaultHops();
}
