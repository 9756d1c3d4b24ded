package health.circles;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import io.smallrye.jwt.util.KeyUtils;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** Signs test tokens with the test-only key pair (src/test/resources/test-keys), and attaches them to requests. */
public final class TestTokens {

    public static final String ISSUER = "circles-dev";
    public static final String AUDIENCE = "circles";
    private static PrivateKey key;
    private static PrivateKey otherKey;

    private TestTokens() {
    }

    /** A request sent as {@code role}, subject {@code test-<role>}. */
    public static RequestSpecification as(String role) {
        return bearer(token(role));
    }

    /** A request sent as a clinician whose own contact is {@code contactId}. */
    public static RequestSpecification asClinician(String subject, UUID contactId) {
        return bearer(claims(subject, Set.of("clinician")).claim("contact_id", contactId.toString()).sign(key()));
    }

    public static RequestSpecification bearer(String token) {
        return RestAssured.given().header("Authorization", "Bearer " + token);
    }

    public static String token(String role) {
        return claims("test-" + role, Set.of(role)).sign(key());
    }

    public static String token(String subject, Set<String> roles) {
        return claims(subject, roles).sign(key());
    }

    public static String expired(String role) {
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject("test-" + role).groups(Set.of(role))
                .issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(3600)).sign(key());
    }

    /** Expired {@code seconds} ago, as a client's clock may still send it. */
    public static String expiredSecondsAgo(String role, long seconds) {
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject("test-" + role).groups(Set.of(role))
                .issuedAt(Instant.now().minusSeconds(600)).expiresAt(Instant.now().minusSeconds(seconds)).sign(key());
    }

    public static String wrongIssuer(String role) {
        return Jwt.issuer("https://someone-else.example").audience(AUDIENCE).subject("test-" + role)
                .groups(Set.of(role)).expiresIn(600).sign(key());
    }

    public static String wrongAudience(String role) {
        return Jwt.issuer(ISSUER).audience("another-service").subject("test-" + role).groups(Set.of(role))
                .expiresIn(600).sign(key());
    }

    /** Well-formed and unexpired, but signed by a key the service does not trust. */
    public static String wrongSignature(String role) {
        return claims("test-" + role, Set.of(role)).sign(otherKey());
    }

    /** A token of these claims, signed by the key the service trusts. */
    public static String sign(JwtClaimsBuilder claims) {
        return claims.sign(key());
    }

    public static JwtClaimsBuilder claims(String subject, Set<String> roles) {
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject(subject).upn(subject).groups(roles).expiresIn(3600);
    }

    private static synchronized PrivateKey key() {
        if (key == null) {
            key = read("test-keys/private-key.pem");
        }
        return key;
    }

    private static synchronized PrivateKey otherKey() {
        if (otherKey == null) {
            otherKey = read("test-keys/other-private-key.pem");
        }
        return otherKey;
    }

    private static PrivateKey read(String location) {
        try {
            return KeyUtils.readPrivateKey(location);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read test key " + location, e);
        }
    }
}
