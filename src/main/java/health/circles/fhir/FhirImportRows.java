package health.circles.fhir;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import health.circles.failure.DomainException;
import health.circles.failure.InvalidInput;
import health.circles.imports.ResourceRows;
import health.circles.security.Callers;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
    private final IdentifierStore identifiers;

    FhirImportRows(FhirBodies bodies, FhirService fhir, ObjectMapper json, Callers callers,
                   IdentifierStore identifiers) {
        this.callers = callers;
        this.identifiers = identifiers;
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

    @Override
    public List<String> identifierKeys(JsonNode row) {
        List<String> keys = new ArrayList<>();
        collectIdentifiers(row, false, keys);
        return keys;
    }

    @Override
    public Set<String> erasedIdentifierFingerprints() {
        return identifiers.erasedFingerprints();
    }

    /** Walks the row: identifiers (system and value under an {@code identifier}) and identifier references. */
    private static void collectIdentifiers(JsonNode node, boolean underIdentifier, List<String> keys) {
        if (node.isArray()) {
            node.forEach(item -> collectIdentifiers(item, underIdentifier, keys));
        } else if (node.isObject()) {
            if (underIdentifier && node.path("system").isTextual() && node.path("value").isTextual()) {
                keys.add(node.get("system").asText() + "|" + node.get("value").asText());
            }
            node.fields().forEachRemaining(field -> {
                JsonNode value = field.getValue();
                if (field.getKey().equals("reference") && value.isTextual()) {
                    int query = value.asText().indexOf("?identifier=");
                    if (query > 0) {
                        String named = value.asText().substring(query + "?identifier=".length());
                        keys.add(named);
                        try {
                            keys.add(URLDecoder.decode(named, StandardCharsets.UTF_8));
                        } catch (IllegalArgumentException e) {
                            // Not URL-encoded: the row fails on it when applied; only its raw form can name anyone.
                        }
                    }
                }
                collectIdentifiers(value, field.getKey().equals("identifier"), keys);
            });
        }
    }
}
