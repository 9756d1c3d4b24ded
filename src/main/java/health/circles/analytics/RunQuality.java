package health.circles.analytics;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What a run found about the graph as a whole. */
@Schema(name = "AnalyticsRunQuality")
public record RunQuality(
        @Schema(description = "Contacts in the projection") Long nodeCount,
        @Schema(description = "Active ties in the projection") Long tieCount,
        @Schema(description = "Modularity of the final (coarsest) partition, as Graph Data Science reports it") Double modularity,
        @Schema(description = "Modularity per level, coarse to fine") List<Double> modularities,
        @Schema(description = "Communities per level, coarse to fine") List<Integer> communityCounts,
        @Schema(description = "Communities with two or more members per level, coarse to fine") List<Integer> nonSingletonCounts,
        Integer levels,
        @Schema(description = "EXACT, or SAMPLED with the sampling size") String betweenness,
        @Schema(description = "Estimated peak memory of the projection plus betweenness and the largest "
                + "algorithm run beside it, and of an earlier run's exact betweenness still computing, bytes")
        Long memoryEstimateBytes,
        @Schema(description = "Communities that kept the id of a community of the previous run") Integer communitiesKept,
        @Schema(description = "Secondary (overlapping) memberships") Long secondaryMemberships,
        @Schema(description = "Exact betweenness computed after the run (parameters.exactBetweenness): RUNNING, "
                + "SUCCEEDED (betweenness then says EXACT), FAILED, SKIPPED or CANCELLED "
                + "(POST /api/v1/analytics/runs/{id}/exact-betweenness/cancel), and why after a colon; absent when not "
                + "asked for, or when the run's betweenness was exact already") String exactBetweenness) {

    static RunQuality empty() {
        return new RunQuality(null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
