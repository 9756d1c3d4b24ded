package health.circles.outreach;

import health.circles.contact.Channel;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Seeding strategies side by side: each one's expected reach of the target under the chosen model, on the same
 * simulated cascades (common random numbers), and the winner's margin over the runner-up and over random seeding as
 * paired differences with 95 % intervals. Figures only: no contact is named.
 */
@Schema(name = "StrategyComparison")
public record StrategyComparison(
        SeedSelection.SeedTargetView target,
        int k,
        Channel channel,
        SeedSelection.SeedModelView model,
        long randomSeed,
        @Schema(description = "Cascades run (each strategy on every one of them)") int simulations,
        @Schema(description = "Contacts that could be seeds") int candidates,
        @Schema(description = "Highest expected reach first") List<StrategyReach> strategies,
        Winner winner,
        SeedSelection.SeedGraphView graph,
        @Schema(description = "Milliseconds per phase") Map<String, Long> timings,
        List<String> notes) {

    /** One strategy's expected reach, with its 95 % interval (mean ± 1.96·sd/√n over the cascades). */
    @Schema(name = "StrategyReach")
    public record StrategyReach(
            SeedStrategy strategy,
            @Schema(description = "Seeds drawn anew in every cascade (the interval includes the luck of the draw)")
            boolean randomised,
            @Schema(description = "Seeds it chose (for a randomised strategy: on average per draw)") double seeds,
            @Schema(description = "Expected target contacts reached, seeds included") double expected,
            @Schema(description = "Share of the target") double share,
            double low, double high) {
    }

    /** The strategy of highest expected reach and by how much it leads. */
    @Schema(name = "StrategyWinner")
    public record Winner(SeedStrategy strategy,
                         @Schema(description = "Over the second best; absent with one strategy") Margin overRunnerUp,
                         @Schema(description = "Over random seeding; absent when random was not compared or won")
                         Margin overRandom) {
    }

    /** A paired difference (winner minus other) over the same cascades, with its 95 % interval. */
    @Schema(name = "StrategyMargin")
    public record Margin(SeedStrategy other, double difference, double low, double high,
                         @Schema(description = "The interval lies above 0") boolean clear) {
    }
}
