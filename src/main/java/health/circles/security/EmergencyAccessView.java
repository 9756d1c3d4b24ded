package health.circles.security;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One emergency access as an admin reviews it. */
@Schema(name = "EmergencyAccess")
public record EmergencyAccessView(
        UUID id,
        @Schema(description = "The contact whose record was opened") UUID contactId,
        @Schema(description = "Token subject of the clinician") String subject,
        @Schema(description = "The clinician's own contact, when the token named one") UUID subjectContactId,
        @Schema(description = "Absent once the contact was erased: free text that may describe the patient") String reason,
        Instant grantedAt,
        @Schema(description = "Until when the grant shows the whole record") Instant expiresAt,
        boolean active,
        boolean reviewed,
        String reviewedBy,
        Instant reviewedAt,
        String reviewNote,
        @Schema(description = "The contact was erased since; the row keeps ids only") boolean contactErased)
        implements AuditedRecord {

    @Override
    public String auditId() {
        return id.toString();
    }

    @Override
    public Set<UUID> auditContacts() {
        return Set.of(contactId);
    }
}
