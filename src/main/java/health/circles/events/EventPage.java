package health.circles.events;

import health.circles.security.AuditedListing;
import health.circles.security.AuditedRecord;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A page of the event feed, in the envelope of every listing; a feed has no last page, so {@code next} is always
 * there: the position to send as {@code after} for the events that follow.
 */
public record EventPage(List<EventView> items,
                        @Schema(description = "The position to send as after= for the following events; always "
                                + "present (an empty page repeats or advances it)", example = "1042")
                        String next) implements AuditedListing {

    @Override
    public List<? extends AuditedRecord> auditRecords() {
        return items;
    }
}
