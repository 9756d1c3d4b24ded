package health.circles.group;

import com.fasterxml.jackson.core.JsonProcessingException;
import health.circles.failure.InvalidInput;
import health.circles.security.Audited;
import health.circles.security.Roles;
import health.circles.web.Cursor;
import health.circles.web.ETags;
import health.circles.web.Idempotent;
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
import jakarta.ws.rs.PATCH;
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
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Groups and their members over HTTP: validation, ETags and paging; the rules are the service's. */
@Path("/api/v1/groups")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Groups", description = "Households, care teams, congregations, clinic panels and support groups")
@APIResponse(responseCode = "400", description = "Bad Request",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class GroupResource {

    /** The Graph-Position header: the outbox position a graph question waits for to see this write. */
    static final String POSITION_HEADER = "Graph-Position";

    private final GroupService groups;

    GroupResource(GroupService groups) {
        this.groups = groups;
    }

    @Idempotent
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.INTEGRATION})
    @Audited(resource = "group", action = "create")
    @Operation(operationId = "createGroup", summary = "Create a group, optionally with its first members",
            description = """
            A group grants nothing: being in a patient's care team shows no one the patient's record. Clinicians add \
            only contacts whose record they see whole (their patients and themselves). Each member's role must be \
            one of the kind's codes and fit the contact (a care team's physician is a PHYSICIAN).""")
    @APIResponse(responseCode = "201", description = "Created; Location names the group, ETag its version",
            content = @Content(schema = @Schema(implementation = GroupView.class)))
    @APIResponse(responseCode = "404", description = "A clinician naming a member whose record they do not see whole",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "externalId is taken (duplicate-external-id)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "Unknown contact, a managing organisation that is not one, or a "
            + "role that does not fit", content = @Content(mediaType = Problem.MEDIA_TYPE,
            schema = @Schema(implementation = Problem.class)))
    public Response create(@NotNull @Valid GroupInput body, @Context UriInfo uri) {
        GroupService.Written written = groups.create(body);
        return Response.created(uri.getAbsolutePathBuilder().path(written.group().id().toString()).build())
                .header(HttpHeaders.ETAG, ETags.of(written.group().version()))
                .header(POSITION_HEADER, written.position()).entity(written.group()).build();
    }

    @GET
    @Path("{id}")
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.OUTREACH, Roles.ANALYST, Roles.INTEGRATION})
    @Audited(resource = "group", action = "read")
    @Operation(operationId = "getGroup", summary = "Read a group", description = "The ETag carries the version")
    @APIResponse(responseCode = "200", description = "The group")
    @APIResponse(responseCode = "404", description = "No such group",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response get(@Parameter(description = "The group's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id) {
        GroupView group = groups.get(Ids.parse("id", id));
        return Response.ok(group).header(HttpHeaders.ETAG, ETags.of(group.version())).build();
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.OUTREACH, Roles.ANALYST, Roles.INTEGRATION})
    @Audited(resource = "group", action = "list")
    @Operation(operationId = "listGroups", summary = "List groups", description = "Filters combine with AND. "
            + "externalId is an exact lookup instead: 0 or 1 item, the other parameters are not applied")
    @APIResponse(responseCode = "200", description = "A page of groups, by id")
    public Page<GroupView> list(
            @Parameter(description = "HOUSEHOLD, CARE_TEAM, CONGREGATION, CLINIC_PANEL, SUPPORT_GROUP or OTHER",
                    schema = @Schema(implementation = GroupKind.class))
            @QueryParam("kind") String kind,
            @Parameter(description = "Part of the name, any case") @QueryParam("q") String q,
            @Parameter(description = "Only groups this contact belongs to now") @QueryParam("memberId") String memberId,
            @Parameter(description = "Exact externalId: the one group holding it, if any")
            @QueryParam("externalId") String externalId,
            @Parameter(description = "Only groups changed at or after this instant (ISO 8601)")
            @QueryParam("updatedSince") String updatedSince,
            @Parameter(description = "1 to 200, default 50") @QueryParam("limit") String limit,
            @Parameter(description = "Cursor from the previous page") @QueryParam("cursor") String cursor) {
        String external = QueryParams.text("externalId", externalId, 100);
        if (external != null) {
            return groups.byExternalId(external);
        }
        return groups.list(QueryParams.enumValue("kind", kind, GroupKind.class), QueryParams.text("q", q, 200),
                memberId == null || memberId.isBlank() ? null : Ids.parse("memberId", memberId.strip()),
                QueryParams.instant("updatedSince", updatedSince), Cursor.decode(cursor),
                QueryParams.limit(limit, 50, 200));
    }

    @PATCH
    @Path("{id}")
    @Consumes({"application/merge-patch+json", MediaType.APPLICATION_JSON})
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.INTEGRATION})
    @Audited(resource = "group", action = "update")
    @Operation(operationId = "patchGroup", summary = "Change some fields of a group (JSON merge patch, RFC 7396)",
            description = "kind, name, description, externalId, managingOrganization; null removes an optional field. "
                    + "If-Match with the ETag read is required. The kind is fixed once the group has had members. "
                    + "Clinicians: groups with a current member whose record they see whole, or none")
    @RequestBody(required = true, content = @Content(mediaType = "application/merge-patch+json",
            schema = @Schema(implementation = GroupInput.class)))
    @APIResponse(responseCode = "200", description = "Changed; ETag the new version")
    @APIResponse(responseCode = "404", description = "No such group",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "externalId taken, or a kind change of a group with members",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "412", description = "If-Match is not the current version",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "A managing organisation that is unknown or not one",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "428", description = "No If-Match, or If-Match: *; nothing written",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response patch(@Parameter(description = "The group's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id, @HeaderParam("If-Match") String ifMatch, String body)
            throws JsonProcessingException {
        UUID group = Ids.parse("id", id);
        long expected = ETags.required(ifMatch);
        if (body == null || body.isBlank()) {
            throw new InvalidInput("malformed-json", "Bad Request", "the body is empty", List.of());
        }
        GroupService.Written written = groups.patch(group, expected, body);
        return Response.ok(written.group()).header(HttpHeaders.ETAG, ETags.of(written.group().version()))
                .header(POSITION_HEADER, written.position()).build();
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Audited(resource = "group", action = "delete")
    @Operation(operationId = "deleteGroup", summary = "Delete a group with its memberships, history included",
            description = "From PostgreSQL now and from the graph through the outbox. The members stay; segments "
                    + "that named the group match nobody through it from then on. Prefer ending memberships to keep "
                    + "history. If-Match with the ETag read is required")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such group",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "412", description = "If-Match is not the current version",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "428", description = "No If-Match, or If-Match: *; nothing written",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response delete(@Parameter(description = "The group's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id, @HeaderParam("If-Match") String ifMatch) {
        UUID group = Ids.parse("id", id);
        long position = groups.delete(group, ETags.required(ifMatch));
        return Response.noContent().header(POSITION_HEADER, position).build();
    }

    @GET
    @Path("{id}/members")
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.OUTREACH, Roles.ANALYST, Roles.INTEGRATION})
    @Audited(resource = "group-member", action = "list")
    @Operation(operationId = "listGroupMembers", summary = "A group's members, current and past",
            description = "Each member's contact is shown as the caller may see it (the limited view unless they see "
                    + "it whole); erased members are anonymous ended places. One audit row per membership shown")
    @APIResponse(responseCode = "200", description = "A page of memberships, by id")
    @APIResponse(responseCode = "404", description = "No such group",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Page<MemberView> members(@Parameter(description = "The group's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id,
                                    @Parameter(description = "true: current members; false: ended ones; absent: all")
                                    @QueryParam("active") String active,
                                    @Parameter(description = "1 to 200, default 50") @QueryParam("limit") String limit,
                                    @Parameter(description = "Cursor from the previous page") @QueryParam("cursor") String cursor) {
        return groups.members(Ids.parse("id", id), active(active), Cursor.decode(cursor),
                QueryParams.limit(limit, 50, 200));
    }

    @Idempotent
    @POST
    @Path("{id}/members")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.INTEGRATION})
    @Audited(resource = "group-member", action = "create")
    @Operation(operationId = "addGroupMember", summary = "Add a member to a group",
            description = "Clinicians: contacts whose record they see whole only. A contact holds one open membership "
                    + "per group; a change of role is an update")
    @APIResponse(responseCode = "201", description = "Added; Location names the membership, ETag its version",
            content = @Content(schema = @Schema(implementation = MemberView.class)))
    @APIResponse(responseCode = "404", description = "No such group (or, for a clinician, a contact not seen whole)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The contact is already an open member (duplicate-membership)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "Unknown contact, or a role that does not fit",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response addMember(@Parameter(description = "The group's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id, @NotNull @Valid MemberInput body, @Context UriInfo uri) {
        GroupService.WrittenMember written = groups.addMember(Ids.parse("id", id), body);
        return Response.created(uri.getAbsolutePathBuilder().path(written.member().id().toString()).build())
                .header(HttpHeaders.ETAG, ETags.of(written.member().version()))
                .header(POSITION_HEADER, written.position()).entity(written.member()).build();
    }

    @GET
    @Path("{id}/members/{memberId}")
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.OUTREACH, Roles.ANALYST, Roles.INTEGRATION})
    @Audited(resource = "group-member", action = "read", idParam = "memberId")
    @Operation(operationId = "getGroupMember", summary = "Read a membership", description = "ETag: its version")
    @APIResponse(responseCode = "200", description = "The membership")
    @APIResponse(responseCode = "404", description = "No such group or membership",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response member(@Parameter(description = "The group's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id, @Parameter(description = "The membership's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("memberId") String memberId) {
        MemberView member = groups.member(Ids.parse("id", id), Ids.parse("memberId", memberId));
        return Response.ok(member).header(HttpHeaders.ETAG, ETags.of(member.version())).build();
    }

    @PUT
    @Path("{id}/members/{memberId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.INTEGRATION})
    @Audited(resource = "group-member", action = "update", idParam = "memberId")
    @Operation(operationId = "changeGroupMember", summary = "Change a membership's role and dates",
            description = "Replaces role, since and until; If-Match with the membership's ETag is required")
    @APIResponse(responseCode = "200", description = "Changed; ETag the new version")
    @APIResponse(responseCode = "404", description = "No such group or membership",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "Reopening would duplicate an open membership, or the member "
            + "was erased", content = @Content(mediaType = Problem.MEDIA_TYPE,
            schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "412", description = "If-Match is not the current version",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "A role that does not fit",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "428", description = "No If-Match, or If-Match: *; nothing written",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response changeMember(@Parameter(description = "The group's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id, @Parameter(description = "The membership's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("memberId") String memberId,
                                 @HeaderParam("If-Match") String ifMatch, @NotNull @Valid MemberChange body) {
        UUID group = Ids.parse("id", id);
        UUID member = Ids.parse("memberId", memberId);
        GroupService.WrittenMember written = groups.changeMember(group, member, ETags.required(ifMatch), body);
        return memberAnswer(written);
    }

    @POST
    @Path("{id}/members/{memberId}/end")
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.INTEGRATION})
    @Audited(resource = "group-member", action = "end", idParam = "memberId")
    @Operation(operationId = "endGroupMember", summary = "End a membership",
            description = "Sets until (today by default); the membership stays in the group's history. If-Match "
                    + "optional")
    @APIResponse(responseCode = "200", description = "Ended")
    @APIResponse(responseCode = "404", description = "No such group or membership",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The member was erased",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "412", description = "If-Match is not the current version",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response endMember(@Parameter(description = "The group's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id, @Parameter(description = "The membership's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("memberId") String memberId,
                              @HeaderParam("If-Match") String ifMatch,
                              @Parameter(description = "ISO date, default today") @QueryParam("until") String until) {
        UUID group = Ids.parse("id", id);
        UUID member = Ids.parse("memberId", memberId);
        return memberAnswer(groups.endMember(group, member, ETags.expected(ifMatch), QueryParams.date("until", until)));
    }

    private static Response memberAnswer(GroupService.WrittenMember written) {
        return Response.ok(written.member()).header(HttpHeaders.ETAG, ETags.of(written.member().version()))
                .header(POSITION_HEADER, written.position()).build();
    }

    /** "true" or "false", any case; absent means no filter. */
    static Boolean active(String value) {
        return QueryParams.bool("active", value);
    }
}
