package health.circles.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import health.circles.security.AuditedRecord;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One change event as the feed and webhooks show it: ids, type and field names, never a field's value. */
@Schema(name = "ChangeEvent")
public record EventView(
        @Schema(description = "The event's id, stable across retries and replays: evt_ and its position",
                example = "evt_1042") String id,
        @Schema(description = "Where it stands in the feed; gap-free and increasing in commit order",
                example = "1042") long position,
        @Schema(example = "contact.updated") String type,
        Instant occurredAt,
        Subject subject,
        @Schema(description = "The subject's version after the change, when it has versions") Long version,
        @Schema(description = "Names of the fields that changed (updates)", example = "[\"email\", \"tags\"]")
        List<String> changed,
        @Schema(description = "Ids of related records: a tie's from and to, a touchpoint's participants and "
                + "campaign, an outcome's contact and touchpoint")
        Map<String, Object> related,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "Webhooks that include records, for admin and integration owners: the record as read "
                + "at delivery; absent when it no longer exists (deleted, erased)")
        Object record) implements AuditedRecord {

    /** The keys of {@code related} that name contacts: a tie's ends, a member, participants, an outcome's people. */
    private static final Set<String> CONTACT_KEYS = Set.of("from", "to", "contact", "via", "participants");

    /**
     * The event names no personal data, but together events say who is tied to whom, in which group, reached by whom:
     * a read of the feed is audited like a listing, naming the contacts its events are about.
     */
    @Override
    public String auditId() {
        return id;
    }

    @Override
    public Set<UUID> auditContacts() {
        Set<UUID> contacts = new LinkedHashSet<>();
        if (subject != null && "contact".equals(subject.kind())) {
            contacts.add(subject.id());
        }
        if (related != null) {
            related.forEach((key, value) -> {
                if (CONTACT_KEYS.contains(key)) {
                    (value instanceof Collection<?> many ? many : List.of(value)).forEach(v -> addId(contacts, v));
                }
            });
        }
        return contacts;
    }

    private static void addId(Set<UUID> contacts, Object value) {
        if (value instanceof String text && text.length() == 36) {
            try {
                contacts.add(UUID.fromString(text));
            } catch (IllegalArgumentException notAnId) {
                // "erased", or another record's reference: no contact to name
            }
        }
    }

    /** What changed: its kind and id. */
    public record Subject(@Schema(example = "contact") String kind, UUID id) {
    }

    EventView withRecord(Object record) {
        return new EventView(id, position, type, occurredAt, subject, version, changed, related, record);
    }

    static String idOf(long position) {
        return "evt_" + position;
    }
}
