package health.circles.events;

import health.circles.failure.InvalidInput;
import health.circles.failure.NotPermitted;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Event type patterns as clients write them: a type ({@code contact.created}), every type of a kind ({@code tie.*})
 * or every type ({@code *}). Resolved against the types the caller's roles may see: {@code *} and {@code kind.*}
 * quietly take only those; naming a type or kind the roles may not see is refused.
 */
final class TypeFilter {

    static final int MAX_PATTERNS = 50;

    private TypeFilter() {
    }

    /** Checks and normalises patterns (null or empty: every type); {@code field} names them in errors. */
    static List<String> patterns(String field, Collection<String> patterns) {
        if (patterns == null || patterns.isEmpty()) {
            return List.of("*");
        }
        if (patterns.size() > MAX_PATTERNS) {
            throw InvalidInput.field(field, "at most " + MAX_PATTERNS + " types");
        }
        Set<String> out = new LinkedHashSet<>();
        int i = 0;
        for (String raw : patterns) {
            String at = field + "[" + i++ + "]";
            String p = raw == null ? "" : raw.strip();
            if (p.isEmpty()) {
                throw InvalidInput.field(at, "must not be empty");
            }
            if (!p.equals("*") && !(p.endsWith(".*") && EventTypes.kinds().contains(p.substring(0, p.length() - 2)))
                    && !EventTypes.known(p)) {
                throw InvalidInput.field(at, "is not an event type or pattern; one of *, <kind>.* (kinds: "
                        + String.join(", ", EventTypes.kinds()) + ") or a type (docs/events.md)");
            }
            out.add(p);
        }
        return List.copyOf(out);
    }

    /**
     * The types the patterns name that {@code roles} may see. A pattern that names only types the roles may not
     * see is refused when {@code strict} (a request), and left out otherwise (a stored subscription whose owner lost
     * a role).
     */
    static String[] resolve(List<String> patterns, Collection<String> roles, boolean strict) {
        Set<String> visible = EventTypes.visibleTo(roles);
        Set<String> out = new LinkedHashSet<>();
        for (String p : patterns) {
            List<String> named = named(p);
            List<String> seen = named.stream().filter(visible::contains).toList();
            if (seen.isEmpty() && strict && !p.equals("*")) {
                throw new NotPermitted("event-types-not-permitted", "Forbidden",
                        "Your roles may not see " + p + " events");
            }
            out.addAll(seen);
        }
        return out.toArray(String[]::new);
    }

    private static List<String> named(String pattern) {
        if (pattern.equals("*")) {
            return EventTypes.all();
        }
        if (pattern.endsWith(".*")) {
            return new ArrayList<>(EventTypes.BY_KIND.get(pattern.substring(0, pattern.length() - 2)));
        }
        return List.of(pattern);
    }
}
