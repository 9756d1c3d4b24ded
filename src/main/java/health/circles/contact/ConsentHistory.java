package health.circles.contact;

import health.circles.security.AuditedRecord;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A contact's consent: the effective answer per channel and a page of the ledger, newest first. */
@Schema(name = "ConsentHistory")
public record ConsentHistory(
        UUID contactId,
        @Schema(description = "The effective answer per channel and for DO_NOT_CONTACT: the newest entry by givenAt, "
                + "then recordedAt; UNKNOWN where there is none") Map<ConsentChannel, ContactView.ConsentView> effective,
        boolean doNotContact,
        @Schema(description = "Entries, newest first by givenAt, then recordedAt") List<ConsentEntryView> items,
        @Schema(description = "Cursor for the next page; absent on the last page") String next) implements AuditedRecord {

    @Override
    public String auditId() {
        return contactId.toString();
    }

    @Override
    public Set<UUID> auditContacts() {
        return Set.of(contactId);
    }
}
