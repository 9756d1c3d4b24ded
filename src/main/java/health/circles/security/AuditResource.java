package health.circles.security;

import health.circles.failure.InvalidInput;
import health.circles.web.Cursor;
import health.circles.web.Ids;
import health.circles.web.Page;
import health.circles.web.Problem;
import health.circles.web.QueryParams;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;

/** The audit trail, for administrators: who touched which record, newest first. */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Admin")
@APIResponse(responseCode = "400", description = "Bad Request",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class AuditResource {

    private final AuditLog log;

    AuditResource(AuditLog log) {
        this.log = log;
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Audited(resource = "audit", action = "list")
    @Operation(operationId = "listAuditEvents",
            summary = "Query the audit trail", description = "Filters combine with AND; newest first, cursor paged")
    public Page<AuditEntry> query(
            @Parameter(description = "Token subject") @QueryParam("subject") String subject,
            @Parameter(description = "A contact whose data was read or changed", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @QueryParam("contact") String contact,
            @Parameter(description = "Resource type, e.g. contact, tie") @QueryParam("resource") String resource,
            @Parameter(description = "A record id: rows of a call on that record and rows of listings that showed it") @QueryParam("resourceId") String resourceId,
            @Parameter(description = "read, list, create, update, delete, erase, …") @QueryParam("action") String action,
            @Parameter(description = "From this instant (ISO-8601), inclusive") @QueryParam("from") String from,
            @Parameter(description = "Until this instant (ISO-8601), exclusive") @QueryParam("to") String to,
            @Parameter(description = "1 to 500, default 100") @QueryParam("limit") String limit,
            @Parameter(description = "Cursor from the previous page") @QueryParam("cursor") String next) {
        Instant since = instant("from", from);
        Instant until = instant("to", to);
        if (since != null && until != null && !until.isAfter(since)) {
            throw InvalidInput.field("to", "must be after from");
        }
        return log.query(new AuditLog.Query(
                QueryParams.text("subject", subject, 200),
                contact == null || contact.isBlank() ? null : Ids.parse("contact", contact),
                QueryParams.text("resource", resource, 50),
                QueryParams.text("resourceId", resourceId, 100),
                QueryParams.text("action", action, 50),
                since, until, QueryParams.limit(limit, 100, 500), Cursor.decode(next)));
    }

    @GET
    @Path("verification")
    @RolesAllowed(Roles.ADMIN)
    @Audited(resource = "audit", action = "verify", idParam = "")
    @Operation(operationId = "verifyAuditTrail", summary = "Verify the audit trail's hash chain",
            description = "Recomputes every row's SHA-256 over its content and the hash of the row before it, in id "
                    + "order, and reports the first row where the chain breaks (changed, or relinked after a removal), "
                    + "the head hash to keep outside the database, and whether the service's own database role could "
                    + "rewrite the trail")
    @APIResponse(responseCode = "200", description = "The verification; intact is false when the chain breaks",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = AuditVerification.class)))
    public AuditVerification verify() {
        return log.verify();
    }

    private static Instant instant(String field, String value) {
        return health.circles.web.QueryParams.instant(field, value);
    }
}
