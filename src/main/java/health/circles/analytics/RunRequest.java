package health.circles.analytics;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What a client may choose about a run; everything left out takes the configured default. */
@Schema(name = "AnalyticsRunRequest")
public record RunRequest(
        @Schema(description = "LEIDEN (default) or LOUVAIN") Algorithm algorithm,
        @Schema(description = "Leiden's gamma: above 1 gives more, smaller communities (default 1.0)")
        @DecimalMin(value = "0.0", inclusive = false) @DecimalMax("100.0") Double resolution,
        @Schema(description = "Smallest modularity gain that continues a level (default 0.0001)")
        @DecimalMin(value = "0.0", inclusive = false) @DecimalMax("1.0") Double tolerance,
        @Schema(description = "Most hierarchy levels (default 10)") @Min(1) @Max(50) Integer maxLevels,
        @Schema(description = "Source nodes betweenness is sampled from, on a graph of any size with more contacts "
                + "(exact on a smaller one), up to circles.analytics.betweenness.max-sampling-size (2,000). Left out: "
                + "exact up to the configured threshold (10,000 contacts), sampled from the configured size (200) above it")
        @Min(1) @Max(100000) Integer samplingSize,
        @Schema(description = "Share of a contact's tie strength that makes it a secondary member of another community (default 0.3)")
        @DecimalMin(value = "0.0", inclusive = false) @DecimalMax("1.0") Double overlapShare,
        @Schema(description = "Jaccard similarity at which a community keeps the previous run's id (default 0.5)")
        @DecimalMin(value = "0.0", inclusive = false) @DecimalMax("1.0") Double identityOverlap,
        @Schema(description = "Lower the configured memory budget for this run, in MiB")
        @Min(1) Long memoryBudgetMib,
        @Schema(description = "When the run's betweenness is sampled (a graph of more contacts than the threshold): "
                + "compute it exactly too, after the run is published, on the run's own graph, and replace the run's "
                + "betweenness scores, ranks and bridging members with it when done (quality.exactBetweenness follows "
                + "it). Every contact is a source, so it takes hours of one core at 100,000 contacts. Default: true for "
                + "scheduled runs (circles.analytics.betweenness.exact-on-schedule), false otherwise")
        Boolean exactBetweenness) {

    public static RunRequest defaults() {
        return new RunRequest(null, null, null, null, null, null, null, null, null);
    }
}
