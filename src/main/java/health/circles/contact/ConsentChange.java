package health.circles.contact;

import health.circles.security.AuditedRecord;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer to recording one consent entry: what the ledger made of it and the contact's consent afterwards. */
@Schema(name = "ConsentChange")
public record ConsentChange(
        UUID contactId,
        @Schema(description = "EFFECTIVE: recorded and now in force; HISTORY: recorded, but given before the answer in "
                + "force, which stays; REPEAT: the answer in force already, nothing recorded") ConsentLedger.Verdict outcome,
        Map<ConsentChannel, ContactView.ConsentView> effective,
        boolean doNotContact,
        @Schema(description = "The contact's version (also in ETag)") long version) implements AuditedRecord {

    @Override
    public String auditId() {
        return contactId.toString();
    }

    @Override
    public Set<UUID> auditContacts() {
        return Set.of(contactId);
    }
}
