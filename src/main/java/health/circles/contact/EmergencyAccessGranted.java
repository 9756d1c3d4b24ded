package health.circles.contact;

import health.circles.security.AuditedRecord;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer to a break-the-glass request: the grant, and the record it opened, whole. */
@Schema(name = "EmergencyAccessGranted")
public record EmergencyAccessGranted(
        @Schema(description = "The grant, listed for review at /api/v1/admin/emergency-accesses") UUID id,
        Instant expiresAt,
        ContactView contact) implements AuditedRecord {

    /** The trail names the contact opened: its rows are what "who saw patient X" finds. */
    @Override
    public String auditId() {
        return contact.id().toString();
    }

    @Override
    public Set<UUID> auditContacts() {
        return Set.of(contact.id());
    }
}
