package health.circles.outreach;

import health.circles.security.Audited;
import health.circles.security.RateLimited;
import health.circles.security.Roles;
import health.circles.web.Idempotent;
import health.circles.web.Ids;
import health.circles.web.Problem;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
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
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Experiments over HTTP: randomise communities to seeding strategies, then compare the arms' uptake. */
@Path("/api/v1/experiments")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Campaigns", description = "A segment approached on one channel through seeds; outcomes feed tie strength")
@APIResponse(responseCode = "400", description = "Bad Request",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class ExperimentResource {

    private final ExperimentService experiments;

    ExperimentResource(ExperimentService experiments) {
        this.experiments = experiments;
    }

    @Idempotent
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.OUTREACH})
    @Audited(resource = "experiment", action = "create")
    @RateLimited(name = "outreach-seeds", permits = 30, per = "PT1M")
    @Operation(operationId = "createExperiment", summary = "Start an experiment: communities randomised to strategies",
            description = """
            Assigns the communities of the latest successful analytics run at the level (all of them, or those named) \\
            at random to the arms, stratified by size: sorted by size, blocks of as many communities as arms, the \\
            arms shuffled within each block, from randomSeed (stored; the same communities, arms and seed give the \\
            same assignment). random, the control, must be an arm. In each community k seeds are chosen with its \\
            arm's strategy among its members, under the rules of POST /outreach/seeds (consent for the channel, never \\
            do-not-contact, exclude, excludeActiveCampaigns). The experiment is a campaign (same id) whose targets are \\
            the communities' members who may be approached on the channel: record outcomes with \\
            POST /campaigns/{id}/outcomes and close it with POST /campaigns/{id}/close.""")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ExperimentInput.class),
            examples = @ExampleObject(name = "friends against random", value = OutreachExamples.NEW_EXPERIMENT)))
    @APIResponse(responseCode = "201", description = "Started; Location names it", headers = @Header(name = "Location", ref = "Location"),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ExperimentView.class)))
    @APIResponse(responseCode = "409", description = "No analytics run has succeeded yet, or one finished meanwhile",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "No community to randomise, too many, too many targets, or a "
            + "community where no member may be a seed",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "The graph cannot be read, or too many seed selections at once",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response create(@NotNull @Valid ExperimentInput body, @Context UriInfo uri) {
        ExperimentView e = experiments.create(body);
        return Response.created(uri.getAbsolutePathBuilder().path(e.id().toString()).build()).entity(e).build();
    }

    @GET
    @Path("{id}")
    @RolesAllowed({Roles.ADMIN, Roles.OUTREACH, Roles.ANALYST})
    @Audited(resource = "experiment", action = "read")
    @Operation(operationId = "getExperiment", summary = "Read an experiment",
            description = "Its communities with their stratum, arm, targets and seeds, and its campaign")
    @APIResponse(responseCode = "200", description = "The experiment",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ExperimentView.class)))
    @APIResponse(responseCode = "404", description = "No such experiment",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public ExperimentView get(@Parameter(description = "The experiment's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id) {
        return experiments.get(Ids.parse("id", id));
    }

    @GET
    @Path("{id}/report")
    @RolesAllowed({Roles.ADMIN, Roles.OUTREACH, Roles.ANALYST})
    @Audited(resource = "experiment", action = "report")
    @Operation(operationId = "getExperimentReport", summary = "Compare the arms from the recorded outcomes",
            description = """
            Per arm: communities, targets, seeds, adopters (targets with a RESPONDED outcome), uptake with Wilson's \\
            95 % interval and, since communities were randomised, the mean of the communities' uptakes with a t \\
            interval; the difference to the random arm (pooled, Newcombe; by community, Welch t); and spillover: \\
            uptake among targets who were not seeds at one and at two active ties from the arm's nearest seed. \\
            Parts that cannot be formed (an empty arm, a single community) are null. Names no contact.""")
    @APIResponse(responseCode = "200", description = "The report",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ExperimentReport.class)))
    @APIResponse(responseCode = "404", description = "No such experiment",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public ExperimentReport report(@Parameter(description = "The experiment's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id) {
        return experiments.report(Ids.parse("id", id));
    }
}
