package health.circles.outreach;

import health.circles.contact.Channel;
import health.circles.contact.ContactView;
import health.circles.security.AuditedListing;
import health.circles.security.AuditedRecord;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** How many consenting members a segment has for a channel, a few of them, and who was left out. */
@Schema(name = "SegmentPreview")
public record SegmentPreview(Channel channel, boolean includeUnknown, long count, SegmentExclusions excluded,
                             @Schema(description = "The first members by name") List<ContactView> sample)
        implements AuditedListing {

    @Override
    public List<? extends AuditedRecord> auditRecords() {
        return sample;
    }
}
