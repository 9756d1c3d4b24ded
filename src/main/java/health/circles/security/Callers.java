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
        return new Caller(subject(identity.getPrincipal()), Set.copyOf(identity.getRoles()),
                contactId(identity.getPrincipal()));
    }

    /**
     * Who the caller is, for the audit trail and everything keyed by caller (claims, emergency grants, webhooks,
     * Idempotency-Keys, rate limits): the token's {@code sub}, which the identity provider never reassigns. The
     * principal's name is {@code upn} or {@code preferred_username} first, which an account may change and another may
     * take over later; it serves only for a principal without a subject (background work run as an integration).
     */
    private static String subject(Principal principal) {
        if (principal instanceof JsonWebToken token && token.getSubject() != null && !token.getSubject().isBlank()) {
            return token.getSubject();
        }
        return principal.getName();
    }

    /**
     * Runs the service's own work for an integration (the rows of an import job an admin or integration uploaded) as
     * the integration {@code subject}, so that the services it calls apply an integration's rules. Only in background
     * work, whose request context is its own: a request with a caller is refused, so no request can widen its rights.
     */
    public <T> T asIntegration(String subject, java.util.function.Supplier<T> work) {
        io.quarkus.arc.ManagedContext context = Arc.container().requestContext();
        boolean activated = !context.isActive();
        if (activated) {
            context.activate();
        }
        try {
            CurrentIdentityAssociation association = identities.get();
            SecurityIdentity before = association.getIdentity();
            if (!activated && before != null && !before.isAnonymous()) {
                throw new IllegalStateException("asIntegration runs background work, never a request's");
            }
            association.setIdentity(io.quarkus.security.runtime.QuarkusSecurityIdentity.builder()
                    .setPrincipal(new io.quarkus.security.runtime.QuarkusPrincipal(subject))
                    .addRole(Roles.INTEGRATION).build());
            try {
                return work.get();
            } finally {
                association.setIdentity(before);
            }
        } finally {
            if (activated) {
                context.terminate();
            }
        }
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
