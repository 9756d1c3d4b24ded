package health.circles.outreach;

import health.circles.failure.InvalidInput;
import health.circles.contact.Channel;
import health.circles.security.Audited;
import health.circles.security.Roles;
import health.circles.web.Idempotent;
import health.circles.web.ETags;
import health.circles.web.Ids;
import health.circles.web.Page;
import health.circles.web.Problem;
import health.circles.web.QueryParams;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
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

/** Segments over HTTP: saved queries over contacts, their preview, members and CSV export, consent applied. */
@Path("/api/v1/segments")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Segments", description = "Saved, named queries over contacts whose member lists apply consent per channel")
@APIResponse(responseCode = "400", description = "Bad Request",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class SegmentResource {

    static final int MAX_LIMIT = 200;
    private static final String CONSENT_RULE = """
            Consent is applied for the channel asked for: contacts marked do-not-contact and those whose consent for \\
            the channel is DENIED are never members; those who never answered (UNKNOWN) are members only when the \\
            segment has includeUnknown. The answer counts the matching contacts left out, per reason. Community and \\
            influence criteria read the latest successful analytics run (409 when there is none); tieTo asks the \\
            graph for the contacts within 1 to 3 active ties of a contact.""";

    private final SegmentService segments;

    SegmentResource(SegmentService segments) {
        this.segments = segments;
    }

    @Idempotent
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.OUTREACH})
    @Audited(resource = "segment", action = "create")
    @Operation(operationId = "createSegment", summary = "Save a segment", description = """
            A named filter over contacts: communities (any level; primary or also secondary membership), kinds, \\
            tags, languages, postal codes, an influence rank or score threshold, a tie to a contact within 1 to 3 \\
            hops, and a hand-picked list of contacts. Criteria combine with AND, the values of one list with OR.""")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = SegmentInput.class),
            examples = @ExampleObject(name = "caregivers", value = OutreachExamples.NEW_SEGMENT)))
    @APIResponse(responseCode = "201", description = "Saved; Location names it, ETag carries its version",
            headers = {@Header(name = "Location", ref = "Location"), @Header(name = "ETag", ref = "ETag")},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SegmentView.class)))
    @APIResponse(responseCode = "409", description = "The name is taken, or the filter needs an analytics run and none has succeeded",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response create(@NotNull @Valid SegmentInput body, @Context UriInfo uri) {
        SegmentView s = segments.create(body);
        return Response.created(uri.getAbsolutePathBuilder().path(s.id().toString()).build())
                .header(HttpHeaders.ETAG, ETags.of(s.version())).entity(s).build();
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.OUTREACH, Roles.ANALYST})
    @Audited(resource = "segment", action = "list")
    @Operation(operationId = "listSegments", summary = "List segments", description = "By name, cursor paged")
    public Page<SegmentView> list(
            @Parameter(description = "1 to 200, default 50", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "200")) @QueryParam("limit") String limit,
            @Parameter(description = "Cursor from the previous page") @QueryParam("cursor") String next) {
        return segments.list(next, QueryParams.limit(limit, 50, MAX_LIMIT));
    }

    @GET
    @Path("{id}")
    @RolesAllowed({Roles.ADMIN, Roles.OUTREACH, Roles.ANALYST})
    @Audited(resource = "segment", action = "read")
    @Operation(operationId = "getSegment",
            summary = "Read a segment", description = "The ETag header carries the version for If-Match")
    @APIResponse(responseCode = "200", description = "The segment", headers = @Header(name = "ETag", ref = "ETag"),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SegmentView.class)))
    @APIResponse(responseCode = "404", description = "No such segment",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response get(@Parameter(description = "The segment's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id) {
        SegmentView s = segments.get(Ids.parse("id", id));
        return Response.ok(s).header(HttpHeaders.ETAG, ETags.of(s.version())).build();
    }

    @PUT
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.OUTREACH})
    @Audited(resource = "segment", action = "update")
    @Operation(operationId = "replaceSegment", summary = "Replace a segment's definition",
            description = "If-Match with the ETag read is required (428 without it or with *), against lost updates")
    @APIResponse(responseCode = "200", description = "Replaced", headers = @Header(name = "ETag", ref = "ETag"),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SegmentView.class)))
    @APIResponse(responseCode = "404", description = "No such segment")
    @APIResponse(responseCode = "412", description = "If-Match does not match the current version")
    @APIResponse(responseCode = "428", description = "No If-Match, or If-Match: *; nothing written",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response replace(@Parameter(description = "The segment's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id, @HeaderParam("If-Match") String ifMatch,
                            @NotNull @Valid SegmentInput body) {
        java.util.UUID segment = Ids.parse("id", id);
        SegmentView s = segments.replace(segment, ETags.required(ifMatch), body);
        return Response.ok(s).header(HttpHeaders.ETAG, ETags.of(s.version())).build();
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed({Roles.ADMIN, Roles.OUTREACH})
    @Audited(resource = "segment", action = "delete")
    @Operation(operationId = "deleteSegment",
            summary = "Delete a segment", description = "If-Match with the ETag read is required (428 without it "
            + "or with *). A segment a campaign targets is kept (409) for the campaign's report")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such segment")
    @APIResponse(responseCode = "409", description = "A campaign targets the segment")
    @APIResponse(responseCode = "412", description = "If-Match does not match the current version")
    @APIResponse(responseCode = "428", description = "No If-Match, or If-Match: *; nothing written",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response delete(@Parameter(description = "The segment's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id, @HeaderParam("If-Match") String ifMatch) {
        java.util.UUID segment = Ids.parse("id", id);
        segments.delete(segment, ETags.required(ifMatch));
        return Response.noContent().build();
    }

    @GET
    @Path("{id}/preview")
    @RolesAllowed({Roles.ADMIN, Roles.OUTREACH, Roles.ANALYST})
    @Audited(resource = "segment-members", action = "preview")
    @Operation(operationId = "previewSegment",
            summary = "Preview a segment: how many consenting members, a few of them, and who was left out",
            description = CONSENT_RULE)
    @APIResponse(responseCode = "404", description = "No such segment")
    @APIResponse(responseCode = "409", description = "The filter needs an analytics run and none has succeeded")
    @APIResponse(responseCode = "422", description = "The tieTo neighbourhood is larger than the configured bound")
    public SegmentPreview preview(@Parameter(description = "The segment's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id,
                                  @Parameter(description = "EMAIL, SMS, PHONE, MAIL or IN_PERSON", required = true, schema = @Schema(implementation = Channel.class)) @QueryParam("channel") String channel) {
        return segments.preview(Ids.parse("id", id), channel(channel));
    }

    @POST
    @Path("preview")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.OUTREACH, Roles.ANALYST})
    @Audited(resource = "segment-members", action = "preview")
    @Operation(operationId = "previewSegmentDraft",
            summary = "Preview a filter without saving it: how many consenting members, a few, who was left out",
            description = "Validated like a save; nothing is written but the audit rows of the contacts shown. "
                    + CONSENT_RULE)
    @APIResponse(responseCode = "409", description = "The filter needs an analytics run and none has succeeded")
    @APIResponse(responseCode = "422", description = "The tieTo neighbourhood is larger than the configured bound")
    public SegmentPreview previewDraft(@NotNull @Valid SegmentDraft draft,
                                       @Parameter(description = "EMAIL, SMS, PHONE, MAIL or IN_PERSON", required = true, schema = @Schema(implementation = Channel.class)) @QueryParam("channel") String channel) {
        return segments.preview(draft, channel(channel));
    }

    @GET
    @Path("{id}/members")
    @RolesAllowed({Roles.ADMIN, Roles.OUTREACH, Roles.ANALYST})
    @Audited(resource = "segment-members", action = "list")
    @Operation(operationId = "listSegmentMembers",
            summary = "A segment's consenting members for a channel, by name, cursor paged", description = CONSENT_RULE
            + " Each member is shown in the caller's view of contacts and recorded in the audit trail.")
    @APIResponse(responseCode = "404", description = "No such segment")
    @APIResponse(responseCode = "409", description = "The filter needs an analytics run and none has succeeded")
    @APIResponse(responseCode = "422", description = "The tieTo neighbourhood is larger than the configured bound")
    public SegmentMembers members(@Parameter(description = "The segment's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id,
                                  @Parameter(description = "EMAIL, SMS, PHONE, MAIL or IN_PERSON", required = true, schema = @Schema(implementation = Channel.class)) @QueryParam("channel") String channel,
                                  @Parameter(description = "1 to 200, default 50", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "200")) @QueryParam("limit") String limit,
                                  @Parameter(description = "Cursor from the previous page") @QueryParam("cursor") String next) {
        return segments.members(Ids.parse("id", id), channel(channel), next, QueryParams.limit(limit, 50, MAX_LIMIT));
    }

    @GET
    @Path("{id}/export")
    @Produces(SegmentCsv.MEDIA_TYPE)
    @RolesAllowed({Roles.ADMIN, Roles.OUTREACH, Roles.ANALYST})
    @Audited(resource = "segment-members", action = "export")
    @Operation(operationId = "exportSegment",
            summary = "Download a segment's consenting members for a channel as CSV", description = CONSENT_RULE
            + " Columns: id, kind, displayName, email, phone, postalCode, city, languages, tags (lists joined with |), "
            + "consent (the channel's status), doNotContact; fields outside the caller's view are empty. Headers "
            + "Segment-Excluded-Do-Not-Contact, Segment-Excluded-Denied and Segment-Excluded-Unknown count who was left "
            + "out. One audit row per member; at most circles.outreach.segments.max-export rows (422 beyond).")
    @APIResponse(responseCode = "200", description = "The members", content = @Content(mediaType = SegmentCsv.MEDIA_TYPE,
            schema = @Schema(type = SchemaType.STRING)), headers = {@Header(name = "Content-Disposition", ref = "Content-Disposition"),
            @Header(name = "Segment-Members", ref = "Segment-Members"),
            @Header(name = "Segment-Excluded-Do-Not-Contact", ref = "Segment-Excluded-Do-Not-Contact"),
            @Header(name = "Segment-Excluded-Denied", ref = "Segment-Excluded-Denied"),
            @Header(name = "Segment-Excluded-Unknown", ref = "Segment-Excluded-Unknown")})
    @APIResponse(responseCode = "404", description = "No such segment")
    @APIResponse(responseCode = "422", description = "More members than an export holds")
    public Response export(@Parameter(description = "The segment's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id,
                           @Parameter(description = "EMAIL, SMS, PHONE, MAIL or IN_PERSON", required = true, schema = @Schema(implementation = Channel.class)) @QueryParam("channel") String channel) {
        java.util.UUID segment = Ids.parse("id", id);
        Channel chosen = channel(channel);
        SegmentMembers members = segments.export(segment, chosen);
        return Response.ok(members, SegmentCsv.MEDIA_TYPE + "; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"segment-" + segment + "-"
                        + chosen.name().toLowerCase(java.util.Locale.ROOT) + ".csv\"")
                .header("Segment-Members", members.total())
                .header("Segment-Excluded-Do-Not-Contact", members.excluded().doNotContact())
                .header("Segment-Excluded-Denied", members.excluded().denied())
                .header("Segment-Excluded-Unknown", members.excluded().unknown())
                .build();
    }

    static Channel channel(String value) {
        Channel channel = QueryParams.enumValue("channel", value, Channel.class);
        if (channel == null) {
            throw InvalidInput.field("channel", "is required: one of EMAIL, SMS, PHONE, MAIL, IN_PERSON");
        }
        return channel;
    }
}
