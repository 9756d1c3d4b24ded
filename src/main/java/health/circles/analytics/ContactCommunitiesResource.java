package health.circles.analytics;

import health.circles.security.Audited;
import health.circles.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import health.circles.web.Ids;
import health.circles.web.Problem;
import jakarta.ws.rs.GET;
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

/** The communities one contact belongs to in the latest successful run. */
@Path("/api/v1/contacts/{id}/communities")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Analytics")
public class ContactCommunitiesResource {

    private final InsightService insights;

    ContactCommunitiesResource(InsightService insights) {
        this.insights = insights;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.ANALYST, Roles.OUTREACH, Roles.CLINICIAN})
    @Audited(resource = "contact-communities", action = "read", contactParam = "id")
    @Operation(operationId = "getContactCommunities",
            summary = "Primary and secondary (overlapping) memberships of a contact, per level, with shares")
    @APIResponse(responseCode = "404", description = "No such contact, or not in the latest run",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "No analytics run has succeeded yet",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public InsightViews.ContactCommunities get(@Parameter(description = "The contact's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id) {
        return insights.contactCommunities(Ids.parse("id", id));
    }
}
