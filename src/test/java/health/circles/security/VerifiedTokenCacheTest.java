package health.circles.security;

import static health.circles.TestTokens.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import health.circles.Anonymous;
import health.circles.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A verified token is trusted again only as the very same string, and never past its own expiry. */
@QuarkusTest
@Anonymous
class VerifiedTokenCacheTest {

    private static final String PATH = "/api/v1/contacts?limit=1";

    @Inject
    VerifiedTokenCache cache;

    @Test
    void theSameTokenIsVerifiedOnceAndTrustedAgain() {
        assertEquals(1, verificationsOver(TestTokens.token("verified-once", Set.of("admin")), 5, 200));
    }

    @Test
    void aTokenPastItsExpiryIsVerifiedOnEveryCall() {
        // Expired 5 s ago: still inside the verifier's clock skew (30 s), so it passes, but only by being verified.
        assertEquals(3, verificationsOver(TestTokens.expiredSecondsAgo("admin", 5), 3, 200));
    }

    @Test
    void aTokenChangedInAnyPartIsVerifiedAfreshAndRefused() {
        String token = TestTokens.token("altered", Set.of("analyst"));
        bearer(token).when().get(PATH).then().statusCode(200);
        String[] parts = token.split("\\.");
        // The trusted token's payload with more roles, under its own (now wrong) signature.
        String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]),
                java.nio.charset.StandardCharsets.UTF_8).replace("\"analyst\"", "\"analyst\",\"admin\"");
        String widened = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "." + parts[2];
        char last = parts[2].charAt(parts[2].length() - 2);
        String resigned = parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 2)
                + (last == 'A' ? 'B' : 'A') + parts[2].charAt(parts[2].length() - 1);
        for (String changed : new String[] {widened, resigned, token.substring(0, token.length() - 1)}) {
            assertEquals(1, verificationsOver(changed, 1, 401), "verified afresh: " + changed);
        }
    }

    @Test
    void aRefusedTokenIsRefusedByTheVerifierEveryTime() {
        assertEquals(2, verificationsOver(TestTokens.wrongSignature("admin"), 2, 401));
    }

    /** How many times the verifier ran while {@code calls} calls with {@code token} each answered {@code status}. */
    private long verificationsOver(String token, int calls, int status) {
        long before = cache.verifications();
        for (int i = 0; i < calls; i++) {
            bearer(token).when().get(PATH).then().statusCode(status);
        }
        return cache.verifications() - before;
    }
}
