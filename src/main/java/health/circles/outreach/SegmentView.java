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
                          String createdBy, Instant createdAt, Instant updatedAt, long version,
                          @Schema(description = "Names of the filter's communities that the latest analytics run "
                                  + "has, by id (docs/map.md, \"Community names\")")
                          java.util.Map<String, String> communityNames) implements AuditedRecord {

    /** The same segment with the names of its filter's communities. */
    SegmentView withCommunityNames(java.util.Map<String, String> names) {
        return new SegmentView(id, name, description, filter, includeUnknown, createdBy, createdAt, updatedAt, version,
                names);
    }

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
