package health.circles.network;

import health.circles.security.Audited;
import health.circles.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import health.circles.web.Idempotent;
import health.circles.web.Ids;
import health.circles.web.Problem;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/** Touchpoints over HTTP. */
@Path("/api/v1/touchpoints")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Touchpoints", description = "Interactions between contacts, which build the strength of their ties")
@APIResponse(responseCode = "400", description = "Bad Request",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class TouchpointResource {

    private final TouchpointService touchpoints;

    TouchpointResource(TouchpointService touchpoints) {
        this.touchpoints = touchpoints;
    }

    @Idempotent
    @POST
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.OUTREACH, Roles.INTEGRATION})
    @Audited(resource = "touchpoint", action = "create")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createTouchpoint", summary = "Record a touchpoint", description = """
            Recomputes the strength of every active tie between each two participants: strength = min(3, declared \\
            + Σ weight(channel) × 0.5^(age / half-life)) over the touchpoints both took part in. Default weights: \\
            HOME_VISIT 0.25, IN_PERSON 0.2, EVENT 0.15, PHONE 0.1, VIDEO 0.1, PORTAL 0.05, SMS 0.04, EMAIL 0.04, \\
            SOCIAL 0.02; half-life 90 days (circles.network.strength.*). Two participants (of a touchpoint of at most \\
            10) that no active tie joins get an inferred tie (source TOUCHPOINT, assertion INFERRED, declared \\
            strength 0): none between a clinician and a patient (TREATS grants access, so only an admin or an \\
            integration asserts it), COLLEAGUE_OF when a clinician is involved, MEMBER_OF from a person to an \\
            organisation, FRIEND_OF between other people, none between two organisations. The answer lists the \\
            ties it changed; the Graph-Position header tells graph questions which write to wait for.""")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = TouchpointInput.class),
            examples = @ExampleObject(name = "a home visit", value = NetworkExamples.NEW_TOUCHPOINT)))
    @APIResponse(responseCode = "201", description = "Recorded", headers = {@Header(name = "Location", ref = "Location"), @Header(name = "Graph-Position", ref = "Graph-Position")},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TouchpointView.class)))
    @APIResponse(responseCode = "409", description = "externalId already used")
    @APIResponse(responseCode = "422", description = "A participant does not exist",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response create(@NotNull @Valid TouchpointInput body, @Context UriInfo uri) {
        TouchpointService.Written written = touchpoints.create(body);
        return Response.created(uri.getAbsolutePathBuilder().path(written.touchpoint().id().toString()).build())
                .header(GraphReads.POSITION_HEADER, written.position())
                .entity(written.touchpoint()).build();
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.OUTREACH, Roles.ANALYST, Roles.INTEGRATION})
    @Audited(resource = "touchpoint", action = "read")
    @Path("{id}")
    @Operation(operationId = "getTouchpoint", summary = "Read a touchpoint")
    @APIResponse(responseCode = "404", description = "No such touchpoint",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public TouchpointView get(@Parameter(description = "The touchpoint's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id) {
        return touchpoints.get(Ids.parse("id", id));
    }

    @DELETE
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Audited(resource = "touchpoint", action = "delete")
    @Path("{id}")
    @Operation(operationId = "deleteTouchpoint", summary = "Delete a touchpoint", description = """
            Takes it out of the strength of its participants' ties; an inferred tie that no touchpoint supports any \\
            more is deleted with it.""")
    @APIResponse(responseCode = "204", description = "Deleted", headers = @Header(name = "Graph-Position", ref = "Graph-Position"))
    @APIResponse(responseCode = "404", description = "No such touchpoint",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response delete(@Parameter(description = "The touchpoint's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id) {
        long position = touchpoints.delete(Ids.parse("id", id));
        return Response.noContent().header(GraphReads.POSITION_HEADER, position).build();
    }
}
