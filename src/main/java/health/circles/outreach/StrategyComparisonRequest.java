package health.circles.outreach;

import health.circles.contact.Channel;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A comparison of seeding strategies: one target (as for seeds), k, the channel, the diffusion model, and which
 * strategies (default: all). Every strategy is measured on the same simulated cascades.
 */
@Schema(name = "StrategyComparisonRequest")
public record StrategyComparisonRequest(
        @Schema(description = "Target: a community id of the latest successful analytics run (its primary members)")
        Long community,
        @Schema(description = "With community: also its secondary (overlapping) members; default false")
        Boolean includeSecondary,
        @Schema(description = "Target: these contacts (at most 5000)")
        @Size(max = 5000) List<@NotNull UUID> contacts,
        @Schema(description = "Target: every contact in the graph (true)")
        Boolean network,
        @Schema(description = "Target: the members of this saved segment who may be approached on the channel")
        UUID segment,
        @Schema(description = "Seeds per strategy, 1 to 200 (a comparison allows at most "
                + "circles.outreach.seeds.compare.max-k, 50 by default: 422 above)", required = true)
        @NotNull @Min(1) @Max(200) Integer k,
        @Schema(description = "Channel the outreach uses: seeds have consent for it", required = true)
        @NotNull Channel channel,
        @Schema(description = "Also contacts who never answered for the channel (UNKNOWN); default false")
        Boolean allowUnknownConsent,
        @Valid SeedRequest.SeedModel model,
        @Schema(description = "Strategies to compare (default: all; pagerank only after a successful analytics run)")
        @Size(min = 1, max = 7) List<@NotNull SeedStrategy> strategies,
        @Schema(description = "Contacts never to choose, at most 5000")
        @Size(max = 5000) List<@NotNull UUID> exclude,
        @Schema(description = "Never choose seeds or targets of a campaign still ACTIVE (true); default false")
        Boolean excludeActiveCampaigns,
        @Schema(description = "At most ceil(k / sub-communities) seeds per finer community of the target")
        Boolean spread,
        @Schema(description = "ANYWHERE (default) or TARGET: where seeds may come from")
        SeedRequest.SeedsFrom seedsFrom,
        @Schema(description = "Seed of every random draw; same graph, request and seed give the same answer")
        Long randomSeed,
        @Schema(description = "A Graph-Position from a write to wait for (default: every committed write)")
        @Min(0) Long consistentWith) {

    /** The same target and rules as a seed request, for the steps both share. */
    SeedRequest asSeedRequest(SeedStrategy strategy) {
        return new SeedRequest(community, includeSecondary, contacts, network, segment, k, channel, allowUnknownConsent,
                model, null, null, exclude, excludeActiveCampaigns, spread, seedsFrom, randomSeed, strategy,
                consistentWith);
    }
}
