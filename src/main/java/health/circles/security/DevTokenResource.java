package health.circles.security;

import health.circles.failure.InvalidInput;
import health.circles.failure.NotFound;
import health.circles.web.Ids;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;

/**
 * Development tokens for the run command on a workstation: a signed token for any role, without an identity
 * provider. Answers only in dev mode or the tests ({@link DevKeys#allowed()}), when circles.security.dev-tokens.enabled
 * is true (the run command sets it only when it made its own key pair), and only to a caller whose connection comes
 * from the loopback interface and who names this machine in Host; otherwise it is indistinguishable from an unknown
 * path.
 */
@Path("/api/v1/dev/tokens")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Development")
public class DevTokenResource {

    /** A token and what it carries. */
    public record DevToken(String token, String subject, String role, UUID contactId, Instant expiresAt)
            implements AuditedRecord {

        @Override
        public String auditId() {
            return subject;
        }

        @Override
        public Set<UUID> auditContacts() {
            return contactId == null ? Set.of() : Set.of(contactId);
        }
    }

    /** The names of this machine a page on it can be reached by, in the form a Host header spells them. */
    private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

    private final SecurityConfig config;
    private volatile PrivateKey key;

    private final AuditCall auditCall;

    DevTokenResource(SecurityConfig config, AuditCall auditCall) {
        this.config = config;
        this.auditCall = auditCall;
    }

    @POST
    @PermitAll
    @Audited(resource = "dev-token", action = "issue", idParam = "", when = Audited.When.BEFORE_ANSWER)
    @Operation(operationId = "issueDevToken",
            summary = "Issue a development token (run command only; off in production)")
    @APIResponse(responseCode = "200", description = "A bearer token for the role")
    @APIResponse(responseCode = "404", description = "Development tokens are off, or the request is not from this "
            + "machine, or its Host is not localhost, 127.0.0.1 or [::1]")
    public DevToken issue(@Parameter(description = "admin, clinician, outreach, analyst or integration", schema = @Schema(type = SchemaType.STRING, enumeration = {"admin", "clinician", "outreach", "analyst", "integration"})) @QueryParam("role") String role,
                          @Parameter(description = "Token subject, default dev-<role>") @QueryParam("subject") String subject,
                          @Parameter(description = "The caller's own contact (clinicians: whose TREATS ties count)", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @QueryParam("contactId") String contactId,
                          @Context HttpServerRequest http) {
        if (!DevKeys.allowed() || !config.devTokens().enabled() || !fromLoopback(http) || !localHost(http)) {
            auditCall.markUnrecorded(); // as an unknown path is not: anyone may call this one, without a token
            throw new NotFound("not-found", "Not Found", "No resource at this path");
        }
        String r = role == null ? "" : role.strip().toLowerCase(Locale.ROOT);
        if (!Roles.ALL.contains(r)) {
            throw InvalidInput.field("role", "must be one of " + Roles.ALL);
        }
        String sub = subject == null || subject.isBlank() ? "dev-" + r : subject.strip();
        if (sub.length() > 100) {
            throw InvalidInput.field("subject", "must be at most 100 characters");
        }
        UUID contact = contactId == null || contactId.isBlank() ? null : Ids.parse("contactId", contactId);
        Instant expires = Instant.now().plus(config.devTokens().lifetime());
        var claims = Jwt.issuer(config.devTokens().issuer())
                .audience(config.devTokens().audience())
                .subject(sub)
                .upn(sub)
                .groups(Set.of(r))
                .expiresAt(expires);
        if (contact != null) {
            claims.claim(config.contactClaim(), contact.toString());
        }
        return new DevToken(claims.sign(key()), sub, r, contact, expires);
    }

    private PrivateKey key() {
        if (key == null) {
            String location = config.devTokens().privateKeyLocation()
                    .orElseThrow(() -> new IllegalStateException("circles.security.dev-tokens.private-key-location is not set"));
            try {
                key = KeyUtils.decodePrivateKey(pem(location));
            } catch (java.io.IOException | java.security.GeneralSecurityException e) {
                throw new IllegalStateException("Could not read the development signing key " + location, e);
            }
        }
        return key;
    }

    /** The PEM text at a file path (or {@code file:} URI), else on the classpath (the tests' key). */
    private static String pem(String location) throws java.io.IOException {
        String path = location.startsWith("file:") ? java.nio.file.Path.of(java.net.URI.create(location)).toString()
                : location;
        java.nio.file.Path file = java.nio.file.Path.of(path);
        if (java.nio.file.Files.isRegularFile(file)) {
            return java.nio.file.Files.readString(file);
        }
        try (java.io.InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new java.io.FileNotFoundException(location);
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    /**
     * The peer of the TCP connection, never the request's remote address: behind a proxy that one is taken from
     * X-Forwarded-For, which the caller writes.
     */
    private static boolean fromLoopback(HttpServerRequest http) {
        SocketAddress peer = http == null || http.connection() == null ? null : http.connection().remoteAddress();
        if (peer == null || peer.hostAddress() == null) {
            return false;
        }
        try {
            return InetAddress.getByName(peer.hostAddress()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * Whether the Host header names this machine (any port). Loopback alone is not enough: a page from evil.example
     * whose name an attacker re-points at 127.0.0.1 (DNS rebinding) is same-origin to the browser, so it may read the
     * answer; its requests still say Host: evil.example. The header as sent, never the authority that forwarding may
     * rewrite from X-Forwarded-Host.
     */
    private static boolean localHost(HttpServerRequest http) {
        return http != null && localHost(http.headers().get("Host"));
    }

    /** Whether a Host header value is one of {@link #LOCAL_HOSTS}, with or without a port. */
    static boolean localHost(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        int portAt = h.startsWith("[") ? h.indexOf(']') + 1 : h.indexOf(':');
        if (portAt <= 0) {
            portAt = h.length();
        }
        String port = h.substring(portAt);
        return LOCAL_HOSTS.contains(h.substring(0, portAt)) && (port.isEmpty() || port.matches(":[0-9]{1,5}"));
    }
}
