package health.circles.security;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One row of the audit trail as the API shows it. */
@Schema(name = "AuditEntry")
public record AuditEntry(
        long id,
        Instant at,
        @Schema(description = "The token's subject") String subject,
        List<String> roles,
        String action,
        String resourceType,
        @Schema(description = "The record the call concerned: its id, or the one record a listing showed; absent "
                + "for a listing of several records (see recordIds)") String resourceId,
        @Schema(description = "Ids of the records a listing showed, in order (one row per call, however many records "
                + "it showed); absent for a call on one record or on none") List<String> recordIds,
        @Schema(description = "Contacts whose data the request read or changed") List<UUID> contactIds,
        String method,
        String path,
        @Schema(description = "HTTP status of the answer") int status,
        String requestId,
        String clientAddress,
        @Schema(description = "SHA-256 over this row and the hash of the row before it (hex); GET /api/v1/audit/verification checks the chain") String hash) {
}
