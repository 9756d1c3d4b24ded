package health.circles.network;

import health.circles.failure.InvalidInput;
import health.circles.security.Audited;
import health.circles.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import health.circles.contact.ContactKind;
import health.circles.web.Ids;
import health.circles.web.Problem;
import health.circles.web.QueryParams;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;

/** A contact's concentric circles over HTTP. */
@Path("/api/v1/contacts/{id}/circles")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Graph", description = "Questions the relationship graph answers")
public class CirclesResource {

    private final GraphQueryService graph;
    private final NetworkConfig config;
    private final RelationshipTypes types;

    CirclesResource(GraphQueryService graph, NetworkConfig config, RelationshipTypes types) {
        this.graph = graph;
        this.config = config;
        this.types = types;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.OUTREACH, Roles.ANALYST, Roles.INTEGRATION})
    @Audited(resource = "circles", action = "read", contactParam = "id")
    @Operation(operationId = "getCircles", summary = "A contact's concentric circles", description = """
            Ring 1: the contacts joined to the centre by an active tie (no until, or one after today); ring 2: \\
            theirs; and so on. Each contact appears once, in its nearest ring. Every tie is walked both ways, \\
            directed ones too (a patient's clinician is in the patient's circles and the patient in the \\
            clinician's). A member's strength is that of its strongest shortest path to the centre: the product of \\
            the product of its ties' strengths, 0..1. tieType and minStrength restrict the ties walked; kind only \\
            the members listed (others still lead further out). Members are listed ring by ring, strongest first, \\
            up to limit; a ring of more than 20000 contacts is cut to its strongest and ends the search. truncated \\
            and note say when either bound cut the answer. Waits up to 2 s for recent writes to reach the graph \\
            (all of them, or up to the Graph-Position given as consistentWith).""")
    @APIResponse(responseCode = "200", description = "The circles", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = CirclesView.class),
            examples = @ExampleObject(name = "a patient and her daughter", value = NetworkExamples.CIRCLES)))
    @APIResponse(responseCode = "400", description = "Invalid parameter",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such contact",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public CirclesView circles(@Parameter(description = "The contact's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id,
                               @Parameter(description = "Rings, 1 to 3, default 2", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "3")) @QueryParam("depth") String depth,
                               @Parameter(description = "Contact kinds to list; repeat or comma-separate", schema = @Schema(type = SchemaType.ARRAY, implementation = ContactKind.class)) @QueryParam("kind") List<String> kinds,
                               @Parameter(description = "Relationship type codes to walk (GET /api/v1/relationship-types); repeat or comma-separate", schema = @Schema(type = SchemaType.ARRAY, implementation = String.class, pattern = RelationshipTypes.NAME)) @QueryParam("tieType") List<String> tieTypes,
                               @Parameter(description = "Walk only ties at least this strong, 0 to 1, default 0", schema = @Schema(type = SchemaType.NUMBER, minimum = "0", maximum = "1")) @QueryParam("minStrength") String minStrength,
                               @Parameter(description = "Members listed, 1 to 2000, default 500") @QueryParam("limit") String limit,
                               @Parameter(description = "A Graph-Position from a write to wait for") @QueryParam("consistentWith") String consistentWith) {
        NetworkConfig.Circles bounds = config.circles();
        return graph.circles(new GraphQueryService.CirclesQuery(Ids.parse("id", id),
                QueryParams.wholeNumber("depth", depth, 1, 3, 2),
                names("kind", kinds, ContactKind.class),
                types.codes("tieType", tieTypes),
                number("minStrength", minStrength, 0, TieStrength.MAX, 0),
                QueryParams.wholeNumber("limit", limit, 1, bounds.maxLimit(), bounds.defaultLimit()),
                QueryParams.graphPosition(consistentWith)));
    }

    static double number(String name, String value, double min, double max, double defaultValue) {
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            double n = Double.parseDouble(value.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw InvalidInput.field(name, "must be a number from " + min + " to " + max);
    }

    /** Enum names from repeated or comma-separated values; null when none were given. */
    static <E extends Enum<E>> List<String> names(String name, List<String> values, Class<E> type) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        for (String value : values) {
            for (String part : value.split(",")) {
                E e = QueryParams.enumValue(name, part, type);
                if (e != null) {
                    out.add(e.name());
                }
            }
        }
        return out.isEmpty() ? null : new ArrayList<>(out);
    }
}
