package health.circles.outreach;

import health.circles.security.AuditedListing;
import health.circles.security.AuditedRecord;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Ties that would help a contact, best first: each a contact it does not know yet, the link prediction score, the
 * useful pairing it makes when it does, and the contacts the two share (the reason). Contacts are named by id, name
 * and kind only, which every role that may ask sees of every contact.
 */
@Schema(name = "TieSuggestions")
public record TieSuggestions(
        UUID contactId,
        @Schema(description = "The link prediction measure", enumeration = {"ADAMIC_ADAR", "RESOURCE_ALLOCATION",
                "COMMON_NEIGHBORS"}) String measure,
        List<TieSuggestion> suggestions,
        List<String> notes) implements AuditedListing {

    @Override
    public List<? extends AuditedRecord> auditRecords() {
        return suggestions;
    }

    /** One suggested tie. */
    @Schema(name = "TieSuggestion")
    public record TieSuggestion(
            UUID contactId, String displayName, String kind,
            @Schema(description = "The measure's score between the two, over active ties") double score,
            @Schema(description = "What the ranking used: the score, times (1 + pairing boost) for a useful pairing")
            double rankScore,
            @Schema(description = "The useful pairing it makes, if any (e.g. peer mentor)")
            String pairing,
            @Schema(description = "Contacts both have an active tie to") int sharedCount,
            @Schema(description = "Those contacts (at most 10)") List<SharedContact> shared) implements AuditedRecord {

        @Override
        public String auditId() {
            return contactId.toString();
        }

        @Override
        public Set<UUID> auditContacts() {
            Set<UUID> ids = new LinkedHashSet<>();
            ids.add(contactId);
            shared.forEach(s -> ids.add(s.contactId()));
            return ids;
        }
    }

    /** A contact both know. */
    @Schema(name = "SharedContact")
    public record SharedContact(UUID contactId, String displayName, String kind) {
    }
}
