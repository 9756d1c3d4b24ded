package health.circles.fhir;

import health.circles.security.AuditedListing;
import health.circles.security.AuditedRecord;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * A FHIR answer with the records it discloses or wrote: the call's one audit row names each ({@code Patient/<id>})
 * and the contacts it concerns, as a FHIR AuditEvent has one entity per resource. {@link FhirBodies} writes the
 * resource alone.
 */
public record FhirAnswer(IBaseResource resource, List<Shown> shown) implements AuditedListing {

    public FhirAnswer {
        shown = List.copyOf(shown);
    }

    @Override
    public List<? extends AuditedRecord> auditRecords() {
        return shown;
    }

    /** One FHIR resource of the answer, and the contacts whose data it carries. */
    public record Shown(String reference, Set<UUID> contacts) implements AuditedRecord {

        @Override
        public String auditId() {
            return reference;
        }

        @Override
        public Set<UUID> auditContacts() {
            return contacts;
        }
    }
}
