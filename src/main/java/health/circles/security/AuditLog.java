package health.circles.security;

import health.circles.failure.InvalidInput;
import health.circles.web.Cursor;
import health.circles.web.Page;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The audit trail: appends events (in the caller's transaction when there is one, see {@link AuditInterceptor}), pages
 * them, and verifies the hash chain the database keeps over them (V13__audit_chain.sql).
 */
@ApplicationScoped
public class AuditLog {

    /**
     * One event to record: one per call. {@code recordIds} names the records a listing showed, in order; null for a
     * call on one record or on none.
     */
    public record Event(String subject, List<String> roles, String action, String resourceType, String resourceId,
                        List<String> recordIds, List<UUID> contactIds, String method, String path, int status, String requestId,
                        String clientAddress) {
    }

    /** Filters of the audit query; null means any. */
    public record Query(String subject, UUID contact, String resourceType, String resourceId, String action,
                        Instant from, Instant to, int limit, Cursor after) {
    }

    private static final Logger LOG = Logger.getLogger(AuditLog.class);

    private final AuditStore store;
    private final boolean readsWaitForFlush;

    AuditLog(AuditStore store, SecurityConfig config) {
        this.store = store;
        this.readsWaitForFlush = config.audit().readsWaitForFlush();
    }

    /** Says so loudly when the service could rewrite its own trail: a deployment left on one database role. */
    void checkRole(@Observes StartupEvent start) {
        try {
            if (runtimeRoleCanRewrite()) {
                LOG.warn("The database role the service connects as could change or remove audit rows (it is a "
                        + "superuser, owns audit_event or holds more than SELECT and INSERT on it). Connect as a role "
                        + "of its own and run the migrations as the owner: docs/security.md");
            }
        } catch (RuntimeException e) {
            LOG.warnf("Could not check the service role's rights on the audit trail: %s", e.getMessage());
        }
    }

    /** Appends the row of a change, an attempt or a job: committed flushed to disk. */
    public void append(Event event) {
        append(event, true);
    }

    /**
     * Appends the row of a read (what it showed): committed before the answer leaves, flushed to disk only when
     * {@code circles.security.audit.reads-wait-for-flush} says so ({@link SecurityConfig.Audit#readsWaitForFlush()}).
     */
    void appendRead(Event event) {
        append(event, readsWaitForFlush);
    }

    private void append(Event event, boolean flushed) {
        try {
            store.append(event, flushed);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("Could not write the audit trail", e);
        }
    }

    /** Newest first, keyset-paged by id. */
    public Page<AuditEntry> query(Query q) {
        List<AuditEntry> found = store.page(q, q.after() == null ? null : afterId(q.after()), q.limit() + 1);
        boolean more = found.size() > q.limit();
        List<AuditEntry> page = more ? found.subList(0, q.limit()) : found;
        String next = more ? new Cursor(Long.toString(page.get(page.size() - 1).id()), new UUID(0, 0)).encode() : null;
        return new Page<>(List.copyOf(page), next);
    }

    /**
     * Walks the whole chain in id order: the first row whose hash does not match its content and link (it was changed)
     * or whose link does not match the row before it (a row before it was removed, or it was put in), and the head.
     */
    public AuditVerification verify() {
        AuditStore.Chain chain = store.chain();
        Long broken = chain.broken();
        AuditVerification.Break at = broken == null ? null : new AuditVerification.Break(broken,
                chain.changed() ? "changed" : "relinked",
                chain.changed()
                        ? "row " + broken + " no longer matches the hash written with it: it was changed"
                        : "row " + broken + " does not link to the row before it: a row before it was removed "
                          + "or it was inserted out of order");
        return new AuditVerification(at == null, chain.rows(), chain.first(), chain.last(), chain.head(), at,
                store.runtimeRoleCanRewrite());
    }

    /** Whether the role the service connects as could change or remove audit rows: it should not (docs/security.md). */
    public boolean runtimeRoleCanRewrite() {
        return store.runtimeRoleCanRewrite();
    }

    private static long afterId(Cursor cursor) {
        try {
            return Long.parseLong(cursor.key());
        } catch (NumberFormatException e) {
            throw InvalidInput.field("cursor", "is not a cursor returned by this listing");
        }
    }
}
