package health.circles.outreach;

import health.circles.failure.InvalidInput;
import health.circles.network.GraphReads;
import health.circles.security.Audited;
import health.circles.security.Roles;
import health.circles.web.Idempotent;
import health.circles.web.Ids;
import health.circles.web.Page;
import health.circles.web.Problem;
import health.circles.web.QueryParams;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
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
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/** Campaigns over HTTP: start one on a segment, record outcomes, read the pending list and the report. */
@Path("/api/v1/campaigns")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Campaigns", description = "A segment approached on one channel through seeds; outcomes feed tie strength")
@APIResponse(responseCode = "400", description = "Bad Request",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class CampaignResource {

    private final CampaignService campaigns;

    CampaignResource(CampaignService campaigns) {
        this.campaigns = campaigns;
    }

    @Idempotent
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.OUTREACH})
    @Audited(resource = "campaign", action = "create")
    @Operation(operationId = "createCampaign", summary = "Start a campaign", description = """
            Targets the segment's consenting members for the channel at this moment (do-not-contact and DENIED never; \\
            UNKNOWN as the segment says); excludedAtStart counts who was left out and why. Seeds are the contacts the \\
            campaign goes through, each with the reach the seed model expected, and none may be do-not-contact or \\
            denied on the channel.""")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = CampaignInput.class),
            examples = @ExampleObject(name = "flu shots", value = OutreachExamples.NEW_CAMPAIGN)))
    @APIResponse(responseCode = "201", description = "Started; Location names it", headers = @Header(name = "Location", ref = "Location"),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CampaignView.class)))
    @APIResponse(responseCode = "409", description = "The segment needs an analytics run and none has succeeded")
    @APIResponse(responseCode = "422", description = "Unknown segment or seed, a seed that may not be contacted, or too many targets",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response create(@NotNull @Valid CampaignInput body, @Context UriInfo uri) {
        CampaignView c = campaigns.create(body);
        return Response.created(uri.getAbsolutePathBuilder().path(c.id().toString()).build()).entity(c).build();
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.OUTREACH, Roles.ANALYST})
    @Audited(resource = "campaign", action = "list")
    @Operation(operationId = "listCampaigns",
            summary = "List campaigns", description = "Newest first, cursor paged; state=ACTIVE or CLOSED filters")
    public Page<CampaignView> list(
            @Parameter(description = "ACTIVE or CLOSED", schema = @Schema(type = SchemaType.STRING, enumeration = {"ACTIVE", "CLOSED"})) @QueryParam("state") String state,
            @Parameter(description = "1 to 200, default 50", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "200")) @QueryParam("limit") String limit,
            @Parameter(description = "Cursor from the previous page") @QueryParam("cursor") String next) {
        String chosen = null;
        if (state != null && !state.isBlank()) {
            chosen = state.strip().toUpperCase(java.util.Locale.ROOT);
            if (!chosen.equals("ACTIVE") && !chosen.equals("CLOSED")) {
                throw InvalidInput.field("state", "must be ACTIVE or CLOSED");
            }
        }
        return campaigns.list(chosen, next, QueryParams.limit(limit, 50, SegmentResource.MAX_LIMIT));
    }

    @GET
    @Path("{id}")
    @RolesAllowed({Roles.ADMIN, Roles.OUTREACH, Roles.ANALYST})
    @Audited(resource = "campaign", action = "read")
    @Operation(operationId = "getCampaign", summary = "Read a campaign", description = "With where its targets stand")
    @APIResponse(responseCode = "404", description = "No such campaign",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public CampaignView get(@Parameter(description = "The campaign's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id) {
        return campaigns.get(Ids.parse("id", id));
    }

    @POST
    @Path("{id}/close")
    @RolesAllowed({Roles.ADMIN, Roles.OUTREACH})
    @Audited(resource = "campaign", action = "close")
    @Operation(operationId = "closeCampaign",
            summary = "Close a campaign", description = "No more outcomes; its pending list empties. Idempotent")
    @APIResponse(responseCode = "404", description = "No such campaign")
    public CampaignView close(@Parameter(description = "The campaign's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id) {
        return campaigns.close(Ids.parse("id", id));
    }

    @Idempotent
    @POST
    @Path("{id}/outcomes")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.OUTREACH})
    @Audited(resource = "campaign-outcome", action = "create")
    @Operation(operationId = "recordCampaignOutcome", summary = "Record a target's outcome", description = """
            REACHED, RESPONDED, DECLINED or OPTED_OUT. Each outcome is a touchpoint (with the campaign's id) between \\
            the contact and via, the seed or staff contact who reached them, so tie strength follows the network's \\
            touchpoint rules and the next analytics run sees it; the Graph-Position header tells graph questions which \\
            write to wait for. OPTED_OUT sets the contact's consent for the campaign's channel to DENIED at once (a \\
            contact write: new version, outbox, audit) and takes the contact off the pending list of every active \\
            campaign. Nothing more is recorded against a contact who opted out (409), nor anything but an opt-out \\
            against one whose consent was denied or who became do-not-contact meanwhile.""")
    @APIResponse(responseCode = "201", description = "Recorded", headers = {@Header(name = "Location", ref = "Location"), @Header(name = "Graph-Position", ref = "Graph-Position")},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CampaignOutcomeView.class)))
    @APIResponse(responseCode = "404", description = "No such campaign")
    @APIResponse(responseCode = "409", description = "Campaign closed, contact opted out, or consent withdrawn meanwhile",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "The contact is not a target, or via does not exist",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response record(@Parameter(description = "The campaign's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id, @NotNull @Valid CampaignOutcomeInput body, @Context UriInfo uri) {
        CampaignService.Recorded recorded = campaigns.record(Ids.parse("id", id), body);
        return Response.created(uri.getAbsolutePathBuilder().path(recorded.outcome().id().toString()).build())
                .header(GraphReads.POSITION_HEADER, recorded.position())
                .entity(recorded.outcome()).build();
    }

    @GET
    @Path("{id}/pending")
    @RolesAllowed({Roles.ADMIN, Roles.OUTREACH, Roles.ANALYST})
    @Audited(resource = "campaign-pending", action = "list")
    @Operation(operationId = "listCampaignPendingTargets",
            summary = "The pending list: targets not yet approached who may still be asked", description = """
            Consent is read again: a target who became do-not-contact or denied the channel since the campaign \\
            started is left out and counted in excluded; one who opted out (here or in any campaign) is gone. By \\
            name, cursor paged; empty once the campaign is closed.""")
    @APIResponse(responseCode = "404", description = "No such campaign")
    public SegmentMembers pending(@Parameter(description = "The campaign's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id,
                                  @Parameter(description = "1 to 200, default 50", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "200")) @QueryParam("limit") String limit,
                                  @Parameter(description = "Cursor from the previous page") @QueryParam("cursor") String next) {
        return campaigns.pending(Ids.parse("id", id), next, QueryParams.limit(limit, 50, SegmentResource.MAX_LIMIT));
    }

    @GET
    @Path("{id}/report")
    @RolesAllowed({Roles.ADMIN, Roles.OUTREACH, Roles.ANALYST})
    @Audited(resource = "campaign", action = "report")
    @Operation(operationId = "getCampaignReport", summary = "What the campaign achieved", description = """
            Targets, reached (any outcome), responded, declined, opted out, pending and removed, with reach rate \\
            (reached / targets) and response rate (responded / reached); the same by primary community at the \\
            coarsest level of the latest analytics run and by kind; per seed, the targets reached and responding \\
            within the campaign's hops of it (the graph's active ties); and the seed model's predicted coverage \\
            against the actual one: the share of targets reached that lie within hops of some seed.""")
    @APIResponse(responseCode = "404", description = "No such campaign")
    public CampaignReport report(@Parameter(description = "The campaign's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id) {
        return campaigns.report(Ids.parse("id", id));
    }
}
