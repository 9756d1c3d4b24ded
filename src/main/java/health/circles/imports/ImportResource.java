package health.circles.imports;

import health.circles.idempotency.IdempotencyFilter;
import health.circles.idempotency.IdempotentRequests;
import health.circles.security.Audited;
import health.circles.security.RateLimited;
import health.circles.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import health.circles.web.Cursor;
import health.circles.web.Ids;
import health.circles.web.Page;
import health.circles.web.Problem;
import health.circles.web.QueryParams;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/** Bulk imports of contacts, ties and touchpoints as background jobs. */
@Path("/api/v1/imports")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Imports", description = "Bulk NDJSON or CSV imports of contacts, ties and touchpoints, linked by external ids")
@APIResponse(responseCode = "400", description = "Bad Request",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class ImportResource {

    static final String NDJSON = "application/x-ndjson";
    /** FHIR R4 resources, one per line (the FHIR bulk data format). */
    static final String FHIR_NDJSON = "application/fhir+ndjson";

    private final ImportService imports;
    private final IdempotentRequests idempotent;

    ImportResource(ImportService imports, IdempotentRequests idempotent) {
        this.imports = imports;
        this.idempotent = idempotent;
    }

    @POST
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Audited(resource = "import", action = "create", when = Audited.When.BEFORE_WORK)
    @RateLimited(name = "imports", permits = 60, per = "PT1H")
    @APIResponse(responseCode = "429", description = "Over the caller's rate limit; Retry-After says when to retry",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Consumes({NDJSON, "text/csv", FHIR_NDJSON})
    @Operation(operationId = "startImport", summary = "Start an import",
            description = "NDJSON (application/x-ndjson): one JSON object per line with \"record\": contact, tie or "
                    + "touchpoint. CSV (text/csv): a header row; ?type= gives the record type of every row, or a "
                    + "'record' column gives it per row. Contacts are matched by externalId (required), ties by "
                    + "externalId with from/to naming contacts' externalIds, touchpoints by externalId with "
                    + "participants naming contacts' externalIds. Re-running a file changes nothing that is the same. "
                    + "FHIR (application/fhir+ndjson): one FHIR R4 resource per line (Patient, Practitioner, "
                    + "RelatedPerson, Organization, PractitionerRole, CareTeam, Group, Consent), mapped as POST "
                    + "/fhir/{type} maps it (docs/fhir.md).")
    @RequestBody(required = true, content = {
            @Content(mediaType = NDJSON, schema = @Schema(type = SchemaType.STRING),
                    examples = @ExampleObject(name = "a contact and a tie", value = """
                            {"record": "contact", "externalId": "EHR-000123", "kind": "PATIENT", "givenName": "Ana", "familyName": "Example"}
                            {"record": "tie", "externalId": "CRM-T-4411", "from": "EHR-000123", "to": "EHR-000124", "type": "CARES_FOR"}
                            """)),
            @Content(mediaType = "text/csv", schema = @Schema(type = SchemaType.STRING),
                    examples = @ExampleObject(name = "contacts (?type=contact)", value = """
                            externalId,kind,givenName,familyName,postalCode
                            EHR-000123,PATIENT,Ana,Example,02139
                            """)),
            @Content(mediaType = FHIR_NDJSON, schema = @Schema(type = SchemaType.STRING),
                    examples = @ExampleObject(name = "a patient", value = """
                            {"resourceType": "Patient", "identifier": [{"system": "urn:oid:1.2.36.146.595.217.0.1", "value": "MRN-1"}], "name": [{"family": "Example", "given": ["Ana"]}]}
                            """))})
    @APIResponse(responseCode = "202", description = "Queued; follow Location for progress", headers = @Header(name = "Location", ref = "Location"),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ImportJobView.class)))
    @APIResponse(responseCode = "413", description = "Larger than circles.imports.max-size")
    @APIResponse(responseCode = "415", description = "Neither NDJSON, CSV nor FHIR NDJSON")
    public Response start(InputStream body,
                          @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                          @Parameter(description = "CSV only: contact, tie or touchpoint", schema = @Schema(type = SchemaType.STRING, enumeration = {"contact", "tie", "touchpoint"})) @QueryParam("type") String type,
                          @Parameter(description = "Rows per transaction, 1..50000 (default circles.imports.batch-size)",
                                  schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "50000"))
                          @QueryParam("batchSize") String batchSize,
                          @Parameter(description = "Makes a retried upload safe: the same key and file within 24 h "
                                  + "answer the first job again (Idempotent-Replayed: true) instead of queueing a "
                                  + "second one; the same key with another file is a 422")
                          @HeaderParam(IdempotencyFilter.HEADER) String idempotencyKey,
                          @Context UriInfo uri) {
        String media = contentType == null ? "" : contentType.toLowerCase(java.util.Locale.ROOT);
        ImportFormat format = media.startsWith("text/csv") ? ImportFormat.CSV
                : media.startsWith(FHIR_NDJSON) ? ImportFormat.FHIR_NDJSON : ImportFormat.NDJSON;
        ImportService.Upload upload = imports.receive(body, format, type == null || type.isBlank() ? null : type.strip(),
                batchSize == null || batchSize.isBlank() ? null : QueryParams.wholeNumber("batchSize", batchSize, 1,
                        50_000, 0));
        if (idempotencyKey == null) {
            return accepted(imports.queue(upload), uri);
        }
        // The file is hashed as it streams to disk, then the key is checked: the filter that guards the JSON POSTs
        // would hold a whole import file in memory to hash it.
        IdempotentRequests.Start start;
        try {
            start = idempotent.start(idempotencyKey, IdempotencyFilter.target(uri.getRequestUri()), upload.sha256(),
                    uri.getPath());
        } catch (RuntimeException e) {
            imports.discard(upload);
            throw e;
        }
        if (start instanceof IdempotentRequests.Answered answered) {
            imports.discard(upload);
            return answered.response();
        }
        IdempotentRequests.Claimed claim = (IdempotentRequests.Claimed) start;
        try {
            Response answer = accepted(imports.queue(upload), uri);
            idempotent.finish(claim, answer.getStatus(), answer.getHeaderString(HttpHeaders.LOCATION), null,
                    MediaType.APPLICATION_JSON_TYPE, answer.getEntity());
            return answer;
        } catch (RuntimeException e) {
            idempotent.release(claim);
            throw e;
        }
    }

    private static Response accepted(ImportJobView job, UriInfo uri) {
        return Response.accepted(job).location(uri.getAbsolutePathBuilder().path(job.id().toString()).build()).build();
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Audited(resource = "import", action = "read")
    @Path("{id}")
    @Operation(operationId = "getImport", summary = "An import's state, percent done and counts")
    @APIResponse(responseCode = "404", description = "No such import")
    public ImportJobView get(@Parameter(description = "The import's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id) {
        return imports.get(Ids.parse("id", id));
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Audited(resource = "import-errors", action = "list")
    @Path("{id}/errors")
    @Operation(operationId = "listImportErrors",
            summary = "The rows an import rejected, by row number, with the field and reason")
    @APIResponse(responseCode = "404", description = "No such import")
    public Page<RowError> errors(@Parameter(description = "The import's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id,
                                 @Parameter(description = "1 to 500, default 100") @QueryParam("limit") String limit,
                                 @QueryParam("cursor") String next) {
        return imports.errors(Ids.parse("id", id), Cursor.decode(next), QueryParams.limit(limit, 100, 500));
    }

    @POST
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Audited(resource = "import", action = "cancel")
    @Path("{id}/cancel")
    @Operation(operationId = "cancelImport",
            summary = "Stop an import after its current batch", description = "What was committed stays; resume goes on")
    @APIResponse(responseCode = "409", description = "The import already ended")
    public ImportJobView cancel(@Parameter(description = "The import's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id) {
        return imports.cancel(Ids.parse("id", id));
    }

    @POST
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Audited(resource = "import", action = "resume", when = Audited.When.BEFORE_WORK)
    @Path("{id}/resume")
    @Operation(operationId = "resumeImport",
            summary = "Resume a failed, cancelled or orphaned import from its last committed batch")
    @APIResponse(responseCode = "409", description = "The import is running, succeeded, or its file is gone")
    public ImportJobView resume(@Parameter(description = "The import's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id) {
        return imports.resume(Ids.parse("id", id));
    }
}
