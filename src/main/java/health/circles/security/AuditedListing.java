package health.circles.security;

import java.util.List;

/**
 * A response body that is not a {@code Page} but carries records (a segment's members with why others were left out,
 * a CSV export): the audit trail writes the call's one row naming every record, as for a page.
 */
public interface AuditedListing {

    List<? extends AuditedRecord> auditRecords();
}
