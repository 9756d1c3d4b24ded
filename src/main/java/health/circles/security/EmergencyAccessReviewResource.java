package health.circles.security;

import health.circles.web.Cursor;
import health.circles.web.Ids;
import health.circles.web.Page;
import health.circles.web.Problem;
import health.circles.web.QueryParams;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;

/** The review of emergency accesses, for administrators. */
@Path("/api/v1/admin/emergency-accesses")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Admin")
@APIResponse(responseCode = "400", description = "Bad Request",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class EmergencyAccessReviewResource {

    private final EmergencyAccessService emergencies;

    EmergencyAccessReviewResource(EmergencyAccessService emergencies) {
        this.emergencies = emergencies;
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Audited(resource = "emergency-access", action = "list")
    @Operation(operationId = "listEmergencyAccesses",
            summary = "List emergency accesses, newest first", description = """
            Who opened which contact, when, why, until when, and whether an admin reviewed it.""")
    public Page<EmergencyAccessView> list(
            @Parameter(description = "false: the review queue; true: reviewed ones; absent: all", schema = @Schema(type = SchemaType.BOOLEAN)) @QueryParam("reviewed") String reviewed,
            @Parameter(description = "1 to 200, default 50") @QueryParam("limit") String limit,
            @Parameter(description = "Cursor from the previous page") @QueryParam("cursor") String next) {
        return emergencies.list(bool("reviewed", reviewed), Cursor.decode(next), QueryParams.limit(limit, 50, 200));
    }

    @POST
    @Path("{id}/review")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Audited(resource = "emergency-access", action = "review")
    @Operation(operationId = "reviewEmergencyAccess",
            summary = "Mark an emergency access reviewed", description = "Once, with an optional note; not by whoever opened the record")
    @APIResponse(responseCode = "200", description = "Reviewed")
    @APIResponse(responseCode = "404", description = "No such emergency access",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "Already reviewed",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public EmergencyAccessView review(@Parameter(description = "The emergency access's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id, @Valid EmergencyReview body) {
        return emergencies.review(Ids.parse("id", id), body);
    }

    private static Boolean bool(String field, String value) {
        return QueryParams.bool(field, value);
    }
}
