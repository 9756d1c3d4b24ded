package health.circles.analytics;

import health.circles.failure.InvalidInput;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The complete parameters of a run, defaults filled in; kept with the run so that it can be repeated. */
@Schema(name = "AnalyticsRunParameters")
public record RunParameters(
        Algorithm algorithm,
        double resolution,
        double tolerance,
        int maxLevels,
        @Schema(description = "Graphs up to this many contacts get exact betweenness") int betweennessExactMaxNodes,
        int samplingSize,
        long samplingSeed,
        long randomSeed,
        @Schema(description = "PageRank stops when no score moves by more than this between two iterations")
        double pageRankTolerance,
        @Schema(description = "PageRank's iteration cap") int pageRankMaxIterations,
        int concurrency,
        int betweennessConcurrency,
        @Schema(description = "Parts a sampled betweenness is computed in, each its share of the sources on a thread "
                + "of its own, summed; exact betweenness is one part")
        int betweennessSampleParts,
        double overlapShare,
        double identityOverlap,
        long memoryBudgetMib,
        @Schema(description = "Whether a sampled betweenness is computed exactly too, after the run is published")
        boolean exactBetweenness) {

    static RunParameters of(RunRequest in, AnalyticsConfig config) {
        return of(in, config, "API");
    }

    /** The parameters of a run started by {@code trigger} (API, SCHEDULE or GRAPH_CHANGE). */
    static RunParameters of(RunRequest in, AnalyticsConfig config, String trigger) {
        RunRequest r = in == null ? RunRequest.defaults() : in;
        Algorithm algorithm = r.algorithm() == null ? Algorithm.LEIDEN : r.algorithm();
        if (algorithm == Algorithm.LOUVAIN && r.resolution() != null && r.resolution() != 1.0) {
            throw InvalidInput.field("resolution",
                    "only LEIDEN takes a resolution; Louvain in Graph Data Science optimises plain modularity");
        }
        long budget = config.memoryBudgetMib();
        if (r.memoryBudgetMib() != null) {
            if (r.memoryBudgetMib() > budget) {
                throw InvalidInput.field("memoryBudgetMib",
                        "may only lower the configured budget of " + budget + " MiB");
            }
            budget = r.memoryBudgetMib();
        }
        if (r.samplingSize() != null && r.samplingSize() > config.betweenness().maxSamplingSize()) {
            throw InvalidInput.field("samplingSize", "may be at most " + config.betweenness().maxSamplingSize()
                    + " (circles.analytics.betweenness.max-sampling-size): each source is a walk of the whole graph");
        }
        AnalyticsConfig.Defaults d = config.defaults();
        return new RunParameters(algorithm,
                r.resolution() == null ? d.resolution() : r.resolution(),
                r.tolerance() == null ? d.tolerance() : r.tolerance(),
                r.maxLevels() == null ? d.maxLevels() : r.maxLevels(),
                // A requested sample size is the threshold too: a graph of more contacts is sampled from that many
                // sources, a smaller one gets every source (exact), whatever size the configured threshold names.
                r.samplingSize() == null ? config.betweenness().exactMaxNodes() : r.samplingSize(),
                r.samplingSize() == null ? config.betweenness().samplingSize() : r.samplingSize(),
                config.betweenness().samplingSeed(),
                config.randomSeed(),
                config.pagerank().tolerance(),
                config.pagerank().maxIterations(),
                config.concurrency(),
                config.betweenness().concurrency(),
                config.betweenness().sampleParts(),
                r.overlapShare() == null ? d.overlapShare() : r.overlapShare(),
                r.identityOverlap() == null ? d.identityOverlap() : r.identityOverlap(),
                budget,
                r.exactBetweenness() != null ? r.exactBetweenness()
                        : "SCHEDULE".equals(trigger) && config.betweenness().exactOnSchedule());
    }
}
