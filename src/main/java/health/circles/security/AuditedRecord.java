package health.circles.security;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Set;
import java.util.UUID;

/** A response body that the audit trail can name: its id and the contacts whose data it carries. */
public interface AuditedRecord {

    @JsonIgnore
    String auditId();

    @JsonIgnore
    Set<UUID> auditContacts();
}
