package health.circles.analytics;

import health.circles.security.RateLimited;
import health.circles.security.Audited;
import health.circles.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import health.circles.web.Idempotent;
import health.circles.web.Ids;
import health.circles.web.Page;
import health.circles.web.Problem;
import health.circles.web.QueryParams;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
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

/** Analytics runs over HTTP: start one (a background job), follow it, list the history. */
@Path("/api/v1/analytics/runs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Analytics", description = "Influence scores and communities computed with Graph Data Science")
@APIResponse(responseCode = "400", description = "Bad Request",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class AnalyticsRunResource {

    private final AnalyticsService analytics;
    private final GroupSplits splits;

    AnalyticsRunResource(AnalyticsService analytics, GroupSplits splits) {
        this.analytics = analytics;
        this.splits = splits;
    }

    @Idempotent
    @POST
    @RolesAllowed({Roles.ADMIN, Roles.ANALYST})
    @RateLimited(name = "analytics-runs", permits = 10, per = "PT1H")
    @Audited(resource = "analytics-run", action = "start", idParam = "", when = Audited.When.BEFORE_WORK)
    @APIResponse(responseCode = "429", description = "Over the caller's rate limit; Retry-After says when to retry",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "startAnalyticsRun", summary = "Start an analytics run",
            description = "Projects the active ties, computes PageRank, betweenness, degree, strength and communities "
                    + "(Leiden by default) and snapshots them; the body may be empty for all defaults")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RunRequest.class),
            examples = @ExampleObject(name = "finer communities", value = "{\"algorithm\": \"LEIDEN\", \"resolution\": 1.5}")))
    @APIResponse(responseCode = "202", description = "Started; Location names the run to follow", headers = @Header(name = "Location", ref = "Location"),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RunView.class)))
    @APIResponse(responseCode = "409", description = "A run is in progress; the detail links to it",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "The memory estimate exceeds the budget",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response start(@Valid RunRequest body) {
        RunView run = analytics.start(body, "API");
        return Response.accepted(run).location(URI.create(run.self())).build();
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.ANALYST})
    @Path("{id}")
    @Operation(operationId = "getAnalyticsRun",
            summary = "A run: state, phase, percent, timings, parameters and quality figures")
    @APIResponse(responseCode = "404", description = "No such run")
    public RunView get(@Parameter(description = "The run's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id) {
        return analytics.get(Ids.parse("id", id));
    }

    @POST
    @RolesAllowed({Roles.ADMIN, Roles.ANALYST})
    @Path("{id}/exact-betweenness/cancel")
    @Audited(resource = "analytics-run", action = "cancel-exact-betweenness")
    @Operation(operationId = "cancelExactBetweenness", summary = "Cancel a run's exact betweenness",
            description = "Stops the exact betweenness computed after a run that asked for it (hours of one core at "
                    + "100,000 contacts), whichever replica computes it, or keeps it from starting: "
                    + "quality.exactBetweenness becomes CANCELLED and the run keeps its sampled betweenness. "
                    + "Cancelling one already cancelled answers the run as it is")
    @APIResponse(responseCode = "200", description = "Cancelled; the run",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RunView.class)))
    @APIResponse(responseCode = "404", description = "No such run",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The run's exact betweenness is not running: not asked for, not "
            + "started yet (the run is in progress), or already ended",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public RunView cancelExactBetweenness(@Parameter(description = "The run's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id) {
        return analytics.cancelExactBetweenness(Ids.parse("id", id));
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.ANALYST})
    @Operation(operationId = "listAnalyticsRuns", summary = "History of runs, newest first")
    public Page<RunView> list(@Parameter(description = "1 to 100, default 20") @QueryParam("limit") String limit,
                              @Parameter(description = "Cursor from the previous page") @QueryParam("cursor") String cursor) {
        return analytics.list(cursor, QueryParams.limit(limit, 20, 100));
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.ANALYST, Roles.OUTREACH, Roles.CLINICIAN})
    @Path("{id}/groups")
    @Audited(resource = "group-communities", action = "list", idParam = "id")
    @Operation(operationId = "listRunGroupCommunities", summary = "Groups against the run's communities",
            description = "For each group, its current members per community of the level (primary membership): "
                    + "by default only groups split across communities. Households first, then care teams, then the "
                    + "rest, by name. One audit row per group shown, naming its members")
    @APIResponse(responseCode = "200", description = "A page of groups with their members per community")
    @APIResponse(responseCode = "404", description = "No such run",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The run has not succeeded",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Page<GroupSplits.Split> groups(
            @Parameter(description = "The run's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id,
            @Parameter(description = "Group kinds (repeatable), e.g. HOUSEHOLD",
                    schema = @Schema(type = SchemaType.ARRAY, implementation = health.circles.group.GroupKind.class))
            @QueryParam("kind") java.util.List<String> kinds,
            @Parameter(description = "Community level, 0 (coarsest, default) to 10") @QueryParam("level") String level,
            @Parameter(description = "true (default): only groups split across communities; false: every group")
            @QueryParam("split") String split,
            @Parameter(description = "1 to 200, default 50") @QueryParam("limit") String limit,
            @Parameter(description = "Cursor from the previous page") @QueryParam("cursor") String cursor) {
        java.util.List<health.circles.group.GroupKind> parsed = kinds == null ? java.util.List.of() : kinds.stream()
                .map(k -> QueryParams.enumValue("kind", k, health.circles.group.GroupKind.class))
                .filter(java.util.Objects::nonNull).distinct().toList();
        return splits.list(Ids.parse("id", id), intParam("level", level, 0), parsed, !Boolean.FALSE.equals(
                QueryParams.bool("split", split)), cursor, QueryParams.limit(limit, 50, 200));
    }

    private static int intParam(String name, String value, int otherwise) {
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw health.circles.failure.InvalidInput.field(name, "must be an integer");
        }
    }
}
