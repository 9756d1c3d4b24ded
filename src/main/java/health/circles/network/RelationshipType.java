package health.circles.network;

import health.circles.contact.ContactKind;
import health.circles.security.AuditedRecord;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A relationship type of the registry: what a tie's {@code type} names, read from either end. */
@Schema(name = "RelationshipType")
public record RelationshipType(
        @Schema(description = "The code ties carry as their type (UPPER_SNAKE); never changes") String code,
        @Schema(description = "How the tie reads from its from end: from FORWARD_NAME to (PARENT_OF)") String forwardName,
        @Schema(description = "How the tie reads from its to end: to REVERSE_NAME from (CHILD_OF); for symmetric "
                + "types the forward name") String reverseName,
        @Schema(description = "Contact kinds that may stand at the from end") Set<ContactKind> fromKinds,
        @Schema(description = "Contact kinds that may stand at the to end") Set<ContactKind> toKinds,
        @Schema(description = "Symmetric types read the same from both ends; their from/to order carries no meaning")
        boolean symmetric,
        @Schema(description = "Whether an asserted tie of this type gives its from end the to end's whole record "
                + "(TREATS). Only built-in types do") boolean grantsAccess,
        @Schema(description = "The declaredStrength (0..1) a new tie of this type gets when its writer states none")
        double defaultWeight,
        String description,
        @Schema(description = "Built in (the code relies on it; names and kinds fixed) or added by an admin")
        boolean builtIn,
        @Schema(description = "Token subject that added it; migration:V20 for built-in types") String createdBy,
        Instant createdAt,
        Instant updatedAt,
        long version) implements AuditedRecord {

    /** Whether a tie of this type may join a contact of kind {@code from} to one of kind {@code to}. */
    public boolean allows(ContactKind from, ContactKind to) {
        return fromKinds.contains(from) && toKinds.contains(to)
                || symmetric && fromKinds.contains(to) && toKinds.contains(from);
    }

    /** How a tie of this type reads from one of its ends: the forward name from its from end, else the reverse. */
    public String nameFrom(boolean fromEnd) {
        return fromEnd ? forwardName : reverseName;
    }

    @Override
    public String auditId() {
        return code;
    }

    @Override
    public Set<UUID> auditContacts() {
        return Set.of();
    }
}
