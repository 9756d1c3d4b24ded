package health.circles.fhir;

import health.circles.security.Audited;
import health.circles.security.Roles;
import health.circles.web.ApiProblem;
import health.circles.web.Ids;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * The FHIR R4 endpoint: FHIR JSON in and out (docs/fhir.md). Errors are OperationOutcomes ({@link FhirProblems});
 * roles, audit rows and minimum-necessary views are the REST API's.
 */
@Path("/fhir")
@Produces(FhirBodies.FHIR_JSON)
@Tag(name = "FHIR", description = "FHIR R4: Patient, Practitioner, RelatedPerson, PractitionerRole, Organization, "
        + "CareTeam, Group and Consent in (transaction and batch Bundles, single resources), and read back")
@APIResponse(responseCode = "400", description = "Bad input: an OperationOutcome naming each element at fault",
        content = @Content(mediaType = FhirBodies.FHIR_JSON, schema = @Schema(type =
                org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT, description = "OperationOutcome")))
@APIResponse(responseCode = "401", description = "No valid bearer token (OperationOutcome)")
@APIResponse(responseCode = "403", description = "The role may not use FHIR (OperationOutcome)")
public class FhirResource {

    private final FhirService fhir;
    private final FhirOut out;

    FhirResource(FhirService fhir, FhirOut out) {
        this.fhir = fhir;
        this.out = out;
    }

    @GET
    @Path("metadata")
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Operation(operationId = "fhirCapabilities", summary = "FHIR CapabilityStatement",
            description = "What this endpoint supports, exactly: resources, interactions, search parameters (FHIR 4.0.1)")
    @APIResponse(responseCode = "200", description = "The CapabilityStatement",
            content = @Content(mediaType = FhirBodies.FHIR_JSON))
    public IBaseResource metadata(@Context UriInfo uri) {
        return out.capabilities(uri.getBaseUri().resolve("fhir").toString());
    }

