package health.circles.network;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A touchpoint as the API shows it. */
@Schema(name = "Touchpoint")
public record TouchpointView(
        UUID id,
        List<UUID> participants,
        TouchpointChannel channel,
        Instant occurredAt,
        String topic,
        String outcome,
        boolean clinical,
        UUID campaignId,
        String externalId,
        Instant createdAt,
        @Schema(description = "On creation only: the ties between the participants and their new strengths, inferred ones included")
        List<TieStrengthView> ties) {

    static TouchpointView of(Touchpoint t, List<TieStrengthView> ties) {
        return new TouchpointView(t.id, List.copyOf(t.participants), t.channel, t.occurredAt, t.topic, t.outcome,
                t.clinical, t.campaignId, t.externalId, t.createdAt, ties);
    }

    /** A tie whose strength a touchpoint changed. */
    @Schema(name = "TieStrength")
    public record TieStrengthView(UUID id, UUID from, UUID to, TieType type, double strength,
                                  @Schema(description = "Created by this touchpoint, as no tie joined the two") boolean inferred) {
    }
}
