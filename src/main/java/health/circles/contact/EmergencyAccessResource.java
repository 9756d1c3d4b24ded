package health.circles.contact;

import health.circles.security.Audited;
import health.circles.security.Roles;
import health.circles.web.Ids;
import health.circles.web.Problem;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;

/** Break-the-glass over HTTP: a clinician opens a record in an emergency. */
@Path("/api/v1/contacts/{id}/emergency-access")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Contacts")
@APIResponse(responseCode = "400", description = "Missing, blank, overlong reason, or one with control characters",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class EmergencyAccessResource {

    private final ContactEmergencyAccess emergencies;

    EmergencyAccessResource(ContactEmergencyAccess emergencies) {
        this.emergencies = emergencies;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.CLINICIAN)
    @Audited(resource = "contact", action = "emergency-access", contactParam = "id")
    @Operation(operationId = "openEmergencyAccess",
            summary = "Open a record in an emergency (break-the-glass)", description = """
            For a clinician with no care relationship to the contact: answers the contact whole and grants its whole \\
            record to the caller for circles.security.emergency-access.window (default PT4H). Recorded in the audit \\
            trail as an emergency access and listed for an admin's review (/api/v1/admin/emergency-accesses).""")
    @APIResponse(responseCode = "200", description = "The grant and the whole record")
    @APIResponse(responseCode = "404", description = "No such contact",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public EmergencyAccessGranted open(@Parameter(description = "The contact's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id, @NotNull @Valid EmergencyAccessRequest body) {
        return emergencies.open(Ids.parse("id", id), body);
    }
}
