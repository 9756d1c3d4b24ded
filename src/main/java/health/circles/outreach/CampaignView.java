package health.circles.outreach;

import health.circles.contact.Channel;
import health.circles.security.AuditedRecord;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A campaign as the API shows it. */
@Schema(name = "Campaign")
public record CampaignView(
        UUID id,
        String name,
        @Schema(description = "The segment targeted; null for an experiment, whose targets are its communities' members")
        UUID segmentId,
        Channel channel,
        @Schema(description = "ACTIVE or CLOSED") String state,
        int hops,
        boolean includeUnknown,
        Double predictedCoverage,
        List<Seed> seeds,
        Counts counts,
        @Schema(description = "Members of the segment left out when the campaign started, per reason") SegmentExclusions excludedAtStart,
        String createdBy,
        Instant createdAt,
        Instant closedAt) implements AuditedRecord {

    /** A seed, what it was expected to reach, and whether it may still be asked. */
    @Schema(name = "CampaignSeed")
    public record Seed(UUID contactId, Integer expectedReach,
                       @Schema(description = "Whether the seed may be contacted on the campaign's channel now: consent "
                               + "is read again at every read, so false once they opted out or became do-not-contact "
                               + "since the campaign started; work through the others") boolean mayContact) {
    }

    /** Where the targets stand. */
    @Schema(name = "CampaignCounts")
    public record Counts(long targets, long pending, long reached, long responded, long declined, long optedOut,
                         @Schema(description = "Left the pending list because they opted out elsewhere") long removed) {
    }

    @Override
    public String auditId() {
        return id.toString();
    }

    @Override
    public Set<UUID> auditContacts() {
        Set<UUID> ids = new LinkedHashSet<>();
        seeds.forEach(s -> ids.add(s.contactId()));
        return ids;
    }
}
