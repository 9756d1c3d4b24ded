package health.circles.analytics;

import health.circles.network.RelationshipTypes;
import health.circles.failure.InvalidInput;
import health.circles.security.Audited;
import health.circles.security.RateLimited;
import health.circles.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import health.circles.web.Ids;
import health.circles.web.Problem;
import health.circles.web.QueryParams;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;

/** Maps for drawing: Cytoscape.js JSON, or GraphML and GEXF downloads for Gephi. */
@Path("/api/v1/maps")
@Produces({MediaType.APPLICATION_JSON, MapDocuments.GRAPHML, MapDocuments.GEXF})
@Tag(name = "Maps", description = "Communities and neighbourhoods as Cytoscape.js JSON, GraphML or GEXF")
@APIResponse(responseCode = "400", description = "Bad Request",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class MapResource {

    private static final String TYPES = "Comma-separated tie types to draw (and, on contact maps, to walk); default all";
    private static final String MIN_STRENGTH = "Draw (and walk) only ties at least this strong, 0 to 1; default 0";

    private final MapService maps;
    private final RelationshipTypes types;

    MapResource(MapService maps, RelationshipTypes types) {
        this.maps = maps;
        this.types = types;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.ANALYST, Roles.OUTREACH, Roles.CLINICIAN})
    @Audited(resource = "map", action = "export")
    @RateLimited(name = "maps", permits = 60, per = "PT1M")
    @APIResponse(responseCode = "429", description = "Over the caller's rate limit; Retry-After says when to retry",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Path("communities/{id}")
    @Operation(operationId = "getCommunityMap", summary = "Map of a community of the latest run",
            description = "Choose the format with the Accept header or format=json|graphml|gexf; bounded in size, "
                    + "with truncated and a note when the community is larger")
    @APIResponse(responseCode = "200", description = "The map", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MapDocuments.Cytoscape.class)),
            @Content(mediaType = MapDocuments.GRAPHML, schema = @Schema(type = SchemaType.STRING)),
            @Content(mediaType = MapDocuments.GEXF, schema = @Schema(type = SchemaType.STRING))},
            headers = @Header(name = "Content-Disposition", ref = "Content-Disposition"))
    @APIResponse(responseCode = "404", description = "Not a community of the latest run")
    @APIResponse(responseCode = "409", description = "No analytics run has succeeded yet")
    public Response community(@Parameter(description = "A community id of the latest run", schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "1")) @PathParam("id") String id,
                              @Parameter(description = "json, graphml or gexf; overrides Accept", schema = @Schema(type = SchemaType.STRING, enumeration = {"json", "graphml", "gexf"})) @QueryParam("format") String format,
                              @Parameter(description = TYPES) @QueryParam("types") String types,
                              @Parameter(description = MIN_STRENGTH) @QueryParam("minStrength") String minStrength,
                              @Parameter(description = "true: also the neighbouring communities it has most tie "
                                      + "strength with (up to 8) as COMMUNITY nodes, with a BRIDGE edge from each member "
                                      + "tied to one; default false", schema = @Schema(type = SchemaType.BOOLEAN))
                              @QueryParam("neighbours") String neighbours,
                              @Context HttpHeaders headers) {
        long community = CommunityIds.parse(id);
        TieFilter filter = TieFilter.parse(types, minStrength, this.types);
        boolean around = flag("neighbours", neighbours);
        return render(maps.community(community, filter, around), format, headers, "community-" + community);
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.ANALYST, Roles.OUTREACH, Roles.CLINICIAN})
    @RateLimited(name = "maps", permits = 60, per = "PT1M")
    @APIResponse(responseCode = "429", description = "Over the caller's rate limit; Retry-After says when to retry",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Path("overview")
    @Operation(operationId = "getOverviewMap",
            summary = "Communities of one level as nodes, with the ties between them",
            description = "The largest communities of the level (bounded like every map), each a node whose size is "
                    + "its member count, and one edge per pair of communities with ties between them (strength: their "
                    + "summed tie strength relative to the strongest pair). For results too large to draw contact by "
                    + "contact. Names no contact, so it is not audited.")
    @APIResponse(responseCode = "200", description = "The map", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MapDocuments.Cytoscape.class)),
            @Content(mediaType = MapDocuments.GRAPHML, schema = @Schema(type = SchemaType.STRING)),
            @Content(mediaType = MapDocuments.GEXF, schema = @Schema(type = SchemaType.STRING))},
            headers = @Header(name = "Content-Disposition", ref = "Content-Disposition"))
    @APIResponse(responseCode = "409", description = "No analytics run has succeeded yet")
    public Response overview(@Parameter(description = "0 (default) is the coarsest level") @QueryParam("level") String level,
                             @Parameter(description = "Smallest community drawn, default 2") @QueryParam("minSize") String minSize,
                             @Parameter(description = "json, graphml or gexf; overrides Accept", schema = @Schema(type = SchemaType.STRING, enumeration = {"json", "graphml", "gexf"})) @QueryParam("format") String format,
                             @Context HttpHeaders headers) {
        int l = integer("level", level, 0, 0, 50);
        int min = integer("minSize", minSize, 2, 1, 1_000_000);
        return render(maps.overview(l, min), format, headers, "communities-level-" + l);
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.ANALYST, Roles.OUTREACH, Roles.CLINICIAN})
    @Audited(resource = "map", action = "export", contactParam = "id")
    @RateLimited(name = "maps", permits = 60, per = "PT1M")
    @APIResponse(responseCode = "429", description = "Over the caller's rate limit; Retry-After says when to retry",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Path("contacts/{id}")
    @Operation(operationId = "getContactMap", summary = "Map of a contact's neighbourhood",
            description = "Contacts within depth (1 to 3, default 1) active ties, each with its ring (ties from the "
                    + "contact); bounded in size. types and minStrength choose the ties walked and drawn")
    @APIResponse(responseCode = "200", description = "The map", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MapDocuments.Cytoscape.class)),
            @Content(mediaType = MapDocuments.GRAPHML, schema = @Schema(type = SchemaType.STRING)),
            @Content(mediaType = MapDocuments.GEXF, schema = @Schema(type = SchemaType.STRING))},
            headers = @Header(name = "Content-Disposition", ref = "Content-Disposition"))
    @APIResponse(responseCode = "404", description = "The contact is not in the graph")
    public Response contact(@Parameter(description = "The contact's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id,
                            @Parameter(description = "1 to 3, default 1", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "3")) @QueryParam("depth") String depth,
                            @Parameter(description = "json, graphml or gexf; overrides Accept", schema = @Schema(type = SchemaType.STRING, enumeration = {"json", "graphml", "gexf"})) @QueryParam("format") String format,
                            @Parameter(description = TYPES) @QueryParam("types") String types,
                            @Parameter(description = MIN_STRENGTH) @QueryParam("minStrength") String minStrength,
                            @Context HttpHeaders headers) {
        java.util.UUID contact = Ids.parse("id", id);
        TieFilter filter = TieFilter.parse(types, minStrength, this.types);
        return render(maps.contact(contact, integer("depth", depth, 1, 1, 3), filter), format, headers,
                "contact-" + contact);
    }

    private static boolean flag(String name, String value) {
        return Boolean.TRUE.equals(QueryParams.bool(name, value));
    }

    /** An integer parameter taken as text (JAX-RS would answer an unconvertible one with 404). */
    private static int integer(String name, String value, int fallback, int min, int max) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(value.strip());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw InvalidInput.field(name, "must be an integer between " + min + " and " + max);
    }

    private static Response render(MapGraph map, String format, HttpHeaders headers, String name) {
        String chosen = format(format, headers);
        return switch (chosen) {
            case "graphml" -> Response.ok(MapDocuments.graphml(map), MapDocuments.GRAPHML)
                    .header("Content-Disposition", "attachment; filename=\"" + name + ".graphml\"").build();
            case "gexf" -> Response.ok(MapDocuments.gexf(map), MapDocuments.GEXF)
                    .header("Content-Disposition", "attachment; filename=\"" + name + ".gexf\"").build();
            default -> Response.ok(MapDocuments.cytoscape(map), MediaType.APPLICATION_JSON).build();
        };
    }

    private static String format(String format, HttpHeaders headers) {
        if (format != null && !format.isBlank()) {
            String f = format.strip().toLowerCase(Locale.ROOT);
            if (!f.equals("json") && !f.equals("graphml") && !f.equals("gexf")) {
                throw InvalidInput.field("format", "must be json, graphml or gexf");
            }
            return f;
        }
        for (MediaType type : headers.getAcceptableMediaTypes()) {
            String t = type.getType() + "/" + type.getSubtype();
            if (t.equals(MapDocuments.GRAPHML)) {
                return "graphml";
            }
            if (t.equals(MapDocuments.GEXF)) {
                return "gexf";
            }
            if (type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
                return "json";
            }
        }
        return "json";
    }
}
