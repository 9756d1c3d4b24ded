package health.circles.security;

import java.util.Set;
import java.util.UUID;

/**
 * Who is asking: the token's subject and roles, and the contact that stands for them in the network (for clinicians,
 * the end of their TREATS ties). {@link #SYSTEM} is the service itself (start-up jobs, the relay), never a request.
 */
public record Caller(String subject, Set<String> roles, UUID contactId) {

    public static final Caller SYSTEM = new Caller("system", Set.of(Roles.ADMIN), null);

    public boolean has(String role) {
        return roles.contains(role);
    }

    /** Roles that see whole records whatever the relationship: administrators and machine clients. */
    public boolean seesEverything() {
        return has(Roles.ADMIN) || has(Roles.INTEGRATION);
    }
}
