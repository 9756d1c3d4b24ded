package health.circles.network;

import health.circles.security.Audited;
import health.circles.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import health.circles.web.Ids;
import health.circles.web.Problem;
import health.circles.web.QueryParams;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;

/** Introduction paths over HTTP: who can introduce whom. */
@Path("/api/v1/paths")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Graph")
public class PathsResource {

    private final GraphQueryService graph;

    PathsResource(GraphQueryService graph) {
        this.graph = graph;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.OUTREACH, Roles.ANALYST, Roles.INTEGRATION})
    @Audited(resource = "path", action = "read")
    @Operation(operationId = "findPaths",
            summary = "The strongest introduction paths between two contacts", description = """
            Chains of at most maxHops active ties, walked either way whatever their direction, without repeating a \\
            contact. Among the shortest candidate chains (100 at most, found from both ends), the strongest are \\
            returned first: a path's strength is the product of its ties' strengths, 0..1; ties in strength \\
            go to the shorter. Each hop names the tie it walks, with its type, strength and direction. When no \\
            chain exists within maxHops the answer is 200 with an empty list and a reason (404 is kept for an \\
            unknown contact). Waits up to 2 s for recent writes to reach the graph, like circles.""")
    @APIResponse(responseCode = "200", description = "The paths, possibly none (then with a reason)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PathsView.class),
                    examples = @ExampleObject(name = "through a daughter", value = NetworkExamples.PATHS)))
    @APIResponse(responseCode = "400", description = "Invalid parameter, or from = to",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such contact",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public PathsView paths(@Parameter(description = "Contact id", required = true, schema = @Schema(type = SchemaType.STRING, format = "uuid")) @QueryParam("from") String from,
                           @Parameter(description = "Contact id", required = true, schema = @Schema(type = SchemaType.STRING, format = "uuid")) @QueryParam("to") String to,
                           @Parameter(description = "1 to 6, default 4", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "6")) @QueryParam("maxHops") String maxHops,
                           @Parameter(description = "Paths returned, 1 to 20, default 5") @QueryParam("limit") String limit,
                           @Parameter(description = "A Graph-Position from a write to wait for") @QueryParam("consistentWith") String consistentWith) {
        return graph.paths(Ids.parse("from", from), Ids.parse("to", to),
                QueryParams.wholeNumber("maxHops", maxHops, 1, NetworkGraph.MAX_HOPS, 4),
                QueryParams.wholeNumber("limit", limit, 1, 20, 5),
                QueryParams.graphPosition(consistentWith));
    }
}
