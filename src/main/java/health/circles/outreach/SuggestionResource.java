package health.circles.outreach;

import health.circles.network.GraphReads;
import health.circles.network.TieService;
import health.circles.network.TieView;
import health.circles.security.Audited;
import health.circles.security.Roles;
import health.circles.web.ETags;
import health.circles.web.Ids;
import health.circles.web.Problem;
import health.circles.web.QueryParams;
import jakarta.annotation.security.RolesAllowed;
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
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Who should know whom over HTTP: a contact's suggested ties, and accepting or dismissing one. */
@Path("/api/v1/contacts/{id}/suggestions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Outreach", description = "Segments, seed selection and campaigns")
public class SuggestionResource {

    private final SuggestionService suggestions;
    private final SuggestionConfig config;

    SuggestionResource(SuggestionService suggestions, SuggestionConfig config) {
        this.suggestions = suggestions;
        this.config = config;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.OUTREACH})
    @Audited(resource = "tie-suggestion", action = "list", idParam = "", contactParam = "id")
    @Operation(operationId = "listTieSuggestions", summary = "Ties that would help this contact (who should know whom)",
            description = """
            Contacts two active ties away (sharing at least one contact, not tied yet), ranked by a link \\
            prediction measure over active ties between the two (Adamic-Adar by default), useful pairings first among \\
            near-equals: their score counts (1 + circles.outreach.suggestions.pairing-boost) times — a patient or \\
            family member with a peer mentor or community health worker (tags), a caregiver with a support group \\
            member or peer mentor, a clinician with a community leader. Each with the contacts both know. \\
            Do-not-contact contacts and pairs accepted or dismissed before are never proposed. A clinician asks only \\
            for contacts whose whole record they see (404 otherwise, like an unknown id).""")
    @APIResponse(responseCode = "200", description = "The suggestions, best first",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TieSuggestions.class)))
    @APIResponse(responseCode = "400", description = "Invalid parameter",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such contact",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "The graph cannot be read",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public TieSuggestions list(
            @Parameter(description = "The contact's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id,
            @Parameter(description = "ADAMIC_ADAR (default), RESOURCE_ALLOCATION or COMMON_NEIGHBORS",
                    schema = @Schema(type = SchemaType.STRING, enumeration = {"ADAMIC_ADAR", "RESOURCE_ALLOCATION", "COMMON_NEIGHBORS"}))
            @QueryParam("measure") String measure,
            @Parameter(description = "Suggestions, 1 to 50, default 10") @QueryParam("limit") String limit,
            @Parameter(description = "A Graph-Position from a write to wait for") @QueryParam("consistentWith") String consistentWith) {
        return suggestions.suggest(Ids.parse("id", id), measure,
                QueryParams.wholeNumber("limit", limit, 1, config.maxLimit(), config.defaultLimit()), QueryParams.graphPosition(consistentWith));
    }

    @POST
    @Path("{otherId}/accept")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN})
    @Audited(resource = "tie-suggestion", action = "accept", idParam = "otherId", contactParam = "id")
    @Operation(operationId = "acceptTieSuggestion", summary = "Accept a suggested tie: create it", description = """
            Creates the tie (type FRIEND_OF unless given) through the same rules as POST /api/v1/ties, and records the \\
            decision with the tie, the measure and who accepted it. Refused (422) when the two share no contact \\
            through an active tie or are tied already (nothing suggests it), or the other contact is do-not-contact.""")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = SuggestionAcceptance.class)))
    @APIResponse(responseCode = "201", description = "The tie created",
            headers = {@Header(name = "Location", ref = "Location"), @Header(name = "ETag", ref = "ETag"), @Header(name = "Graph-Position", ref = "Graph-Position")},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TieView.class)))
    @APIResponse(responseCode = "404", description = "No such contact",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "An open tie of this type already joins the two",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "Not a suggestion, do-not-contact, or a type that does not fit",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response accept(
            @Parameter(description = "The contact's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id,
            @Parameter(description = "The suggested contact's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("otherId") String otherId,
            @Valid SuggestionAcceptance body) {
        TieService.Written written = suggestions.accept(Ids.parse("id", id), Ids.parse("otherId", otherId), body);
        return Response.created(URI.create("/api/v1/ties/" + written.tie().id()))
                .header("ETag", ETags.of(written.tie().version())).header(GraphReads.POSITION_HEADER, written.position())
                .entity(written.tie()).build();
    }

    @POST
    @Path("{otherId}/dismiss")
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.OUTREACH})
    @Audited(resource = "tie-suggestion", action = "dismiss", idParam = "otherId", contactParam = "id")
    @Operation(operationId = "dismissTieSuggestion", summary = "Dismiss a suggested tie: never proposed again",
            description = "Remembered for the pair, whichever of the two is asked about next.")
    @APIResponse(responseCode = "204", description = "Dismissed")
    @APIResponse(responseCode = "400", description = "The same contact twice",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such contact",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public void dismiss(
            @Parameter(description = "The contact's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id,
            @Parameter(description = "The suggested contact's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("otherId") String otherId) {
        suggestions.dismiss(Ids.parse("id", id), Ids.parse("otherId", otherId));
    }
}
