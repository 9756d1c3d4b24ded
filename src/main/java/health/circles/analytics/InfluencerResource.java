package health.circles.analytics;

import health.circles.security.Audited;
import health.circles.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import health.circles.contact.ContactKind;
import health.circles.web.Ids;
import health.circles.web.Page;
import health.circles.web.ReusableBody;
import health.circles.web.Problem;
import health.circles.web.QueryParams;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
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

/** Contacts ranked by influence, from the latest successful analytics run. */
@Path("/api/v1/influencers")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Analytics")
@APIResponse(responseCode = "400", description = "Bad Request",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "409", description = "No analytics run has succeeded yet",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class InfluencerResource {

    private final InsightService insights;

    InfluencerResource(InsightService insights) {
        this.insights = insights;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.ANALYST, Roles.OUTREACH, Roles.CLINICIAN})
    @Audited(resource = "influencer", action = "list")
    @ReusableBody
    @Operation(operationId = "listInfluencers", summary = "Influencers, ranked, each with why",
            description = "Ranks are global; kind and community filter the ranked list. Each item explains its rank: "
                    + "ties by type, communities bridged, strongest neighbours, rank change since the previous run")
    @APIResponse(responseCode = "404", description = "The community is not in the latest run")
    public Page<InsightViews.Influencer> list(
            @Parameter(description = "pagerank (default), betweenness, degree or strength", schema = @Schema(type = SchemaType.STRING, enumeration = {"pagerank", "betweenness", "degree", "strength"})) @QueryParam("metric") String metric,
            @Parameter(description = "Contact kind", schema = @Schema(implementation = ContactKind.class)) @QueryParam("kind") String kind,
            @Parameter(description = "Community id (primary members)", schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "1")) @QueryParam("community") String community,
            @Parameter(description = "One contact's id: its rank and explanation only", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @QueryParam("contact") String contact,
            @Parameter(description = "1 to 200, default 20") @QueryParam("limit") String limit,
            @Parameter(description = "Cursor from the previous page") @QueryParam("cursor") String cursor) {
        Metric m = QueryParams.enumValue("metric", metric, Metric.class);
        ContactKind k = QueryParams.enumValue("kind", kind, ContactKind.class);
        return insights.influencers(m == null ? Metric.PAGERANK : m, k == null ? null : k.name(),
                community == null || community.isBlank() ? null : CommunityIds.parse("community", community),
                contact == null || contact.isBlank() ? null : Ids.parse("contact", contact), cursor,
                QueryParams.limit(limit, 20, 200));
    }
}
