package health.circles.outreach;

import health.circles.network.TouchpointChannel;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One contact's outcome in a campaign, as a client records it. */
@Schema(name = "CampaignOutcomeInput")
public record CampaignOutcomeInput(
        @Schema(description = "A target of the campaign") @NotNull UUID contactId,
        @NotNull CampaignOutcome outcome,
        @Schema(description = "Who reached the contact: a seed or a staff contact; the touchpoint's other participant")
        @NotNull UUID via,
        @Schema(description = "When; default now, at most a day ahead") Instant occurredAt,
        @Schema(description = "The touchpoint's channel; default from the campaign's (EMAIL, SMS, PHONE, IN_PERSON as "
                + "such; MAIL, a written message, as EMAIL)") TouchpointChannel touchpointChannel) {
}
