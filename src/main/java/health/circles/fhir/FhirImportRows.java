package health.circles.fhir;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import health.circles.failure.DomainException;
import health.circles.failure.InvalidInput;
import health.circles.imports.ResourceRows;
import health.circles.security.Callers;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Resource;

/**
 * The rows of a FHIR NDJSON import ({@code application/fhir+ndjson} at /api/v1/imports): each line parsed by HAPI
 * and applied as {@code POST /fhir/{type}} applies it, in a transaction of its own. A resource that is matched by its
 * identifiers must carry one (an import is re-run after a crash or a fix, and must change nothing the second time).
 */
@ApplicationScoped
public class FhirImportRows implements ResourceRows {

    private final FhirBodies bodies;
    private final FhirService fhir;
    private final ObjectMapper json;
    private final Callers callers;

    FhirImportRows(FhirBodies bodies, FhirService fhir, ObjectMapper json, Callers callers) {
        this.callers = callers;
        this.bodies = bodies;
        this.fhir = fhir;
        this.json = json;
    }

    @Override
    public Applied apply(java.util.UUID job, ObjectNode row) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(row);
        } catch (JsonProcessingException e) {
            throw InvalidInput.request("malformed-json", "The row is not a FHIR R4 resource in JSON");
        }
        IBaseResource resource = bodies.parse(bytes);
        String type = ((Resource) resource).fhirType();
        if (!FhirService.WRITABLE.contains(type)) {
            throw new InvalidInput("not-supported", "Bad Request", type + " is not taken here (only "
                    + String.join(", ", FhirService.WRITABLE) + ")", List.of(new DomainException.FieldError(
                    "resourceType", "is a " + type + ", which Circles does not keep")));
        }
        if (!identified(resource)) {
            throw InvalidInput.field(type + ".identifier", "is required in an import: a " + type + " is matched by "
                    + "its identifiers (system and value), so that re-running the file changes nothing");
        }
        FhirService.Applied applied = callers.asIntegration("import:" + job,
                () -> QuarkusTransaction.requiringNew().call(() -> fhir.single(type, resource)));
        return applied.status().startsWith("201") ? Applied.INSERTED
                : applied.changed() ? Applied.UPDATED : Applied.UNCHANGED;
    }

    private static boolean identified(IBaseResource resource) {
        if (resource instanceof Patient p) {
            return p.getIdentifier().stream().anyMatch(i -> i.hasSystem() && i.hasValue());
        } else if (resource instanceof Practitioner p) {
            return p.getIdentifier().stream().anyMatch(i -> i.hasSystem() && i.hasValue());
        } else if (resource instanceof RelatedPerson p) {
            return p.getIdentifier().stream().anyMatch(i -> i.hasSystem() && i.hasValue());
        } else if (resource instanceof Organization p) {
            return p.getIdentifier().stream().anyMatch(i -> i.hasSystem() && i.hasValue());
        } else if (resource instanceof Group p) {
            return p.getIdentifier().stream().anyMatch(i -> i.hasSystem() && i.hasValue());
        }
        return true; // PractitionerRole, CareTeam and Consent are matched by the contacts they name
    }
}
