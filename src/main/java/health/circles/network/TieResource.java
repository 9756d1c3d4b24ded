package health.circles.network;

import health.circles.web.Idempotent;
import health.circles.web.Cursor;
import health.circles.web.ETags;
import health.circles.web.Ids;
import health.circles.web.Page;
import health.circles.web.Problem;
import health.circles.web.QueryParams;
import health.circles.security.Audited;
import health.circles.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.LocalDate;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/** Ties over HTTP. */
@Path("/api/v1/ties")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Ties", description = "Typed, dated, weighted relationships between contacts")
@APIResponse(responseCode = "400", description = "Bad Request",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class TieResource {

    private final TieService ties;
    private final TouchpointService touchpoints;
    private final RelationshipTypes types;

    TieResource(TieService ties, TouchpointService touchpoints, RelationshipTypes types) {
        this.ties = ties;
        this.touchpoints = touchpoints;
        this.types = types;
    }

    @Idempotent
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.INTEGRATION})
    @Audited(resource = "tie", action = "create")
    @Operation(operationId = "createTie", summary = "Create a tie", description = """
            Its strength starts as the declared strength (default 0.5) plus what the touchpoints the two contacts \
            already share add (see /api/v1/touchpoints). The Graph-Position header tells graph questions which \
            write to wait for. A TREATS tie (it grants the clinician the patient's whole record) from an admin or an \
            integration is ASSERTED; from a clinician it must start at their own contact and is a claim: 201 with \
            assertion CLAIMED, granting nothing and kept out of the graph until an admin or an integration confirms \
            it (POST /api/v1/ties/{id}/confirm).""")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = TieInput.class),
            examples = @ExampleObject(name = "a caregiver", value = NetworkExamples.NEW_TIE)))
    @APIResponse(responseCode = "201", description = "Created (a clinician's TREATS tie: assertion CLAIMED, pending)",
            headers = {@Header(name = "Location", ref = "Location"), @Header(name = "ETag", ref = "ETag"), @Header(name = "Graph-Position", ref = "Graph-Position")},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TieView.class)))
    @APIResponse(responseCode = "403", description = "A clinician's TREATS tie from another contact than their own",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "An open tie of this type already joins the two contacts")
    @APIResponse(responseCode = "422", description = "Unknown contact, or a type that does not fit the contacts' kinds")
    public Response create(@NotNull @Valid TieInput body, @Context UriInfo uri) {
        TieService.Written written = ties.create(body);
        return Response.created(uri.getAbsolutePathBuilder().path(written.tie().id().toString()).build())
                .header("ETag", ETags.of(written.tie().version())).header(GraphReads.POSITION_HEADER, written.position())
                .entity(written.tie()).build();
    }

    @GET
    @Path("{id}")
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.OUTREACH, Roles.ANALYST, Roles.INTEGRATION})
    @Audited(resource = "tie", action = "read")
    @Operation(operationId = "getTie", summary = "Read a tie")
    @APIResponse(responseCode = "200", description = "The tie", headers = @Header(name = "ETag", ref = "ETag"),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TieView.class)))
    @APIResponse(responseCode = "404", description = "No such tie")
    public Response get(@Parameter(description = "The tie's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id) {
        TieView tie = ties.get(Ids.parse("id", id));
        return Response.ok(tie).header("ETag", ETags.of(tie.version())).build();
    }

    @PUT
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.INTEGRATION})
    @Audited(resource = "tie", action = "update")
    @Operation(operationId = "changeTie", summary = "Change a tie's dates, declared strength or notes")
    @APIResponse(responseCode = "200", description = "Changed", headers = {@Header(name = "ETag", ref = "ETag"), @Header(name = "Graph-Position", ref = "Graph-Position")},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TieView.class)))
    @APIResponse(responseCode = "412", description = "If-Match does not match the current version")
    @APIResponse(responseCode = "428", description = "No If-Match, or If-Match: *: it is required; nothing written")
    @APIResponse(responseCode = "403", description = "A clinician reopening an ended tie that granted access, or "
            + "moving the end of one that grants it later", content = @Content(mediaType = Problem.MEDIA_TYPE,
            schema = @Schema(implementation = Problem.class)))
    public Response change(@Parameter(description = "The tie's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id, @HeaderParam("If-Match") String ifMatch,
                           @NotNull @Valid TieChange body) {
        java.util.UUID tie = Ids.parse("id", id);
        TieService.Written written = ties.change(tie, ETags.required(ifMatch), body);
        return Response.ok(written.tie()).header("ETag", ETags.of(written.tie().version()))
                .header(GraphReads.POSITION_HEADER, written.position()).build();
    }

    @POST
    @Path("{id}/end")
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.INTEGRATION})
    @Audited(resource = "tie", action = "end")
    @Operation(operationId = "endTie",
            summary = "End a tie", description = "Sets until (today by default); the tie stays in history")
    @APIResponse(responseCode = "200", description = "Ended", headers = {@Header(name = "ETag", ref = "ETag"), @Header(name = "Graph-Position", ref = "Graph-Position")},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TieView.class)))
    @APIResponse(responseCode = "403", description = "A clinician moving the end of a tie that grants access later "
            + "(which would reopen an ended one)", content = @Content(mediaType = Problem.MEDIA_TYPE,
            schema = @Schema(implementation = Problem.class)))
    public Response end(@Parameter(description = "The tie's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id, @HeaderParam("If-Match") String ifMatch,
                        @Parameter(description = "ISO date, default today") @QueryParam("until") String until) {
        TieService.Written written = ties.end(Ids.parse("id", id), ETags.expected(ifMatch), date("until", until));
        return Response.ok(written.tie()).header("ETag", ETags.of(written.tie().version()))
                .header(GraphReads.POSITION_HEADER, written.position()).build();
    }

    @POST
    @Path("{id}/confirm")
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Audited(resource = "tie", action = "confirm")
    @Operation(operationId = "confirmTie",
            summary = "Confirm a clinician's claim of a care relationship", description = """
            A CLAIMED (or INFERRED) TREATS tie becomes CONFIRMED: it grants access and enters the graph. Never by \
            whoever claimed it.""")
    @APIResponse(responseCode = "200", description = "Confirmed", headers = {@Header(name = "ETag", ref = "ETag"), @Header(name = "Graph-Position", ref = "Graph-Position")},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TieView.class)))
    @APIResponse(responseCode = "403", description = "The caller made the claim",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such tie")
    @APIResponse(responseCode = "409", description = "The tie is not a pending claim",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response confirm(@Parameter(description = "The tie's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id, @HeaderParam("If-Match") String ifMatch) {
        return reviewed(ties.confirm(Ids.parse("id", id), ETags.expected(ifMatch)));
    }

    @POST
    @Path("{id}/reject")
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Audited(resource = "tie", action = "reject")
    @Operation(operationId = "rejectTie",
            summary = "Reject a clinician's claim of a care relationship", description = """
            The claim becomes REJECTED: it stays as history and grants nothing. Never by whoever claimed it.""")
    @APIResponse(responseCode = "200", description = "Rejected", headers = {@Header(name = "ETag", ref = "ETag"), @Header(name = "Graph-Position", ref = "Graph-Position")},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TieView.class)))
    @APIResponse(responseCode = "403", description = "The caller made the claim",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such tie")
    @APIResponse(responseCode = "409", description = "The tie is not a pending claim",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response reject(@Parameter(description = "The tie's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id, @HeaderParam("If-Match") String ifMatch) {
        return reviewed(ties.reject(Ids.parse("id", id), ETags.expected(ifMatch)));
    }

    private static Response reviewed(TieService.Written written) {
        return Response.ok(written.tie()).header("ETag", ETags.of(written.tie().version()))
                .header(GraphReads.POSITION_HEADER, written.position()).build();
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Audited(resource = "tie", action = "delete")
    @Operation(operationId = "deleteTie",
            summary = "Delete a tie", description = "Erases it from history too; prefer ending it")
    @APIResponse(responseCode = "204", description = "Deleted", headers = @Header(name = "Graph-Position", ref = "Graph-Position"))
    @APIResponse(responseCode = "428", description = "No If-Match, or If-Match: *: it is required; nothing written")
    public Response delete(@Parameter(description = "The tie's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id, @HeaderParam("If-Match") String ifMatch) {
        java.util.UUID tie = Ids.parse("id", id);
        long position = ties.delete(tie, ETags.required(ifMatch));
        return Response.noContent().header(GraphReads.POSITION_HEADER, position).build();
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.OUTREACH, Roles.ANALYST, Roles.INTEGRATION})
    @Audited(resource = "touchpoint", action = "list", idParam = "")
    @Path("{id}/touchpoints")
    @Operation(operationId = "listTieTouchpoints",
            summary = "The touchpoints both ends of a tie took part in, newest first")
    @APIResponse(responseCode = "404", description = "No such tie")
    public Page<TouchpointView> touchpoints(@Parameter(description = "The tie's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id,
                                            @Parameter(description = "1 to 200, default 50") @QueryParam("limit") String limit,
                                            @QueryParam("cursor") String next) {
        return touchpoints.ofTie(Ids.parse("id", id), next, QueryParams.limit(limit, 50, 200));
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.OUTREACH, Roles.ANALYST, Roles.INTEGRATION})
    @Audited(resource = "tie", action = "list")
    @Operation(operationId = "listTies",
            summary = "List ties", description = "assertion=CLAIMED is the review queue of pending care-relationship claims")
    public Page<TieView> list(@Parameter(description = "A relationship type's code (GET /api/v1/relationship-types)", schema = @Schema(type = SchemaType.STRING, pattern = RelationshipTypes.NAME)) @QueryParam("type") String type,
                              @Parameter(description = "ASSERTED, CLAIMED, CONFIRMED, REJECTED or INFERRED", schema = @Schema(implementation = TieAssertion.class)) @QueryParam("assertion") String assertion,
                              @Parameter(description = "true: open ties; false: ended ones; absent: all", schema = @Schema(type = SchemaType.BOOLEAN)) @QueryParam("active") String active,
                              @Parameter(description = "Only ties changed at or after this instant (ISO 8601)")
                              @QueryParam("updatedSince") String updatedSince,
                              @Parameter(description = "1 to 200, default 50") @QueryParam("limit") String limit,
                              @QueryParam("cursor") String next,
                              @Parameter(description = "Exact externalId: the one tie holding it, if any; the other "
                                      + "parameters are not applied") @QueryParam("externalId") String externalId) {
        String external = QueryParams.text("externalId", externalId, 100);
        if (external != null) {
            return ties.byExternalId(external);
        }
        return ties.list(null, types.code("type", type),
                QueryParams.enumValue("assertion", assertion, TieAssertion.class), active(active),
                QueryParams.instant("updatedSince", updatedSince), Cursor.decode(next), QueryParams.limit(limit, 50, 200));
    }

    /** "true" or "false", any case; absent means no filter. Anything else is a 400, not a silent false. */
    static Boolean active(String value) {
        return health.circles.web.QueryParams.bool("active", value);
    }

    static LocalDate date(String field, String value) {
        return health.circles.web.QueryParams.date(field, value);
    }
}
