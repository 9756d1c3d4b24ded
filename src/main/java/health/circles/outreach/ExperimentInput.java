package health.circles.outreach;

import health.circles.contact.Channel;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An experiment as a researcher starts it: the arms, the communities to randomise, k seeds per community. */
@Schema(name = "ExperimentInput")
public record ExperimentInput(
        @NotBlank @Size(max = 100) String name,
        @Schema(description = "The channel outreach uses: targets and seeds may be approached on it", required = true)
        @NotNull Channel channel,
        @Schema(description = "The strategies compared, 2 to 7, each once; random (the control arm) must be one",
                required = true)
        @NotNull @Size(min = 2, max = 7) List<@NotNull SeedStrategy> arms,
        @Schema(description = "Seeds chosen in each community with its arm's strategy, 1 to 50", required = true)
        @NotNull @Min(1) @Max(50) Integer k,
        @Schema(description = "Community level of the latest successful analytics run, 0 (coarsest, default) to 10")
        @Min(0) @Max(10) Integer level,
        @Schema(description = "The communities to randomise (ids at that level); default every community of the level")
        @Size(max = 1000) List<@NotNull @Min(0) Long> communities,
        @Schema(description = "Also contacts who never answered for the channel (UNKNOWN), as targets and seeds; "
                + "default false")
        Boolean includeUnknown,
        @Schema(description = "Contacts never to choose as seeds, at most 5000")
        @Size(max = 5000) List<@NotNull UUID> exclude,
        @Schema(description = "Never choose seeds among the seeds and targets of a campaign still ACTIVE; default false")
        Boolean excludeActiveCampaigns,
        @Schema(description = "Seed of the assignment and of every random draw; default a fresh one, stored and shown")
        Long randomSeed,
        @Schema(description = "k of the campaign report's 'within k hops of each seed', 1 to 3, default 2")
        @Min(1) @Max(3) Integer hops) {
}
