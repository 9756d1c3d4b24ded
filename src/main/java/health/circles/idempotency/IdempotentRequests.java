package health.circles.idempotency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.circles.contact.ContactDirectory;
import health.circles.contact.ErasureRegister;
import health.circles.security.AuditNotes;
import health.circles.security.Callers;
import health.circles.web.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Idempotency-Key rules (IETF draft httpapi-idempotency-key), once: a key belongs to the caller's subject; the
 * same key, method, target and body within {@link IdempotencyFilter#LIFETIME} gets the first 2xx answer again
 * ({@code Idempotent-Replayed: true}); the same key with another request is 422 idempotency-key-reused; while the
 * first request still runs, 409 idempotency-key-in-flight; a request that fails frees its key.
 * {@link IdempotencyFilter} applies them to JSON POSTs, whose bodies it reads whole; an upload too large to hold in
 * memory (an import file) applies them itself once it has streamed and hashed the body.
 */
@ApplicationScoped
public class IdempotentRequests {

    private static final int MAX_KEY = 255;

    /** An id as answers write it (lower case, as erasure's own match of stored answers assumes). */
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** Stored answers are single records; a bound keeps a replay's check one small query whatever the body. */
    private static final int MAX_IDS_CHECKED = 10_000;

    private final IdempotencyStore store;
    private final Callers callers;
    private final ObjectMapper json;
    private final ErasureRegister register;
    private final ContactDirectory directory;
    private final AuditNotes auditNotes;

    IdempotentRequests(IdempotencyStore store, Callers callers, ObjectMapper json, ErasureRegister register,
                       ContactDirectory directory, AuditNotes auditNotes) {
        this.store = store;
        this.callers = callers;
        this.json = json;
        this.register = register;
        this.directory = directory;
        this.auditNotes = auditNotes;
    }

    /** What a request with a key may do: go ahead under its claim, or answer at once. */
    public sealed interface Start permits Claimed, Answered {
    }

    /** The key is this request's until {@link #finish} or {@link #release}. */
    public record Claimed(String subject, String key) implements Start {
    }

    /** The answer to give without doing the work: a replay, or the problem with the key. */
    public record Answered(Response response) implements Start {
    }

    /**
     * Claims {@code header} (the Idempotency-Key as sent) for a POST to {@code target} (path and query) whose body
     * hashes to {@code sha256}, or says what to answer instead.
     */
    public Start start(String header, String target, byte[] sha256, String path) {
        String key = header;
        if (key.length() >= 2 && key.startsWith("\"") && key.endsWith("\"")) {
            key = key.substring(1, key.length() - 1); // the draft's structured-field string form
        }
        if (key.isEmpty() || key.length() > MAX_KEY || key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return new Answered(problem(400, "idempotency-key-invalid", "Bad Request",
                    IdempotencyFilter.HEADER + " must be 1 to " + MAX_KEY + " characters without control characters",
                    path));
        }
        String subject = callers.current().subject();
        Instant now = Instant.now();
        Instant expired = now.minus(IdempotencyFilter.LIFETIME);
        for (int attempt = 0; attempt < 2; attempt++) {
            if (store.claim(subject, key, "POST", target, sha256, now, expired, now.minus(IdempotencyFilter.ABANDONED))) {
                return new Claimed(subject, key);
            }
            Optional<IdempotencyStore.Entry> found = store.find(subject, key, expired);
            if (found.isEmpty()) {
                continue; // expired and purged between the two statements: claim again
            }
            IdempotencyStore.Entry entry = found.get();
            if (!entry.sameRequest("POST", target, sha256)) {
                return new Answered(problem(422, "idempotency-key-reused", "Idempotency key reused",
                        "This " + IdempotencyFilter.HEADER + " was already used for another request; use a new key",
                        path));
            }
            if (entry.status() == null) {
                break;
            }
            if (entry.status() == IdempotencyStore.ERASED && entry.body() == null || namesErased(entry.body())) {
                // Erased since: its answer is gone, and doing the work again would bring the person back. The check
                // of the body covers an answer stored just after the erasure forgot the others.
                store.markErased(subject, key);
                return new Answered(problem(410, "erased-on-request", "Gone", "The answer to this request named "
                        + "a contact erased on request since; it is not given again and the request is not repeated",
                        path));
            }
            // A replay discloses the stored record again: its row says so, and names the contacts in it.
            auditNotes.actedAs("replay");
            auditNotes.concerns(directory.existing(idsIn(entry.body())).toArray(UUID[]::new));
            Response.ResponseBuilder replay = Response.status(entry.status())
                    .header(IdempotencyFilter.REPLAYED, "true");
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
            return new Answered(replay.build());
        }
        return new Answered(problem(409, "idempotency-key-in-flight", "Conflict",
                "A request with this " + IdempotencyFilter.HEADER + " is still in progress; retry later", path));
    }

    /** Whether a stored answer names a contact erased on request (any id in it found in the register). */
    private boolean namesErased(String body) {
        return register.anyErased(idsIn(body));
    }

    /** The ids a stored answer holds (of contacts and of other records alike), up to a bound. */
    private static Set<UUID> idsIn(String body) {
        Set<UUID> ids = new HashSet<>();
        if (body == null) {
            return ids;
        }
        Matcher m = UUID_TEXT.matcher(body);
        while (m.find() && ids.size() < MAX_IDS_CHECKED) {
            ids.add(UUID.fromString(m.group()));
        }
        return ids;
    }

    /**
     * Keeps the answer of a claimed request: a 2xx is stored for replays, anything else frees the key so that the
     * client may retry with it.
     */
    public void finish(Claimed claim, int status, String location, String etag, MediaType type, Object entity) {
        if (status < 200 || status >= 300) {
            release(claim);
            return;
        }
        String body;
        try {
            body = entity == null ? null : entity instanceof String text ? text : json.writeValueAsString(entity);
        } catch (JsonProcessingException e) {
            release(claim);
            return;
        }
        store.finish(claim.subject(), claim.key(), status, location, etag, type == null ? null : type.toString(), body);
    }

    /** Frees the key of a request that did not succeed. */
    public void release(Claimed claim) {
        store.release(claim.subject(), claim.key());
    }

    private static Response problem(int status, String slug, String title, String detail, String path) {
        return Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(new Problem(Problem.type(slug), title, status, detail, path, List.of())).build();
    }
}
