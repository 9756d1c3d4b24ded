package health.circles.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * smallrye-jwt's verification, done once per token and trusted again for {@code circles.security.verified-tokens
 * .max-age}: a client sends the same bearer token on every call until it expires, and parsing and checking it again
 * (signature, issuer, audience, times; jose4j) was a fifth of the CPU of a cached read.
 *
 * <p>What keeps it as strict as verifying every call:
 * <ul>
 *   <li>the key is the whole token, so only the very string that passed verification is trusted again: a token
 *       changed in any character, another signature included, is verified afresh;</li>
 *   <li>a token is never trusted past its own {@code exp} (without the clock skew verification allows), nor longer
 *       than the maximum age after it was verified;</li>
 *   <li>only successes are kept: a refused token is refused again by the verifier on every call;</li>
 *   <li>the claims are smallrye-jwt's own, immutable principal; roles and the caller are derived from them per call
 *       as before.</li>
 * </ul>
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokenCache extends JWTCallerPrincipalFactory {

    private record Verified(JWTCallerPrincipal principal, long untilNanos) {
    }

    private final JWTCallerPrincipalFactory verifier = new DefaultJWTCallerPrincipalFactory();
    private final long maxAgeNanos;
    private final Cache<String, Verified> verified;
    private final AtomicLong verifications = new AtomicLong();

    VerifiedTokenCache(SecurityConfig config) {
        this.maxAgeNanos = config.verifiedTokens().maxAge().toNanos();
        this.verified = Caffeine.newBuilder()
                .maximumSize(Math.max(0, config.verifiedTokens().maxEntries()))
                .expireAfter(Expiry.<String, Verified>creating(
                        (token, v) -> Duration.ofNanos(Math.max(0, v.untilNanos() - System.nanoTime()))))
                .build();
    }

    @Override
    public JWTCallerPrincipal parse(String token, JWTAuthContextInfo authContextInfo) throws ParseException {
        if (maxAgeNanos <= 0) {
            return verify(token, authContextInfo);
        }
        Verified known = verified.getIfPresent(token);
        long now = System.nanoTime();
        if (known != null && now - known.untilNanos() < 0) {
            return known.principal();
        }
        JWTCallerPrincipal principal = verify(token, authContextInfo);
        long until = now + Math.min(maxAgeNanos, untilExpiry(principal));
        if (until - now > 0) {
            verified.put(token, new Verified(principal, until));
        }
        return principal;
    }

    private JWTCallerPrincipal verify(String token, JWTAuthContextInfo authContextInfo) throws ParseException {
        verifications.incrementAndGet();
        return verifier.parse(token, authContextInfo);
    }

    /** Nanoseconds from now to the token's {@code exp}; zero when it has none (not kept) or it has passed. */
    private static long untilExpiry(JWTCallerPrincipal principal) {
        long exp = principal.getExpirationTime();
        if (exp <= 0) {
            return 0;
        }
        long millis = TimeUnit.SECONDS.toMillis(exp) - System.currentTimeMillis();
        return millis <= 0 ? 0 : TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** How many tokens the verifier has checked since start (the others were trusted again). */
    long verifications() {
        return verifications.get();
    }
}
