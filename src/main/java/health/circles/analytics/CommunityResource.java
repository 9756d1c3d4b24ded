package health.circles.analytics;

import health.circles.failure.InvalidInput;
import health.circles.security.Audited;
import health.circles.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import health.circles.web.Page;
import health.circles.web.Problem;
import health.circles.web.QueryParams;
import jakarta.ws.rs.GET;
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
@APIResponse(responseCode = "409", description = "No analytics run has succeeded yet",
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
            @Parameter(description = "0 (default) is the coarsest level") @QueryParam("level") Integer level,
            @Parameter(description = "Smallest size listed, default 2 (leaves out isolated contacts)") @QueryParam("minSize") Integer minSize,
            @Parameter(description = "1 to 200, default 50") @QueryParam("limit") String limit,
            @Parameter(description = "Cursor from the previous page") @QueryParam("cursor") String cursor) {
        if (level != null && (level < 0 || level > 50)) {
            throw InvalidInput.field("level", "must be between 0 and 50");
        }
        if (minSize != null && minSize < 1) {
            throw InvalidInput.field("minSize", "must be at least 1");
        }
        return insights.communities(level == null ? 0 : level, minSize == null ? 2 : minSize, cursor,
                QueryParams.limit(limit, 50, 200));
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.ANALYST, Roles.OUTREACH, Roles.CLINICIAN})
    @Audited(resource = "community", action = "read")
    @Path("{id}")
    @Operation(operationId = "getCommunity",
            summary = "A community: size, kind mix, density, strength inside and out, modularity contribution, "
            + "top influencers, bridges, overlapping members, languages and postal codes")
    @APIResponse(responseCode = "404", description = "Not a community of the latest run")
    public InsightViews.CommunityDetail get(@Parameter(description = "A community id of the latest run", schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "1")) @PathParam("id") String id) {
        return insights.community(CommunityIds.parse(id));
    }
}
