package health.circles.analytics;

import health.circles.failure.InvalidInput;
import health.circles.security.Audited;
import health.circles.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import health.circles.web.Page;
import health.circles.web.ReusableBody;
import health.circles.web.Problem;
import health.circles.web.QueryParams;
import health.circles.web.ETags;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
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

/** Communities of the latest successful analytics run. */
@Path("/api/v1/communities")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Analytics")
@APIResponse(responseCode = "400", description = "Bad Request",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "409", description = "No analytics run has succeeded yet (no-analytics-run), or a "
        + "community's detail from a run written before details were kept with the run (analytics-run-outdated)",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class CommunityResource {

    private final InsightService insights;

    CommunityResource(InsightService insights) {
        this.insights = insights;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.ANALYST, Roles.OUTREACH, Roles.CLINICIAN})
    @Operation(operationId = "listCommunities", summary = "Communities of one level, largest first")
    public Page<InsightViews.Community> list(
            @Parameter(description = "0 (default) is the coarsest level, up to 50", schema = @Schema(type = SchemaType.INTEGER, minimum = "0", maximum = "50")) @QueryParam("level") String level,
            @Parameter(description = "Smallest size listed, default 2 (leaves out isolated contacts)", schema = @Schema(type = SchemaType.INTEGER, minimum = "1")) @QueryParam("minSize") String minSize,
            @Parameter(description = "1 to 200, default 50") @QueryParam("limit") String limit,
            @Parameter(description = "Cursor from the previous page") @QueryParam("cursor") String cursor) {
        // Taken as text: JAX-RS would answer a parameter it cannot convert with 404.
        return insights.communities(QueryParams.wholeNumber("level", level, 0, 50, 0),
                QueryParams.wholeNumber("minSize", minSize, 1, Integer.MAX_VALUE, 2), cursor,
                QueryParams.limit(limit, 50, 200));
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.ANALYST, Roles.OUTREACH, Roles.CLINICIAN})
    @Path("{id}/name")
    @Operation(operationId = "getCommunityName",
            summary = "A community's name: the one staff chose, else one generated from what characterises it",
            description = "The ETag is the name's version, to send back as If-Match with a rename. Names no contact "
                    + "(an organisation's or group's name at most), so it is not audited")
    @APIResponse(responseCode = "200", description = "The name", headers = @Header(name = "ETag",
            description = "The name's version", schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = InsightViews.CommunityName.class)))
    @APIResponse(responseCode = "404", description = "Not a community of the latest run",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response name(@Parameter(description = "A community id of the latest run", schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "1")) @PathParam("id") String id) {
        InsightViews.CommunityName name = insights.communityName(CommunityIds.parse(id));
        return Response.ok(name).header(HttpHeaders.ETAG, ETags.of(name.version())).build();
    }

    @PUT
    @RolesAllowed({Roles.ADMIN, Roles.OUTREACH})
    @Audited(resource = "community-name", action = "update")
    @Path("{id}/name")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "renameCommunity", summary = "Give a community the name staff use for it",
            description = "The name follows the community's stable id from run to run. {\"name\": null} (or blank) "
                    + "goes back to the generated name. If-Match with the name's ETag (or its nameVersion) is required")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = InsightViews.CommunityRename.class)))
    @APIResponse(responseCode = "200", description = "Renamed; ETag the new version", headers = @Header(name = "ETag",
            description = "The name's new version", schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = InsightViews.CommunityName.class)))
    @APIResponse(responseCode = "404", description = "Not a community of the latest run",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "412", description = "If-Match is not the current version",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "428", description = "No If-Match, or If-Match: *; nothing written",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response rename(@Parameter(description = "A community id of the latest run", schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "1")) @PathParam("id") String id,
                           @HeaderParam("If-Match") String ifMatch, InsightViews.CommunityRename body) {
        long community = CommunityIds.parse(id);
        long expected = ETags.required(ifMatch);
        if (body == null) {
            throw InvalidInput.request("malformed-json", "the body is empty: send {\"name\": \"…\"}");
        }
        InsightViews.CommunityName name = insights.renameCommunity(community, expected, body.name());
        return Response.ok(name).header(HttpHeaders.ETAG, ETags.of(name.version())).build();
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.ANALYST, Roles.OUTREACH, Roles.CLINICIAN})
    @Audited(resource = "community", action = "read")
    @ReusableBody
    @Path("{id}")
    @Operation(operationId = "getCommunity",
            summary = "A community: size, kind mix, density, strength inside and out, modularity contribution, "
            + "top influencers, bridges, overlapping members, languages and postal codes")
    @APIResponse(responseCode = "404", description = "Not a community of the latest run")
    public InsightViews.CommunityDetail get(@Parameter(description = "A community id of the latest run", schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "1")) @PathParam("id") String id) {
        return insights.community(CommunityIds.parse(id));
    }
}
