package health.circles.idempotency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.circles.security.Callers;
import health.circles.web.Idempotent;
import health.circles.web.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The Idempotency-Key header (IETF draft httpapi-idempotency-key) on the POSTs marked {@link Idempotent}. A key belongs
 * to the caller's subject: the same key, method, path and body within {@link #LIFETIME} gets the first 2xx answer
 * again (status, Location, ETag, body; {@code Idempotent-Replayed: true}) and the resource is not called; the same key
 * with another request is 422 idempotency-key-reused; while the first request still runs, 409
 * idempotency-key-in-flight. A request that fails (4xx, 5xx) frees its key. Without the header nothing changes.
 */
public class IdempotencyFilter {

    public static final String HEADER = "Idempotency-Key";
    static final String REPLAYED = "Idempotent-Replayed";
    /** How long a key and its answer are kept. */
    static final Duration LIFETIME = Duration.ofHours(24);
    /** A key still marked in progress after this long belonged to a request that never finished (a crash). */
    static final Duration ABANDONED = Duration.ofMinutes(5);
    private static final int MAX_KEY = 255;
    private static final String CLAIMED = "circles.idempotency.claimed";

    private final IdempotencyStore store;
    private final Callers callers;
    private final ObjectMapper json;

    IdempotencyFilter(IdempotencyStore store, Callers callers, ObjectMapper json) {
        this.store = store;
        this.callers = callers;
        this.json = json;
    }

    private record Claim(String subject, String key) {
    }

    @Idempotent
    @ServerRequestFilter(readBody = true)
    public Optional<Response> claim(ContainerRequestContext request) {
        String key = request.getHeaderString(HEADER);
        if (key == null || !"POST".equals(request.getMethod())) {
            return Optional.empty();
        }
        if (key.length() >= 2 && key.startsWith("\"") && key.endsWith("\"")) {
            key = key.substring(1, key.length() - 1); // the draft's structured-field string form
        }
        String path = request.getUriInfo().getPath();
        if (key.isEmpty() || key.length() > MAX_KEY || key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return Optional.of(problem(400, "idempotency-key-invalid", "Bad request",
                    HEADER + " must be 1 to " + MAX_KEY + " characters without control characters", path));
        }
        byte[] body = body(request);
        byte[] sha256 = sha256(body);
        String subject = callers.current().subject();
        String target = target(request);
        Instant now = Instant.now();
        Instant expired = now.minus(LIFETIME);
        for (int attempt = 0; attempt < 2; attempt++) {
            if (store.claim(subject, key, "POST", target, sha256, now, expired, now.minus(ABANDONED))) {
                request.setProperty(CLAIMED, new Claim(subject, key));
                return Optional.empty();
            }
            Optional<IdempotencyStore.Entry> found = store.find(subject, key, expired);
            if (found.isEmpty()) {
                continue; // expired and purged between the two statements: claim again
            }
            IdempotencyStore.Entry entry = found.get();
            if (!entry.sameRequest("POST", target, sha256)) {
                return Optional.of(problem(422, "idempotency-key-reused", "Idempotency key reused",
                        "This " + HEADER + " was already used for another request; use a new key", path));
            }
            if (entry.status() == null) {
                return Optional.of(problem(409, "idempotency-key-in-flight", "Conflict",
                        "A request with this " + HEADER + " is still in progress; retry later", path));
            }
            Response.ResponseBuilder replay = Response.status(entry.status()).header(REPLAYED, "true");
            if (entry.location() != null) {
                replay.header(HttpHeaders.LOCATION, entry.location());
            }
            if (entry.etag() != null) {
                replay.header(HttpHeaders.ETAG, entry.etag());
            }
            if (entry.body() != null) {
                replay.entity(entry.body()).type(entry.contentType() == null
                        ? MediaType.APPLICATION_JSON : entry.contentType());
            }
            return Optional.of(replay.build());
        }
        return Optional.of(problem(409, "idempotency-key-in-flight", "Conflict",
                "A request with this " + HEADER + " is still in progress; retry later", path));
    }

    @Idempotent
    @ServerResponseFilter
    public void keep(ContainerRequestContext request, ContainerResponseContext response) {
        if (!(request.getProperty(CLAIMED) instanceof Claim claim)) {
            return;
        }
        request.removeProperty(CLAIMED);
        int status = response.getStatus();
        if (status < 200 || status >= 300) {
            store.release(claim.subject(), claim.key());
            return;
        }
        Object entity = response.getEntity();
        String body;
        try {
            body = entity == null ? null : entity instanceof String text ? text : json.writeValueAsString(entity);
        } catch (JsonProcessingException e) {
            store.release(claim.subject(), claim.key());
            return;
        }
        MediaType type = response.getMediaType();
        store.finish(claim.subject(), claim.key(), status, header(response, HttpHeaders.LOCATION),
                header(response, HttpHeaders.ETAG), type == null ? null : type.toString(), body);
    }

    private static String header(ContainerResponseContext response, String name) {
        Object value = response.getHeaders().getFirst(name);
        return value == null ? null : response.getHeaderString(name);
    }

    private static String target(ContainerRequestContext request) {
        String query = request.getUriInfo().getRequestUri().getRawQuery();
        String path = request.getUriInfo().getRequestUri().getRawPath();
        return query == null ? path : path + "?" + query;
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

    private static Response problem(int status, String slug, String title, String detail, String path) {
        return Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(new Problem(Problem.type(slug), title, status, detail, path, List.of())).build();
    }
}