    @POST
    @Consumes({FhirBodies.FHIR_JSON, MediaType.APPLICATION_JSON})
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Audited(resource = "fhir", action = "transaction")
    @Operation(operationId = "fhirBundle", summary = "Apply a transaction or batch Bundle", description = """
            A transaction is all or nothing: the first refused entry refuses the Bundle (an OperationOutcome naming \
            Bundle.entry[n]) and nothing is written. A batch applies each entry on its own; a refused entry carries \
            its status and OperationOutcome in the batch-response. Resources are matched by identifier (system and \
            value), so sending a Bundle again changes nothing.""")
    @RequestBody(required = true, content = @Content(mediaType = FhirBodies.FHIR_JSON,
            schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT,
                    description = "Bundle of type transaction or batch")))
    @APIResponse(responseCode = "200", description = "transaction-response or batch-response Bundle, an entry per "
            + "request entry with status, location and etag", content = @Content(mediaType = FhirBodies.FHIR_JSON))
    @APIResponse(responseCode = "409", description = "An identifier is held by another contact, or belonged to an "
            + "erased one")
    @APIResponse(responseCode = "413", description = "More entries than a Bundle may hold here, or a body over the limit")
    @APIResponse(responseCode = "422", description = "An entry names a resource that does not exist or does not fit")
    public FhirAnswer bundle(IBaseResource body) {
        if (!(body instanceof Bundle bundle)) {
            throw ApiProblem.invalidField("resourceType", "must be Bundle (transaction or batch) here; post single "
                    + "resources to /fhir/{type}");
        }
        return fhir.bundle(bundle);
    }

    @POST
    @Path("{type}")
    @Consumes({FhirBodies.FHIR_JSON, MediaType.APPLICATION_JSON})
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Audited(resource = "fhir", action = "create")
    @Operation(operationId = "fhirCreate", summary = "Create or update one resource (conditional on its identifiers)",
            description = "Patient, Practitioner, RelatedPerson, Organization, PractitionerRole, CareTeam, Group or "
                    + "Consent. "
                    + "201 with Location when a record was created, 200 when the resource matched one by identifier.")
    @RequestBody(required = true, content = @Content(mediaType = FhirBodies.FHIR_JSON,
            schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT,
                    description = "A FHIR R4 resource of the type in the path")))
    @APIResponse(responseCode = "201", description = "Created; Location names it. An informational OperationOutcome")
    @APIResponse(responseCode = "200", description = "Matched by identifier and brought up to date (or unchanged)")
    @APIResponse(responseCode = "404", description = "Not a resource type this endpoint takes")
    @APIResponse(responseCode = "409", description = "An identifier is held by another contact, or belonged to an "
            + "erased one")
    @APIResponse(responseCode = "422", description = "A reference names a resource that does not exist or does not fit")
    public Response create(@Parameter(description = "Patient, Practitioner, RelatedPerson, Organization, "
            + "PractitionerRole, CareTeam, Group or Consent") @PathParam("type") String type, IBaseResource body,
                           @Context UriInfo uri) {
        if (!FhirService.WRITABLE.contains(type)) {
            throw ApiProblem.notFound("FHIR resource type (this endpoint takes " + String.join(", ",
                    FhirService.WRITABLE) + ")", Texts.clip(type, 60));
        }
        FhirService.Applied applied = fhir.single(type, body);
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                .setCode(OperationOutcome.IssueType.INFORMATIONAL)
                .getDetails().setText(applied.status() + ": " + applied.location());
        int status = applied.status().startsWith("201") ? 201 : 200;
        Response.ResponseBuilder answer = Response.status(status).entity(new FhirAnswer(outcome, applied.shown()))
                .location(URI.create(uri.getBaseUri().resolve("fhir/").toString() + applied.location()));
        if (applied.etag() != null) {
            answer.header("ETag", applied.etag());
        }
        return answer.build();
    }

    @GET
    @Path("Patient/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Audited(resource = "fhir", action = "read", contactParam = "id")
    @Operation(operationId = "fhirReadPatient", summary = "Read a Patient")
    @APIResponse(responseCode = "200", description = "The Patient", content = @Content(mediaType = FhirBodies.FHIR_JSON))
    @APIResponse(responseCode = "404", description = "No such patient")
    public FhirAnswer patient(@PathParam("id") String id) {
        return fhir.patient(Ids.parse("id", id));
    }

    @GET
    @Path("Patient/{id}/$everything")
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Audited(resource = "fhir", action = "read", contactParam = "id")
    @Operation(operationId = "fhirPatientEverything", summary = "Everything Circles holds about a patient",
            description = "A searchset Bundle: the Patient, their RelatedPersons, their care team (with its "
                    + "practitioners) and their Consent")
    @APIResponse(responseCode = "200", description = "searchset Bundle", content = @Content(mediaType = FhirBodies.FHIR_JSON))
    @APIResponse(responseCode = "404", description = "No such patient")
    public FhirAnswer everything(@PathParam("id") String id) {
        return fhir.everything(Ids.parse("id", id));
    }

    @GET
    @Path("Practitioner/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Audited(resource = "fhir", action = "read", contactParam = "id")
    @Operation(operationId = "fhirReadPractitioner", summary = "Read a Practitioner")
    @APIResponse(responseCode = "200", description = "The Practitioner", content = @Content(mediaType = FhirBodies.FHIR_JSON))
    @APIResponse(responseCode = "404", description = "No such practitioner")
    public FhirAnswer practitioner(@PathParam("id") String id) {
        return fhir.practitioner(Ids.parse("id", id));
    }

    @GET
    @Path("RelatedPerson")
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Audited(resource = "fhir", action = "search")
    @Operation(operationId = "fhirSearchRelatedPerson", summary = "A patient's related persons")
    @APIResponse(responseCode = "200", description = "searchset Bundle", content = @Content(mediaType = FhirBodies.FHIR_JSON))
    @APIResponse(responseCode = "404", description = "No such patient")
    public FhirAnswer relatedPersons(@Parameter(description = "Patient/<id> or <id>", required = true)
                                     @QueryParam("patient") String patient,
            @BeanParam FhirPageRequest page) {
        FhirPaging paging = page.paging();
        return page.linked(fhir.relatedPersons(patient("patient", patient), paging), paging);
    }

    @GET
    @Path("CareTeam")
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Audited(resource = "fhir", action = "search")
    @Operation(operationId = "fhirSearchCareTeam", summary = "A patient's care team")
    @APIResponse(responseCode = "200", description = "searchset Bundle", content = @Content(mediaType = FhirBodies.FHIR_JSON))
    @APIResponse(responseCode = "404", description = "No such patient")
    public FhirAnswer careTeams(@Parameter(description = "Patient/<id> or <id>", required = true)
                                @QueryParam("subject") String subject,
            @BeanParam FhirPageRequest page) {
        FhirPaging paging = page.paging();
        return page.linked(fhir.careTeams(patient("subject", subject), paging), paging);
    }

    @GET
    @Path("Consent")
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Audited(resource = "fhir", action = "search")
    @Operation(operationId = "fhirSearchConsent", summary = "A patient's consent in force")
    @APIResponse(responseCode = "200", description = "searchset Bundle", content = @Content(mediaType = FhirBodies.FHIR_JSON))
    @APIResponse(responseCode = "404", description = "No such patient")
    public FhirAnswer consents(@Parameter(description = "Patient/<id> or <id>", required = true)
                               @QueryParam("patient") String patient,
            @BeanParam FhirPageRequest page) {
        FhirPaging paging = page.paging();
        return page.linked(fhir.consents(patient("patient", patient), paging), paging);
    }

    @GET
    @Path("Group/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Audited(resource = "fhir", action = "read")
    @Operation(operationId = "fhirReadGroup", summary = "Read a Group (a household, care team, congregation...)",
            description = "id is the Circles group id; every membership, ended ones inactive with their period")
    @APIResponse(responseCode = "200", description = "The Group", content = @Content(mediaType = FhirBodies.FHIR_JSON))
    @APIResponse(responseCode = "404", description = "No such group")
    public FhirAnswer group(@PathParam("id") String id) {
        return fhir.group(Ids.parse("id", id));
    }

    @GET
    @Path("Group")
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Audited(resource = "fhir", action = "search")
    @Operation(operationId = "fhirSearchGroup", summary = "The groups a contact is a current member of")
    @APIResponse(responseCode = "200", description = "searchset Bundle", content = @Content(mediaType = FhirBodies.FHIR_JSON))
    @APIResponse(responseCode = "404", description = "No such contact")
    public FhirAnswer groups(@Parameter(description = "Patient/<id>, Practitioner/<id>, RelatedPerson/<id> or <id>",
                                     required = true) @QueryParam("member") String member,
            @BeanParam FhirPageRequest page) {
        FhirPaging paging = page.paging();
        String value = member;
        for (String type : java.util.List.of("Patient/", "Practitioner/", "RelatedPerson/")) {
            if (value != null && value.startsWith(type)) {
                value = value.substring(type.length());
            }
        }
        return page.linked(fhir.groupsOf(Ids.parse("member", value), paging), paging);
    }

    private static UUID patient(String field, String value) {
        if (value != null && value.startsWith("Patient/")) {
            value = value.substring("Patient/".length());
        }
        return Ids.parse(field, value);
    }
}
