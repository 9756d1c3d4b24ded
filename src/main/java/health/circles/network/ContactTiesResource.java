package health.circles.network;

import health.circles.security.Audited;
import health.circles.security.Roles;
import health.circles.web.Cursor;
import health.circles.web.Ids;
import health.circles.web.Page;
import health.circles.web.Problem;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import health.circles.web.QueryParams;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;

/** The ties of one contact, at either end. */
@Path("/api/v1/contacts/{id}/ties")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Ties")
public class ContactTiesResource {

    private final TieService ties;
    private final RelationshipTypes types;

    ContactTiesResource(TieService ties, RelationshipTypes types) {
        this.ties = ties;
        this.types = types;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.OUTREACH, Roles.ANALYST, Roles.INTEGRATION})
    @Audited(resource = "tie", action = "list", idParam = "", contactParam = "id")
    @Operation(operationId = "listContactTies", summary = "List a contact's ties, both directions", description = """
            Each tie reads from this contact's side: relationship is its type's forward name where the contact is \
            the from end and its reverse name where it is the to end (CHILD_OF for a PARENT_OF tie to it); other is \
            the contact at the other end.""")
    @APIResponse(responseCode = "404", description = "No such contact",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Page<TieView> list(@Parameter(description = "The contact's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id,
                              @Parameter(description = "A relationship type's code (GET /api/v1/relationship-types)", schema = @Schema(type = SchemaType.STRING, pattern = RelationshipTypes.NAME)) @QueryParam("type") String type,
                              @Parameter(description = "true: open ties; false: ended ones; absent: all", schema = @Schema(type = SchemaType.BOOLEAN)) @QueryParam("active") String active,
                              @Parameter(description = "1 to 200, default 50") @QueryParam("limit") String limit,
                              @QueryParam("cursor") String next) {
        return ties.list(Ids.parse("id", id), types.code("type", type), null, TieResource.active(active),
                null, Cursor.decode(next), QueryParams.limit(limit, 50, 200));
    }
}
