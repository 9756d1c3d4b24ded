package health.circles.outreach;

import health.circles.contact.Channel;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A campaign as a client starts it: a segment, a channel, and the seeds it goes through. */
@Schema(name = "CampaignInput")
public record CampaignInput(
        @NotBlank @Size(max = 100) String name,
        @NotNull UUID segmentId,
        @NotNull Channel channel,
        @Schema(description = "The contacts the campaign starts from (e.g. chosen by POST /api/v1/outreach/seeds), 0 to 100")
        @Size(max = 100) List<@NotNull @Valid Seed> seeds,
        @Schema(description = "Share of the targets the seed model expected to reach, 0 to 1")
        @DecimalMin("0") @DecimalMax("1") Double predictedCoverage,
        @Schema(description = "k of the report's 'responses within k hops of each seed', 1 to 3, default 2")
        @Min(1) @Max(3) Integer hops) {

    /** One seed, with what the seed model expected it to reach. */
    @Schema(name = "CampaignSeedInput")
    public record Seed(@NotNull UUID contactId,
                       @Schema(description = "Contacts the seed model expected this seed to reach") @Min(0) @Max(10_000_000) Integer expectedReach) {
    }
}
