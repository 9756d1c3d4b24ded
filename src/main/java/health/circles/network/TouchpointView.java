package health.circles.network;

import health.circles.security.AuditedRecord;
import health.circles.security.Disclosable;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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
        List<TieStrengthView> ties) implements AuditedRecord, Disclosable<TouchpointView> {

    @Override
    public String auditId() {
        return id.toString();
    }

    @Override
    public Set<UUID> auditContacts() {
        return new LinkedHashSet<>(participants);
    }

    /**
     * Only a touchpoint marked clinical depends on the caller (security.Disclosure): whole for whoever sees clinical
     * detail of one of its participants.
     */
    @Override
    public List<UUID> disclosedBy() {
        return clinical ? participants : null;
    }

    @Override
    public TouchpointView limited() {
        return withoutClinicalDetail();
    }

    /** The touchpoint without its free text, for callers who may not see clinical detail of its participants. */
    public TouchpointView withoutClinicalDetail() {
        return new TouchpointView(id, participants, channel, occurredAt, null, null, clinical, campaignId, externalId,
                createdAt, ties);
    }

    static TouchpointView of(Touchpoint t, List<TieStrengthView> ties) {
        return new TouchpointView(t.id, List.copyOf(t.participants), t.channel, t.occurredAt, t.topic, t.outcome,
                t.clinical, t.campaignId, t.externalId, t.createdAt, ties);
    }

    /** A tie whose strength a touchpoint changed. */
    @Schema(name = "TieStrength")
    public record TieStrengthView(UUID id, UUID from, UUID to, String type, double strength,
                                  @Schema(description = "Created by this touchpoint, as no tie joined the two") boolean inferred) {
    }
}
