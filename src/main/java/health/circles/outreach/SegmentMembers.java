package health.circles.outreach;

import health.circles.contact.Channel;
import health.circles.contact.ContactView;
import health.circles.security.AuditedListing;
import health.circles.security.AuditedRecord;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One page of consenting members for a channel, with how many matched but were left out and why. */
@Schema(name = "SegmentMembers")
public record SegmentMembers(
        Channel channel,
        boolean includeUnknown,
        @Schema(description = "Consenting members in all") long total,
        SegmentExclusions excluded,
        List<ContactView> items,
        @Schema(description = "Cursor for the next page; absent on the last page") String next) implements AuditedListing {

    @Override
    public List<? extends AuditedRecord> auditRecords() {
        return items;
    }
}
