package health.circles.group;

import com.fasterxml.jackson.annotation.JsonInclude;
import health.circles.contact.ContactView;
import health.circles.security.AuditedRecord;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A membership as the API shows it: the group, the contact (as the caller may see it), the role and the dates. */
@Schema(name = "GroupMember")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MemberView(
        UUID id,
        GroupRef group,
        @Schema(description = "Absent once the member was erased on request") UUID contactId,
        @Schema(description = "The member's contact record, cut down like any contact read (group member listings)")
        ContactView contact,
        String role,
        LocalDate since,
        LocalDate until,
        @Schema(description = "Not ended as of today") boolean active,
        @Schema(description = "The member was erased on request: an anonymous, ended place in the group's history")
        boolean erased,
        Instant createdAt,
        Instant updatedAt,
        long version) implements AuditedRecord {

    @Override
    public String auditId() {
        return id.toString();
    }

    @Override
    public Set<UUID> auditContacts() {
        return contactId == null ? Set.of() : Set.of(contactId);
    }

    static MemberView of(Membership m, GroupRef group, ContactView contact, LocalDate today) {
        return new MemberView(m.id, group, m.contactId, contact, m.role, m.since, m.until, m.active(today), m.erased,
                m.createdAt, m.updatedAt, m.version);
    }
}
