package health.circles.analytics;

import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** How far a run's exact betweenness has come while it computes, as GDS and Neo4j tell it, on whichever replica. */
@Schema(name = "ExactBetweennessProgress")
public record ExactProgress(
        @Schema(description = "Share of the work done, percent (GDS's progress: the sources walked); absent until "
                + "GDS reports one") Double percent,
        @Schema(description = "When the computation began") Instant startedAt,
        @Schema(description = "When it will end at the pace so far (startedAt plus the time taken, scaled by the "
                + "share left); absent below a hundredth of a percent") Instant estimatedEndAt) {

    /** GDS's progress of a task, as listProgress shows it. */
    private static final Pattern PERCENT = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,6})?)%");

    /** From GDS's percent (null when it has none) and the computation's start and time taken so far. */
    static ExactProgress of(Double percent, Instant now, Duration elapsed) {
        Instant started = now.minus(elapsed);
        Instant end = percent == null || percent < 0.01 ? null
                : started.plusMillis(Math.round(elapsed.toMillis() * 100.0 / Math.min(percent, 100.0)));
        return new ExactProgress(percent, started, end);
    }

    /** GDS's progress text ("12.34%", or "n/a" when it cannot tell) as a percent; null when it has none. */
    static Double percent(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = PERCENT.matcher(text.strip());
        return m.matches() ? Double.valueOf(m.group(1)) : null;
    }
}
