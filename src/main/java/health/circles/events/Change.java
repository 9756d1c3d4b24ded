package health.circles.events;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One change to record as an event: its type, its subject (kind and id), the subject's version after the change when
 * it has one, the names of the fields that changed, and the ids of related records ({@code "from"}, {@code
 * "participants"}, {@code "campaign"}...). Ids and names only: never a value of a field, so never PHI.
 */
public record Change(String type, UUID subjectId, Long version, List<String> changed, Map<String, Object> related) {

    public Change {
        if (!EventTypes.known(type)) {
            throw new IllegalArgumentException("Unknown event type " + type);
        }
        changed = changed == null ? List.of() : List.copyOf(changed);
        related = related == null ? Map.of() : Map.copyOf(related);
    }

    /** A change with no field list and no related records. */
    public static Change of(String type, UUID subjectId, Long version) {
        return new Change(type, subjectId, version, List.of(), Map.of());
    }

    /**
     * The names of the top-level fields whose values differ between two renderings of a record (maps of its JSON
     * form), leaving out {@code ignored} (bookkeeping such as version and updatedAt), in the order of {@code after}.
     */
    public static List<String> changedFields(Map<String, ?> before, Map<String, ?> after, java.util.Set<String> ignored) {
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>(after.keySet());
        names.addAll(before.keySet());
        return names.stream().filter(n -> !ignored.contains(n))
                .filter(n -> !java.util.Objects.equals(before.get(n), after.get(n))).toList();
    }

    public String subjectKind() {
        return EventTypes.kindOf(type);
    }
}
