package health.circles.network;

import health.circles.security.Audited;
import health.circles.security.Roles;
import health.circles.web.Cursor;
import health.circles.web.ETags;
import health.circles.web.Page;
import health.circles.web.Problem;
import health.circles.web.QueryParams;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The registry of relationship types over HTTP: everyone with a role reads it, admins add and change types. */
@Path("/api/v1/relationship-types")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Relationship types", description = "The types a tie may have, with the names they read by from each end")
@APIResponse(responseCode = "400", description = "Bad Request",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class RelationshipTypeResource {

    private final RelationshipTypes types;

    RelationshipTypeResource(RelationshipTypes types) {
        this.types = types;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.OUTREACH, Roles.ANALYST, Roles.INTEGRATION})
    @Operation(operationId = "listRelationshipTypes", summary = "List relationship types",
            description = "Built-in and added types, by code, cursor paged")
    @APIResponse(responseCode = "200", description = "A page of types")
    public Page<RelationshipType> list(@Parameter(description = "1 to 200, default 100") @QueryParam("limit") String limit,
                                       @QueryParam("cursor") String cursor) {
        return types.list(Cursor.decode(cursor), QueryParams.limit(limit, 100, 200));
    }

    @GET
    @Path("{code}")
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.OUTREACH, Roles.ANALYST, Roles.INTEGRATION})
    @Operation(operationId = "getRelationshipType", summary = "Read a relationship type")
    @APIResponse(responseCode = "200", description = "The type, with its ETag")
    @APIResponse(responseCode = "404", description = "No such type",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response get(@Parameter(description = "The type's code", schema = @Schema(type = SchemaType.STRING, pattern = RelationshipTypes.NAME)) @PathParam("code") String code) {
        RelationshipType type = types.get(code);
        return Response.ok(type).header("ETag", ETags.of(type.version())).build();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Audited(resource = "relationship-type", action = "create", idParam = "")
    @Operation(operationId = "createRelationshipType", summary = "Add a relationship type", description = """
            A directed type names both ends (MENTORS / MENTORED_BY); a symmetric one reads the same from both. The \
            code and both names must be new among every type's code and names. Added types never grant access to \
            records (422 type-grants-access): only built-in TREATS does.""")
    @APIResponse(responseCode = "201", description = "Added",
            headers = @org.eclipse.microprofile.openapi.annotations.headers.Header(name = "Location",
                    description = "The new type", schema = @Schema(type = SchemaType.STRING, format = "uri")),
            content = @Content(schema = @Schema(implementation = RelationshipType.class)))
    @APIResponse(responseCode = "409", description = "The code or a name is taken",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "grantsAccess true",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response create(@NotNull @Valid RelationshipTypeInput body, @Context UriInfo uri) {
        RelationshipType type = types.create(body);
        return Response.created(uri.getAbsolutePathBuilder().path(type.code()).build())
                .header("ETag", ETags.of(type.version())).entity(type).build();
    }

    @PATCH
    @Path("{code}")
    @Consumes({"application/merge-patch+json", MediaType.APPLICATION_JSON})
    @RolesAllowed(Roles.ADMIN)
    @Audited(resource = "relationship-type", action = "update", idParam = "code")
    @Operation(operationId = "patchRelationshipType", summary = "Change a relationship type's names, description "
            + "or default weight", description = """
            Fields left out stay as they are. What a type means (kinds, direction, access) never changes: existing \
            ties would change meaning with it (an unknown field is a 400). A built-in type's names are fixed (422); \
            a new default weight applies to ties created from now on. If-Match with the ETag read is required.""")
    @APIResponse(responseCode = "200", description = "Changed")
    @APIResponse(responseCode = "404", description = "No such type")
    @APIResponse(responseCode = "409", description = "A new name is taken",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "412", description = "If-Match does not match the current version")
    @APIResponse(responseCode = "422", description = "Renaming a built-in type",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "428", description = "No If-Match, or If-Match: *; nothing written",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response patch(@Parameter(description = "The type's code", schema = @Schema(type = SchemaType.STRING, pattern = RelationshipTypes.NAME)) @PathParam("code") String code, @HeaderParam("If-Match") String ifMatch,
                          @NotNull @Valid RelationshipTypeChange body) {
        long expected = ETags.required(ifMatch);
        RelationshipType type = types.change(code, expected, body);
        return Response.ok(type).header("ETag", ETags.of(type.version())).build();
    }

    @DELETE
    @Path("{code}")
    @RolesAllowed(Roles.ADMIN)
    @Audited(resource = "relationship-type", action = "delete", idParam = "code")
    @Operation(operationId = "deleteRelationshipType", summary = "Delete an added relationship type no tie has",
            description = "Built-in types stay (422); a type any tie has, ended ones included, stays (409). "
                    + "If-Match with the ETag read is required.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such type")
    @APIResponse(responseCode = "409", description = "Ties of the type exist",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "412", description = "If-Match does not match the current version")
    @APIResponse(responseCode = "422", description = "A built-in type",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "428", description = "No If-Match, or If-Match: *; nothing written",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response delete(@Parameter(description = "The type's code", schema = @Schema(type = SchemaType.STRING, pattern = RelationshipTypes.NAME)) @PathParam("code") String code, @HeaderParam("If-Match") String ifMatch) {
        types.delete(code, ETags.required(ifMatch));
        return Response.noContent().build();
    }
}
