package health.circles.analytics;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An analytics run as clients see it: a job with its state, progress, timings and results. */
@Schema(name = "AnalyticsRun")
public record RunView(
        UUID id,
        @Schema(description = "RUNNING, SUCCEEDED or FAILED") String state,
        @Schema(description = "API, SCHEDULE or GRAPH_CHANGE") String trigger,
        @Schema(description = "Current phase, or the last one reached") String phase,
        int percent,
        RunParameters parameters,
        @Schema(description = "Milliseconds per finished phase; compute is the algorithms' time from the first to the "
                + "last (pagerank, degree and communities run one after the other beside betweenness, once its "
                + "graph is projected), "
                + "betweennessGraph the projection of betweenness' own graph, which runs beside project (betweenness "
                + "includes any wait for it, and for its other parts), betweennessGraph1 and betweenness1 the graph and "
                + "the computation of a sampled betweenness' second part, started beside once the communities are "
                + "computed, streamBeside the communities and the other scores read from the "
                + "projection beside betweenness, snapshotBeside the part of the snapshot its communities alone decide, "
                + "written beside betweenness (snapshot is the rest, streamBetweenness, betweenness' scores read once "
                + "it ends, among it), total the run's time from start to end (writeBack, the scores and community "
                + "ids written to the graph, runs while the snapshot loads, so the phases add up to more)")
        Map<String, Long> timings,
        RunQuality quality,
        String error,
        Instant startedAt,
        Instant finishedAt,
        @Schema(description = "When the run's communities were named (right after a successful run, in the "
                + "background); absent until then, while reads show the names stored so far") Instant namedAt,
        @Schema(description = "Path of this run") String self,
        @Schema(description = "While quality.exactBetweenness is RUNNING and computing (on any replica): how far it "
                + "is; absent otherwise, and in the history listing") ExactProgress exactBetweennessProgress) {

    /** This view with the progress of its exact betweenness. */
    RunView withExactBetweennessProgress(ExactProgress progress) {
        return new RunView(id, state, trigger, phase, percent, parameters, timings, quality, error, startedAt,
                finishedAt, namedAt, self, progress);
    }
}
