package health.circles.outreach;

import health.circles.security.Audited;
import health.circles.security.RateLimited;
import health.circles.security.Roles;
import health.circles.web.Problem;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Seeding strategies compared over HTTP: which one is expected to reach most of a target, and by how much. */
@Path("/api/v1/outreach/strategies")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Outreach", description = "Segments, seed selection and campaigns")
public class StrategyResource {

    private final SeedService seeds;

    StrategyResource(SeedService seeds) {
        this.seeds = seeds;
    }

    @POST
    @Path("/compare")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.OUTREACH, Roles.ANALYST})
    @Audited(resource = "outreach-strategies", action = "compare")
    @RateLimited(name = "outreach-seeds", permits = 30, per = "PT1M")
    @Operation(operationId = "compareStrategies",
            summary = "Expected reach of every seeding strategy on the same simulated cascades", description = """
            For a target and k: imm, degree, pagerank, nominated-friend, acquaintance, clustered and random (or the \\
            strategies named), each measured on the same cascades of the chosen model (common random numbers: the \\
            same live ties in cascade r for every strategy; randomised strategies draw new seeds per cascade). Each \\
            with its 95 % interval; the winner with its paired margin over the runner-up and over random. Consent, \\
            exclusions and spread apply to every strategy. Figures only: no contact is named. Bounded: k and \\
            simulations above the comparison's limits are refused (422).""")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = StrategyComparisonRequest.class)))
    @APIResponse(responseCode = "200", description = "Every strategy's expected reach and the winner")
    @APIResponse(responseCode = "400", description = "Bad Request",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "The community is not in the latest analytics run",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "No analytics run has succeeded yet (community, spread, pagerank)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "Empty target, no possible seed, or more work than allowed",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "The graph cannot be read, or too many selections at once",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public StrategyComparison compare(@Valid StrategyComparisonRequest body) {
        return seeds.compare(body);
    }
}
