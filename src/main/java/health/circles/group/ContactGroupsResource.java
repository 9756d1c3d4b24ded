package health.circles.group;

import health.circles.security.Audited;
import health.circles.security.Roles;
import health.circles.web.Cursor;
import health.circles.web.Ids;
import health.circles.web.Page;
import health.circles.web.Problem;
import health.circles.web.QueryParams;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The groups of one contact: its memberships, each with its group. */
@Path("/api/v1/contacts/{id}/groups")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Groups")
@APIResponse(responseCode = "400", description = "Bad Request",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class ContactGroupsResource {

    private final GroupService groups;

    ContactGroupsResource(GroupService groups) {
        this.groups = groups;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.OUTREACH, Roles.ANALYST, Roles.INTEGRATION})
    @Audited(resource = "group-member", action = "list", idParam = "", contactParam = "id")
    @Operation(operationId = "listContactGroups", summary = "A contact's groups: its memberships, current and past")
    @APIResponse(responseCode = "200", description = "A page of memberships, by id, each naming its group")
    @APIResponse(responseCode = "404", description = "No such contact",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Page<MemberView> list(@Parameter(description = "The contact's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id,
                                 @Parameter(description = "true: current memberships; false: ended ones; absent: all")
                                 @QueryParam("active") String active,
                                 @Parameter(description = "1 to 200, default 50") @QueryParam("limit") String limit,
                                 @Parameter(description = "Cursor from the previous page") @QueryParam("cursor") String cursor) {
        return groups.ofContact(Ids.parse("id", id), GroupResource.active(active), Cursor.decode(cursor),
                QueryParams.limit(limit, 50, 200));
    }
}
