package health.circles.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.failure.NotFound;
import io.quarkus.runtime.LaunchMode;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The development token endpoint when the flag is off, or in a packaged run: it answers like an unknown path; and the
 * Host names it answers to.
 */
class DevTokenResourceTest {

    @Test
    void switchedOffItAnswersNotFoundWhateverTheRole() {
        AuditCall call = new AuditCall();
        DevTokenResource resource = new DevTokenResource(config(false), call);
        NotFound answer = assertThrows(NotFound.class, () -> resource.issue("admin", null, null, null));
        assertEquals("not-found", answer.code()); // web answers a NotFound with 404, like an unknown path
        // and, like an unknown path, it writes nothing to the audit trail: anyone may call it, without a token
        assertTrue(call.written(), "the refusal is left out of the trail");
    }

    @Test
    void switchedOnInAPackagedRunItStillAnswersNotFound() {
        // A packaged application runs in the NORMAL launch mode, whatever its environment sets.
        LaunchMode was = LaunchMode.current();
        LaunchMode.set(LaunchMode.NORMAL);
        try {
            AuditCall call = new AuditCall();
            DevTokenResource resource = new DevTokenResource(config(true), call);
            NotFound answer = assertThrows(NotFound.class, () -> resource.issue("admin", null, null, null));
            assertEquals("not-found", answer.code());
            assertTrue(call.written(), "the refusal is left out of the trail");
        } finally {
            LaunchMode.set(was);
        }
    }

    @Test
    void onlyTheNamesOfThisMachineAreLocalHostsWhateverThePort() {
        for (String host : new String[] {"localhost", "localhost:8080", "LocalHost:1", "127.0.0.1", "127.0.0.1:65535",
                "[::1]", "[::1]:8080"}) {
            assertTrue(DevTokenResource.localHost(host), host);
        }
        // What a DNS-rebinding page sends (its own name), look-alikes, and what no browser sends for this machine.
        for (String host : new String[] {"evil.example", "evil.example:8080", "localhost.evil.example",
                "127.0.0.1.nip.io", "localhost:", "localhost:80:80", "localhost:http", "[::1", "::1", "[::2]:8080",
                "127.0.0.2", "0.0.0.0", "", " localhost"}) {
            assertFalse(DevTokenResource.localHost(host), host);
        }
        assertFalse(DevTokenResource.localHost((String) null));
    }

    private static SecurityConfig config(boolean enabled) {
        SecurityConfig.DevTokens dev = (SecurityConfig.DevTokens) Proxy.newProxyInstance(
                SecurityConfig.class.getClassLoader(), new Class<?>[] {SecurityConfig.DevTokens.class},
                (p, m, a) -> switch (m.getName()) {
                    case "enabled" -> enabled;
                    case "privateKeyLocation" -> Optional.empty();
                    case "issuer" -> "x";
                    case "audience" -> "y";
                    case "lifetime" -> Duration.ofMinutes(1);
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        return (SecurityConfig) Proxy.newProxyInstance(SecurityConfig.class.getClassLoader(),
                new Class<?>[] {SecurityConfig.class},
                (p, m, a) -> switch (m.getName()) {
                    case "devTokens" -> dev;
                    case "contactClaim" -> "contact_id";
                    case "rateLimits" -> Map.of();
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}
