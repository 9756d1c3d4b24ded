package health.circles.contact;

import com.fasterxml.jackson.core.JsonProcessingException;
import health.circles.failure.InvalidInput;
import health.circles.web.Idempotent;
import health.circles.web.Cursor;
import health.circles.web.ETags;
import health.circles.web.Ids;
import health.circles.web.Page;
import health.circles.web.Problem;
import health.circles.web.QueryParams;
import health.circles.security.AuditNotes;
import health.circles.security.Audited;
import health.circles.security.RateLimited;
import health.circles.security.Roles;
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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Contacts over HTTP: validation, ETags and paging; everything else is the service's. */
@Path("/api/v1/contacts")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Contacts", description = "Patients, caregivers, clinicians, community leaders and organisations")
@APIResponse(responseCode = "400", description = "Bad Request",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class ContactResource {

    static final int MAX_LIMIT = 200;
    private static final int MAX_WORDS = 8;

    private final ContactService contacts;
    private final AuditNotes auditNotes;

    ContactResource(ContactService contacts, AuditNotes auditNotes) {
        this.contacts = contacts;
        this.auditNotes = auditNotes;
    }

    @Idempotent
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.INTEGRATION})
    @Audited(resource = "contact", action = "create")
    @Operation(operationId = "createContact", summary = "Create a contact")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ContactInput.class),
            examples = @ExampleObject(name = "patient", value = ContactExamples.NEW_PATIENT)))
    @APIResponse(responseCode = "201", description = "Created; Location names the new contact, ETag its version",
            headers = {@Header(name = "Location", ref = "Location"), @Header(name = "ETag", ref = "ETag")},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ContactView.class),
                    examples = @ExampleObject(name = "patient", value = ContactExamples.PATIENT)))
    @APIResponse(responseCode = "409", description = "externalId already used by another contact, or it belonged to a "
            + "contact erased on request (type erased-external-id)")
    public Response create(@NotNull @Valid ContactInput body, @Context UriInfo uri) {
        ContactService.Written written = contacts.create(body);
        return Response.created(uri.getAbsolutePathBuilder().path(written.contact().id().toString()).build())
                .header(HttpHeaders.ETAG, ETags.of(written.contact().version()))
                .entity(written.contact())
                .build();
    }

    @GET
    @Path("{id}")
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.OUTREACH, Roles.ANALYST, Roles.INTEGRATION})
    @Audited(resource = "contact", action = "read", contactParam = "id")
    @Operation(operationId = "getContact",
            summary = "Read a contact", description = "The ETag header carries the version for If-Match")
    @APIResponse(responseCode = "200", description = "The contact, as the caller's role may see it",
            headers = @Header(name = "ETag", ref = "ETag"),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ContactView.class),
                    examples = @ExampleObject(name = "patient", value = ContactExamples.PATIENT)))
    @APIResponse(responseCode = "404", description = "No such contact")
    public Response get(@Parameter(description = "The contact's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id) {
        ContactView contact = contacts.get(Ids.parse("id", id));
        return Response.ok(contact).header(HttpHeaders.ETAG, ETags.of(contact.version())).build();
    }

    @PUT
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.INTEGRATION})
    @Audited(resource = "contact", action = "update", contactParam = "id")
    @Operation(operationId = "replaceContact", summary = "Replace a contact", description = """
            Replaces the writable fields; If-Match with the ETag read is required. The body GET returned is accepted as \
            it is: id, when given, must be the id in the path (400); version, when given, must be the current version \
            like If-Match (412); displayName, createdAt and updatedAt are ignored. Consent changes only for the \
            channels the body names (an answer equal to the current one changes nothing) and doNotContact only when \
            it is true or false; an opt-out is lifted only by a later GRANTED that names its source and when it was \
            given (409 opt-out-in-force otherwise). externalId left out keeps the stored one; null removes it. \
            Unknown fields are refused.""")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ContactReplacement.class)))
    @APIResponse(responseCode = "200", description = "Changed; ETag carries the new version",
            headers = @Header(name = "ETag", ref = "ETag"),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ContactView.class)))
    @APIResponse(responseCode = "409", description = "The change would lift an opt-out without an explicit grant "
            + "(opt-out-in-force), or externalId is taken")
    @APIResponse(responseCode = "412", description = "If-Match (or version in the body) is not the current version")
    @APIResponse(responseCode = "428", description = "No If-Match, or If-Match: *; nothing written",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response replace(@Parameter(description = "The contact's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id, @HeaderParam("If-Match") String ifMatch, JsonNode body)
            throws JsonProcessingException {
        UUID contact = Ids.parse("id", id);
        long expected = ETags.required(ifMatch);
        ContactService.Written written = contacts.replace(contact, expected, body);
        return Response.ok(written.contact()).header(HttpHeaders.ETAG, ETags.of(written.contact().version())).build();
    }

    @PATCH
    @Path("{id}")
    @Consumes({ContactPatch.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.INTEGRATION})
    @Audited(resource = "contact", action = "update", contactParam = "id")
    @Operation(operationId = "patchContact",
            summary = "Change some fields of a contact (JSON merge patch, RFC 7396)", description = """
            null removes a field; the result is validated like a PUT; If-Match with the ETag read is required. Each \
            consent channel the patch names is a new answer taken as written (null: UNKNOWN), not merged with the \
            previous answer; channels it leaves out keep theirs, and doNotContact changes only when the patch gives \
            true or false. An opt-out is lifted only by a later GRANTED that names its source and when it was given \
            (409 opt-out-in-force otherwise).""")
    @RequestBody(required = true, content = @Content(mediaType = ContactPatch.MEDIA_TYPE,
            schema = @Schema(implementation = ContactPatch.class),
            examples = @ExampleObject(name = "new phone, no email", value = ContactExamples.PATCH)))
    @APIResponse(responseCode = "200", description = "Changed; ETag carries the new version",
            headers = @Header(name = "ETag", ref = "ETag"),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ContactView.class)))
    @APIResponse(responseCode = "409", description = "The change would lift an opt-out without an explicit grant "
            + "(opt-out-in-force), or externalId is taken")
    @APIResponse(responseCode = "412", description = "If-Match does not match the current version")
    @APIResponse(responseCode = "428", description = "No If-Match, or If-Match: *; nothing written",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response patch(@Parameter(description = "The contact's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id, @HeaderParam("If-Match") String ifMatch,
                          String body) throws JsonProcessingException {
        UUID contact = Ids.parse("id", id);
        long expected = ETags.required(ifMatch);
        if (body == null || body.isBlank()) {
            throw new InvalidInput("malformed-json", "Bad Request", "the body is empty", List.of());
        }
        ContactService.Written written = contacts.patch(contact, expected, body);
        return Response.ok(written.contact()).header(HttpHeaders.ETAG, ETags.of(written.contact().version())).build();
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(Roles.ADMIN)
    @Audited(resource = "contact", action = "delete", contactParam = "id")
    @Operation(operationId = "deleteContact", summary = "Delete a contact",
            description = "Removes it from PostgreSQL now and from the graph through the outbox; If-Match with the ETag "
                    + "read is required. erase=true erases it instead (the same as POST /api/v1/contacts/{id}/erasure), "
                    + "which needs no If-Match: erasure does not depend on what the caller read, and repeats after the "
                    + "contact is gone")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "412", description = "If-Match does not match the current version")
    @APIResponse(responseCode = "428", description = "No If-Match, or If-Match: *, on a delete; nothing written",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response delete(@Parameter(description = "The contact's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id, @HeaderParam("If-Match") String ifMatch,
                           @Parameter(description = "true: erase the contact and all derived data, idempotently; "
                                   + "true or false, anything else is a 400", schema = @Schema(type = SchemaType.BOOLEAN))
                           @QueryParam("erase") String erase) {
        if (Boolean.TRUE.equals(QueryParams.bool("erase", erase))) {
            auditNotes.actedAs("erase"); // the trail tells an erasure from a delete by the action, as for POST …/erasure
            contacts.erase(Ids.parse("id", id));
        } else {
            UUID contact = Ids.parse("id", id);
            contacts.delete(contact, ETags.required(ifMatch));
        }
        return Response.noContent().build();
    }

    @GET
    @Path("{id}/consent")
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.OUTREACH, Roles.ANALYST, Roles.INTEGRATION})
    @Audited(resource = "consent", action = "read", contactParam = "id")
    @Operation(operationId = "getContactConsent",
            summary = "A contact's consent: the effective answer per channel and its history, newest first",
            description = "The effective answer of a channel (and of DO_NOT_CONTACT) is its newest entry by givenAt, "
                    + "then recordedAt. Everyone who may read the contact sees its consent; recordedBy and requestId "
                    + "only those who see its whole record")
    @APIResponse(responseCode = "404", description = "No such contact")
    public ConsentHistory consent(@Parameter(description = "The contact's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id,
                                  @Parameter(description = "1 to 200, default 50", schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.INTEGER, minimum = "1", maximum = "200")) @QueryParam("limit") String limit,
                                  @Parameter(description = "Cursor from the previous page") @QueryParam("cursor") String next) {
        return contacts.consentHistory(Ids.parse("id", id), Cursor.decode(next), QueryParams.limit(limit, 50, MAX_LIMIT));
    }

    @Idempotent
    @POST
    @Path("{id}/consent")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.INTEGRATION})
    @Audited(resource = "consent", action = "create", contactParam = "id")
    @Operation(operationId = "recordContactConsent", summary = "Record one consent answer", description = """
            The explicit way to change consent, and the only way to lift an opt-out: a GRANTED entry with its source \
            and givenAt later than the opt-out lifts it (for DO_NOT_CONTACT, GRANTED lifts do-not-contact). An entry \
            given before the answer in force is kept as history and changes nothing. The ledger is append-only and \
            ordered by givenAt, so no If-Match is needed. Clinicians: their own patients and themselves only.""")
    @APIResponse(responseCode = "201", description = "Recorded (outcome EFFECTIVE or HISTORY); ETag: the contact's version",
            headers = @Header(name = "ETag", ref = "ETag"),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ConsentChange.class)))
    @APIResponse(responseCode = "200", description = "The answer in force already (outcome REPEAT); nothing recorded",
            headers = @Header(name = "ETag", ref = "ETag"),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ConsentChange.class)))
    @APIResponse(responseCode = "404", description = "No such contact")
    @APIResponse(responseCode = "409", description = "It would lift an opt-out without being a later GRANTED "
            + "(opt-out-in-force)")
    public Response recordConsent(@Parameter(description = "The contact's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id, @NotNull @Valid ConsentEntryInput body) {
        ConsentChange change = contacts.recordConsent(Ids.parse("id", id), body);
        return Response.status(change.outcome() == ConsentLedger.Verdict.REPEAT ? 200 : 201)
                .header(HttpHeaders.ETAG, ETags.of(change.version())).entity(change).build();
    }

    @POST
    @Path("{id}/erasure")
    @RolesAllowed(Roles.ADMIN)
    @Audited(resource = "contact", action = "erase", contactParam = "id")
    @Operation(operationId = "eraseContact", summary = "Erase a contact (right to be forgotten)",
            description = "Removes the contact, its ties and its place in touchpoints from both stores (the graph through "
                    + "the outbox, so this works while Neo4j is down); keeps the audit trail, which holds ids only. "
                    + "Idempotent: erasing again answers 204 and changes nothing")
    @APIResponse(responseCode = "204", description = "Erased, now or before")
    @APIResponse(responseCode = "404", description = "No such contact, and none was ever erased under this id")
    public Response erase(@Parameter(description = "The contact's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id) {
        contacts.erase(Ids.parse("id", id));
        return Response.noContent().build();
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.CLINICIAN, Roles.OUTREACH, Roles.ANALYST, Roles.INTEGRATION})
    @Audited(resource = "contact", action = "list")
    @RateLimited(name = "contact-search", permits = 600, per = "PT1M")
    @APIResponse(responseCode = "429", description = "Over the caller's rate limit; Retry-After says when to retry",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Operation(operationId = "searchContacts", summary = "Search and list contacts",
            description = "q matches names, organisation, tags and specialties, tolerating typos; filters combine with "
                    + "AND. externalId is an exact lookup instead: 0 or 1 item, the other parameters are not applied")
    public Page<ContactView> search(
            @Parameter(description = "Exact externalId: the one contact holding it, if any")
            @QueryParam("externalId") String externalId,
            @Parameter(description = "Free text, e.g. 'Jhon Smiht'") @QueryParam("q") String q,
            @Parameter(description = "Contact kinds (repeatable)", schema = @Schema(type = SchemaType.ARRAY, implementation = ContactKind.class)) @QueryParam("kind") List<String> kinds,
            @QueryParam("tag") String tag,
            @QueryParam("postalCode") String postalCode,
            @Parameter(description = "BCP 47 tag, e.g. es") @QueryParam("language") String language,
            @Parameter(description = "CHANNEL:STATUS, e.g. EMAIL:GRANTED; repeatable: channels must all match, statuses of one channel are alternatives") @QueryParam("consent") List<String> consent,
            @Parameter(description = "Only contacts changed at or after this instant (ISO 8601, e.g. "
                    + "2026-11-01T00:00:00Z): what a client that synced then must fetch again")
            @QueryParam("updatedSince") String updatedSince,
            @Parameter(description = "relevance (default with q) or name", schema = @Schema(type = SchemaType.STRING, enumeration = {"relevance", "name"})) @QueryParam("sort") String sort,
            @Parameter(description = "1 to 200, default 50", schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.INTEGER, minimum = "1", maximum = "200")) @QueryParam("limit") String limit,
            @Parameter(description = "Cursor from the previous page") @QueryParam("cursor") String next) {
        String external = QueryParams.text("externalId", externalId, 100);
        if (external != null && !external.isBlank()) {
            return contacts.byExternalId(external);
        }
        String text = QueryParams.text("q", q, 200);
        List<String> words = words(text);
        ContactQuery.Sort order = QueryParams.enumValue("sort", sort, ContactQuery.Sort.class);
        if (order == null) {
            order = words.isEmpty() ? ContactQuery.Sort.NAME : ContactQuery.Sort.RELEVANCE;
        }
        List<ContactKind> kindFilter = new ArrayList<>();
        for (String k : kinds == null ? List.<String>of() : kinds) {
            for (String part : k.split(",")) {
                ContactKind kind = QueryParams.enumValue("kind", part, ContactKind.class);
                if (kind != null) {
                    kindFilter.add(kind);
                }
            }
        }
        ContactQuery query = new ContactQuery(words, text, kindFilter,
                lower(QueryParams.text("tag", tag, 50)),
                upper(QueryParams.text("postalCode", postalCode, 11)),
                QueryParams.text("language", language, 20),
                consentFilter(consent), QueryParams.instant("updatedSince", updatedSince), order,
                QueryParams.limit(limit, 50, MAX_LIMIT), Cursor.decode(next));
        return contacts.search(query);
    }

    /** Lower-cased, accent-free words of the query: the same normalisation the search index applies. */
    static List<String> words(String text) {
        if (text == null) {
            return List.of();
        }
        String plain = Normalizer.normalize(text, Normalizer.Form.NFD).replaceAll("\\p{M}+", "").toLowerCase(Locale.ROOT);
        List<String> words = Arrays.stream(plain.split("[^\\p{L}\\p{N}]+"))
                .filter(w -> !w.isEmpty())
                .map(w -> w.length() > 50 ? w.substring(0, 50) : w)
                .distinct()
                .toList();
        if (words.isEmpty()) {
            throw InvalidInput.field("q", "must contain a letter or a digit");
        }
        if (words.size() > MAX_WORDS) {
            throw InvalidInput.field("q", "must have at most " + MAX_WORDS + " words");
        }
        return words;
    }

    private static Map<Channel, Set<ConsentStatus>> consentFilter(List<String> values) {
        Map<Channel, Set<ConsentStatus>> filter = new EnumMap<>(Channel.class);
        for (String value : values == null ? List.<String>of() : values) {
            String[] parts = value.split(":", -1);
            if (parts.length != 2) {
                throw InvalidInput.field("consent", "must be CHANNEL:STATUS, e.g. EMAIL:GRANTED");
            }
            Channel channel = QueryParams.enumValue("consent", parts[0], Channel.class);
            ConsentStatus status = QueryParams.enumValue("consent", parts[1], ConsentStatus.class);
            if (channel == null || status == null) {
                throw InvalidInput.field("consent", "must be CHANNEL:STATUS, e.g. EMAIL:GRANTED");
            }
            filter.computeIfAbsent(channel, c -> EnumSet.noneOf(ConsentStatus.class)).add(status);
        }
        return filter;
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    private static String upper(String s) {
        return s == null ? null : s.toUpperCase(Locale.ROOT);
    }
}
