package health.circles.network;

import health.circles.web.FreeText;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A touchpoint as a client records it. */
@Schema(name = "TouchpointInput")
public record TouchpointInput(
        @Schema(description = "Two to 100 distinct existing contacts") @NotNull @Size(min = 2, max = 100) List<@NotNull UUID> participants,
        @NotNull TouchpointChannel channel,
        @Schema(description = "When it happened; at most a day ahead of the server's clock") @NotNull Instant occurredAt,
        @Size(max = 200) String topic,
        @FreeText @Size(max = 2000) String outcome,
        @Schema(description = "A clinical encounter; default false") Boolean clinical,
        @Schema(description = "The campaign it belongs to, if any") UUID campaignId,
        @Size(max = 100) String externalId) {
}
