package health.circles.outreach;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Bounds of segment questions: how far a k-hop filter may spread, how large previews and exports get. */
@ConfigMapping(prefix = "circles.outreach.segments")
public interface SegmentConfig {

    /** The most contacts a "tie to a contact within k hops" filter may gather; a larger neighbourhood is refused. */
    @WithDefault("50000")
    int maxNeighbourhood();

    /** Contacts shown in a preview's sample. */
    @WithDefault("10")
    int sampleSize();

    /** The most rows of a CSV export (each one an audit row); a larger segment is exported page by page instead. */
    @WithDefault("5000")
    int maxExport();
}
