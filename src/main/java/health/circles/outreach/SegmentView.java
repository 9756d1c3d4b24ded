package health.circles.outreach;

import health.circles.security.AuditedRecord;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A saved segment as the API shows it. */
@Schema(name = "Segment")
public record SegmentView(UUID id, String name, String description, SegmentFilter filter, boolean includeUnknown,
                          String createdBy, Instant createdAt, Instant updatedAt, long version) implements AuditedRecord {

    @Override
    public String auditId() {
        return id.toString();
    }

    @Override
    public Set<UUID> auditContacts() {
        Set<UUID> named = new HashSet<>();
        if (filter.tieTo() != null && filter.tieTo().contactId() != null) {
            named.add(filter.tieTo().contactId());
        }
        if (filter.contacts() != null) {
            named.addAll(filter.contacts());
        }
        return named;
    }
}
