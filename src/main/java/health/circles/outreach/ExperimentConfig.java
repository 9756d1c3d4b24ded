package health.circles.outreach;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Bounds of experiments. */
@ConfigMapping(prefix = "circles.outreach.experiments")
public interface ExperimentConfig {

    /** The most communities one experiment randomises; each needs a seed selection of its own. */
    @WithDefault("200")
    int maxCommunities();

    /** Forward cascades each community's seed selection runs to measure its seeds (the least seed selection takes). */
    @WithDefault("100")
    int simulations();
}
