package health.circles.security;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses to start behind a proxy whose addresses are not configured. Quarkus honours X-Forwarded-* only from
 * quarkus.http.proxy.trusted-proxies, but from anyone when that list is empty: then every caller could write the
 * client address the audit trail records.
 */
@ApplicationScoped
public class TrustedProxies {

    void onStart(@Observes StartupEvent event,
                 @ConfigProperty(name = "quarkus.http.proxy.proxy-address-forwarding", defaultValue = "false") boolean forwarding,
                 @ConfigProperty(name = "quarkus.http.proxy.trusted-proxies") Optional<String> trusted) {
        if (forwarding && trusted.map(String::isBlank).orElse(true)) {
            throw new IllegalStateException("CIRCLES_BEHIND_PROXY=true needs CIRCLES_TRUSTED_PROXIES: the addresses or "
                    + "CIDR ranges of the proxies whose X-Forwarded-* headers count (docs/security.md)");
        }
    }
}
