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
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/** Seed selection over HTTP: the k contacts whose outreach is expected to reach most of a target. */
@Path("/api/v1/outreach/seeds")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Outreach", description = "Segments, seed selection and campaigns")
public class SeedResource {

    private final SeedService seeds;

    SeedResource(SeedService seeds) {
        this.seeds = seeds;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.OUTREACH})
    @Audited(resource = "outreach-seeds", action = "select")
    @RateLimited(name = "outreach-seeds", permits = 30, per = "PT1M")
    @Operation(operationId = "selectSeeds",
            summary = "Choose k seeds that reach most of a target (influence maximisation)", description = """
            Independent cascade over the active ties, p = min(maxProbability, scale × strength) per tie, word flowing \\
            along each tie type as docs/outreach.md says. Seeds are chosen by reverse-reachable-set sampling (IMM) \\
            and lazy greedy maximum coverage, among contacts that may be approached on the channel (consent GRANTED, \\
            or UNKNOWN when allowed; never DENIED or do-not-contact). Each seed comes with the target contacts it \\
            adds in expectation; the total is measured by forward cascades with a 95 % confidence interval, beside \\
            the naive pick (top k by degree) on the same cascades. Reproducible: the same graph, request and \\
            randomSeed give the same answer. Target: exactly one of community (latest successful analytics run), \\
            contacts, network. strategy picks another way of choosing (degree, pagerank, nominated-friend, \\
            acquaintance, clustered, random) under the same consent, exclusion and spread rules; model.type THRESHOLD \\
            measures reach under complex contagion (docs/outreach.md, "Strategies" and "Diffusion models").""")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = SeedRequest.class),
            examples = @ExampleObject(name = "five seeds in a community", value = OutreachExamples.SEED_REQUEST)))
    @APIResponse(responseCode = "200", description = "The seeds and their expected coverage")
    @APIResponse(responseCode = "400", description = "Bad Request",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "The community is not in the latest analytics run",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "No analytics run has succeeded yet (community target, spread)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "The target is empty, or no contact may be a seed",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "The graph cannot be read, or too many selections at once",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public SeedSelection select(@Valid SeedRequest body) {
        return seeds.select(body);
    }
}
