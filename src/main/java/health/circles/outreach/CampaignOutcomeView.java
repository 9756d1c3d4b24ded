package health.circles.outreach;

import health.circles.security.AuditedRecord;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An outcome as recorded: the touchpoint it became, where the contact now stands, what an opt-out changed. */
@Schema(name = "CampaignOutcomeRecord")
public record CampaignOutcomeView(
        UUID id,
        UUID campaignId,
        UUID contactId,
        CampaignOutcome outcome,
        UUID via,
        UUID touchpointId,
        Instant occurredAt,
        @Schema(description = "The contact's status in the campaign after this outcome") String status,
        @Schema(description = "Opt-out only: the contact's consent for the channel is now DENIED; false when the "
                + "contact granted it again after occurredAt, which stands (the opt-out is kept as history)")
        boolean consentDenied,
        @Schema(description = "Opt-out only: other active campaigns whose pending list the contact left") int removedFromPendingLists)
        implements AuditedRecord {

    @Override
    public String auditId() {
        return id.toString();
    }

    @Override
    public Set<UUID> auditContacts() {
        Set<UUID> ids = new LinkedHashSet<>();
        ids.add(contactId);
        if (via != null) {
            ids.add(via);
        }
        return ids;
    }
}
