package health.circles.outreach;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Who-should-know-whom: how many candidates are scored and how much a useful pairing counts. */
@ConfigMapping(prefix = "circles.outreach.suggestions")
public interface SuggestionConfig {

    /** Candidates (most shared contacts first) scored by the link prediction function at most. */
    @WithDefault("2000")
    int maxCandidates();

    /** Best-scored candidates read back before do-not-contact contacts are left out and pairings ranked. */
    @WithDefault("200")
    int pool();

    /** Added to 1 as the factor on the score of a useful pairing (patient and peer mentor, and so on). */
    @WithDefault("1.0")
    double pairingBoost();

    @WithDefault("10")
    int defaultLimit();

    @WithDefault("50")
    int maxLimit();
}
