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
        Set<UUID> contacts = Arc.container().instance(Held.class).get().contacts;
        for (UUID id : ids) {
            if (id != null) {
                contacts.add(id);
            }
        }
    }

    Set<UUID> contacts() {
        return Arc.container().instance(Held.class).get().contacts;
    }

    /** The notes of one request. */
    @RequestScoped
    @Unremovable
    static class Held {
        final Set<UUID> contacts = new LinkedHashSet<>();
    }
}
