package health.circles.idempotency;

import health.circles.web.Idempotent;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The Idempotency-Key header (IETF draft httpapi-idempotency-key) on the POSTs marked {@link Idempotent}. A key belongs
 * to the caller's subject: the same key, method, path and body within {@link #LIFETIME} gets the first 2xx answer
 * again (status, Location, ETag, body; {@code Idempotent-Replayed: true}) and the resource is not called; the same key
 * with another request is 422 idempotency-key-reused; while the first request still runs, 409
 * idempotency-key-in-flight. A request that fails (4xx, 5xx) frees its key. Without the header nothing changes. The
 * rules themselves are {@link IdempotentRequests}'.
 */
public class IdempotencyFilter {

    public static final String HEADER = "Idempotency-Key";
    static final String REPLAYED = "Idempotent-Replayed";
    /** How long a key and its answer are kept. */
    static final Duration LIFETIME = Duration.ofHours(24);
    /** A key still marked in progress after this long belonged to a request that never finished (a crash). */
    static final Duration ABANDONED = Duration.ofMinutes(5);
    private static final String CLAIMED = "circles.idempotency.claimed";

    private final IdempotentRequests requests;

    IdempotencyFilter(IdempotentRequests requests) {
        this.requests = requests;
    }

    @Idempotent
    @ServerRequestFilter(readBody = true)
    public Optional<Response> claim(ContainerRequestContext request) {
        String key = request.getHeaderString(HEADER);
        if (key == null || !"POST".equals(request.getMethod())) {
            return Optional.empty();
        }
        IdempotentRequests.Start start = requests.start(key, target(request), sha256(body(request)),
                request.getUriInfo().getPath());
        if (start instanceof IdempotentRequests.Claimed claimed) {
            request.setProperty(CLAIMED, claimed);
            return Optional.empty();
        }
        return Optional.of(((IdempotentRequests.Answered) start).response());
    }

    @Idempotent
    @ServerResponseFilter
    public void keep(ContainerRequestContext request, ContainerResponseContext response) {
        if (!(request.getProperty(CLAIMED) instanceof IdempotentRequests.Claimed claim)) {
            return;
        }
        request.removeProperty(CLAIMED);
        requests.finish(claim, response.getStatus(), header(response, HttpHeaders.LOCATION),
                header(response, HttpHeaders.ETAG), response.getMediaType(), response.getEntity());
    }

    private static String header(ContainerResponseContext response, String name) {
        Object value = response.getHeaders().getFirst(name);
        return value == null ? null : response.getHeaderString(name);
    }

    /** What a key is bound to besides the body: the path and the query. */
    public static String target(java.net.URI requestUri) {
        String query = requestUri.getRawQuery();
        String path = requestUri.getRawPath();
        return query == null ? path : path + "?" + query;
    }

    private static String target(ContainerRequestContext request) {
        return target(request.getUriInfo().getRequestUri());
    }

    private static byte[] body(ContainerRequestContext request) {
        if (!request.hasEntity()) {
            return new byte[0];
        }
        try {
            byte[] bytes = request.getEntityStream().readAllBytes();
            request.setEntityStream(new ByteArrayInputStream(bytes));
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
