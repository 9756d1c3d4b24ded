package health.circles.security;

import io.quarkus.arc.Arc;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.security.Principal;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Resolves the {@link Caller} of the current request from its verified token. */
@ApplicationScoped
public class Callers {

    private final Instance<CurrentIdentityAssociation> identities;
    private final SecurityConfig config;

    Callers(Instance<CurrentIdentityAssociation> identities, SecurityConfig config) {
        this.identities = identities;
        this.config = config;
    }

    /** The caller of the current request; {@link Caller#SYSTEM} outside a request (start-up, schedules). */
    public Caller current() {
        if (!Arc.container().requestContext().isActive()) {
            return Caller.SYSTEM;
        }
        SecurityIdentity identity = identities.get().getIdentity();
        if (identity == null || identity.isAnonymous()) {
            return new Caller("anonymous", Set.of(), null);
        }
        return new Caller(identity.getPrincipal().getName(), Set.copyOf(identity.getRoles()),
                contactId(identity.getPrincipal()));
    }

    private UUID contactId(Principal principal) {
        if (principal instanceof JsonWebToken token) {
            Object claim = token.getClaim(config.contactClaim());
            String value = claim == null ? null : claim.toString().replace("\"", "").strip();
            if (value != null && value.length() == 36) {
                try {
                    return UUID.fromString(value);
                } catch (IllegalArgumentException ignored) {
                    // a malformed claim names no contact: the caller simply treats nobody
                }
            }
        }
        return null;
    }
}
