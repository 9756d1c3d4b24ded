package health.circles.security;

import io.quarkus.arc.Arc;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.RequestScoped;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/**
 * Contacts a request concerned that its answer does not show (a deleted tie's ends, an erased contact): services add
 * them here and the audit row of the request names them. Outside a request (start-up jobs) notes are dropped.
 */
@ApplicationScoped
public class AuditNotes {

    public void concerns(UUID... ids) {
        if (!Arc.container().requestContext().isActive()) {
            return;
        }
        Held held = Arc.container().instance(Held.class).get();
        for (UUID id : ids) {
            if (id != null) {
                held.add(id);
            }
        }
    }

    /**
     * The request did what another action of its resource names, which its path cannot tell: {@code DELETE
     * /contacts/{id}?erase=true} erases, and its row must say so (the path in a row has no query string).
     */
    public void actedAs(String action) {
        if (Arc.container().requestContext().isActive()) {
            Arc.container().instance(Held.class).get().action(action);
        }
    }

    /** The action noted by {@link #actedAs}, or null: none, or none readable. */
    String actionOrNull() {
        try {
            return Arc.container().requestContext().isActive() ? Arc.container().instance(Held.class).get().action()
                    : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    Set<UUID> contacts() {
        return Arc.container().instance(Held.class).get().all();
    }

    /** The notes for an audit row: none when they cannot be read, so a row is still written. */
    Set<UUID> contactsOrNone() {
        try {
            return contacts();
        } catch (RuntimeException e) {
            return Set.of();
        }
    }

    /** The notes of one request; reached through its client proxy, hence methods rather than fields. */
    @RequestScoped
    @Unremovable
    static class Held {
        private final Set<UUID> contacts = new LinkedHashSet<>();
        private String action;

        void action(String action) {
            this.action = action;
        }

        String action() {
            return action;
        }

        void add(UUID id) {
            contacts.add(id);
        }

        Set<UUID> all() {
            return new LinkedHashSet<>(contacts);
        }
    }
}
