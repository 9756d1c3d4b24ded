package health.circles.idempotency;

import health.circles.Sql;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The idempotency_key table: claims a key for a request in progress, keeps a finished request's answer, hands it back
 * to the same subject only, and forgets keys past their lifetime or answers that name an erased contact. Runs on the
 * transaction's connection when there is one (the erasure's), else in autocommit.
 */
@ApplicationScoped
public class IdempotencyStore {

    // A new key, or one whose row has expired or was abandoned in flight (expired rows are ignored, then replaced).
    private static final String CLAIM = """
            INSERT INTO idempotency_key (subject, idem_key, method, path, body_sha256, created_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (subject, idem_key) DO UPDATE
                SET method = EXCLUDED.method, path = EXCLUDED.path, body_sha256 = EXCLUDED.body_sha256,
                    status = NULL, location = NULL, etag = NULL, content_type = NULL, response_body = NULL,
                    created_at = EXCLUDED.created_at
                WHERE idempotency_key.created_at < ?
                   OR (idempotency_key.status IS NULL AND idempotency_key.created_at < ?)""";

    private static final String FIND = """
            SELECT method, path, body_sha256, status, location, etag, content_type, response_body
            FROM idempotency_key WHERE subject = ? AND idem_key = ? AND created_at >= ?""";

    private static final String FINISH = """
            UPDATE idempotency_key SET status = ?, location = ?, etag = ?, content_type = ?, response_body = ?
            WHERE subject = ? AND idem_key = ? AND status IS NULL""";

    private static final String RELEASE =
            "DELETE FROM idempotency_key WHERE subject = ? AND idem_key = ? AND status IS NULL";

    private static final String PURGE = "DELETE FROM idempotency_key WHERE created_at < ?";

    /**
     * An answer that names an erased contact loses its body and headers but keeps its key, marked {@link #ERASED}: a
     * replay must not do the work again (a POST /contacts would create the person anew) nor give their data back.
     */
    private static final String FORGET_CONTACT = """
            UPDATE idempotency_key SET status = 410, location = NULL, etag = NULL, content_type = NULL,
                                       response_body = NULL
            WHERE response_body IS NOT NULL AND strpos(response_body, ?) > 0""";

    private static final String MARK_ERASED = """
            UPDATE idempotency_key SET status = 410, location = NULL, etag = NULL, content_type = NULL,
                                       response_body = NULL
            WHERE subject = ? AND idem_key = ?""";

    /** The status that marks a stored answer forgotten by an erasure; only 2xx answers are ever stored otherwise. */
    static final int ERASED = 410;

    /** A stored key: what it was first used for and, once finished, its answer (status null: still in progress). */
    public record Entry(String method, String path, byte[] bodySha256, Integer status, String location, String etag,
                        String contentType, String body) {

        boolean sameRequest(String method, String path, byte[] sha256) {
            return this.method.equals(method) && this.path.equals(path) && Arrays.equals(bodySha256, sha256);
        }
    }

    private final AgroalDataSource db;

    IdempotencyStore(AgroalDataSource db) {
        this.db = db;
    }

    /**
     * Claims {@code key} for this request: true when it was free (new, expired before {@code expiredBefore}, or left
     * in flight before {@code abandonedBefore}); false when another use of it stands.
     */
    public boolean claim(String subject, String key, String method, String path, byte[] sha256, Instant now,
                         Instant expiredBefore, Instant abandonedBefore) {
        return Sql.update(db, CLAIM, List.of(subject, key, method, path, sha256, now, expiredBefore,
                abandonedBefore)) == 1;
    }

    /** The subject's live use of {@code key}, if any. */
    public Optional<Entry> find(String subject, String key, Instant expiredBefore) {
        return Sql.query(db, FIND, List.of(subject, key, expiredBefore), r -> {
            int status = r.getInt("status");
            Integer answered = r.wasNull() ? null : status;
            return new Entry(r.getString("method"), r.getString("path"), r.getBytes("body_sha256"), answered, r.getString("location"), r.getString("etag"),
                    r.getString("content_type"), r.getString("response_body"));
        }).stream().findFirst();
    }

    /** Keeps the answer of a request that claimed {@code key}. */
    public void finish(String subject, String key, int status, String location, String etag, String contentType,
                       String body) {
        Sql.update(db, FINISH, List.of(status, nullable(location), nullable(etag), nullable(contentType),
                nullable(body), subject, key));
    }

    /** Frees a key whose request did not succeed, so that the client may retry with it. */
    public void release(String subject, String key) {
        Sql.update(db, RELEASE, List.of(subject, key));
    }

    /** Deletes keys created before {@code before}; returns how many. */
    public int purge(Instant before) {
        return Sql.update(db, PURGE, List.of(before));
    }

    /** Forgets every stored answer whose body names {@code contact}, keeping the keys (see {@link #FORGET_CONTACT}). */
    public int forget(UUID contact) {
        return Sql.update(db, FORGET_CONTACT, List.of(contact.toString()));
    }

    /** Forgets one stored answer, keeping its key, as {@link #forget} does. */
    public void markErased(String subject, String key) {
        Sql.update(db, MARK_ERASED, List.of(subject, key));
    }

    private static Object nullable(Object value) {
        return value == null ? Sql.NULL : value;
    }
}
