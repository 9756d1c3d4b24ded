package health.circles.security;

import health.circles.web.ApiProblem;
import health.circles.web.Cursor;
import health.circles.web.Page;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The audit store: appends events (in the caller's transaction when there is one, see {@link AuditInterceptor}), pages
 * them, and verifies the hash chain the database keeps over them (V13__audit_chain.sql).
 */
@ApplicationScoped
public class AuditLog {

    /** One event to record. */
    public record Event(String subject, List<String> roles, String action, String resourceType, String resourceId,
                        List<UUID> contactIds, String method, String path, int status, String requestId,
                        String clientAddress) {
    }

    /** Filters of the audit query; null means any. */
    public record Query(String subject, UUID contact, String resourceType, String resourceId, String action,
                        Instant from, Instant to, int limit, Cursor after) {
    }

    private static final String INSERT = """
            INSERT INTO audit_event (subject, roles, action, resource_type, resource_id, contact_ids, method, path,
                                     status, request_id, client_address)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    private static final Logger LOG = Logger.getLogger(AuditLog.class);

    private final AgroalDataSource dataSource;

    AuditLog(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
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

    public void append(List<Event> events) {
        if (events.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(INSERT)) {
            for (Event e : events) {
                s.setString(1, e.subject());
                s.setArray(2, c.createArrayOf("text", e.roles().toArray()));
                s.setString(3, e.action());
                s.setString(4, e.resourceType());
                s.setString(5, e.resourceId());
                s.setArray(6, c.createArrayOf("uuid", e.contactIds().toArray()));
                s.setString(7, e.method());
                s.setString(8, e.path());
                s.setInt(9, e.status());
                s.setString(10, e.requestId());
                s.setString(11, e.clientAddress());
                s.addBatch();
            }
            s.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not write the audit trail", e);
        }
    }

    /** Newest first, keyset-paged by id. */
    public Page<AuditEntry> query(Query q) {
        StringBuilder sql = new StringBuilder("""
                SELECT id, at, subject, roles, action, resource_type, resource_id, contact_ids, method, path, status,
                       request_id, client_address, encode(hash, 'hex')
                FROM audit_event WHERE true""");
        List<Object> params = new ArrayList<>();
        if (q.subject() != null) {
            sql.append(" AND subject = ?");
            params.add(q.subject());
        }
        if (q.contact() != null) {
            sql.append(" AND contact_ids @> ARRAY[?::uuid]");
            params.add(q.contact());
        }
        if (q.resourceType() != null) {
            sql.append(" AND resource_type = ?");
            params.add(q.resourceType());
        }
        if (q.resourceId() != null) {
            sql.append(" AND resource_id = ?");
            params.add(q.resourceId());
        }
        if (q.action() != null) {
            sql.append(" AND action = ?");
            params.add(q.action());
        }
        if (q.from() != null) {
            sql.append(" AND at >= ?");
            params.add(Timestamp.from(q.from()));
        }
        if (q.to() != null) {
            sql.append(" AND at < ?");
            params.add(Timestamp.from(q.to()));
        }
        if (q.after() != null) {
            sql.append(" AND id < ?");
            params.add(afterId(q.after()));
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        params.add(q.limit() + 1);
        List<AuditEntry> found = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) {
                Object p = params.get(i);
                if (p instanceof UUID u) {
                    s.setString(i + 1, u.toString());
                } else {
                    s.setObject(i + 1, p);
                }
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    found.add(new AuditEntry(r.getLong(1), r.getTimestamp(2).toInstant(), r.getString(3),
                            strings(r.getArray(4)), r.getString(5), r.getString(6), r.getString(7),
                            uuids(r.getArray(8)), r.getString(9), r.getString(10), r.getInt(11), r.getString(12),
                            r.getString(13), r.getString(14)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the audit trail", e);
        }
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
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(VERIFY)) {
            try (ResultSet r = s.executeQuery()) {
                r.next();
                long rows = r.getLong(1);
                Long first = (Long) r.getObject(2);
                Long last = (Long) r.getObject(3);
                String head = r.getString(4);
                Long broken = (Long) r.getObject(5);
                AuditVerification.Break at = broken == null ? null : new AuditVerification.Break(broken,
                        r.getBoolean(6) ? "changed" : "relinked",
                        r.getBoolean(6)
                                ? "row " + broken + " no longer matches the hash written with it: it was changed"
                                : "row " + broken + " does not link to the row before it: a row before it was removed "
                                  + "or it was inserted out of order");
                return new AuditVerification(at == null, rows, first, last, head, at, runtimeRoleCanRewrite(c));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not verify the audit trail", e);
        }
    }

    /** Whether the role the service connects as could change or remove audit rows: it should not (docs/security.md). */
    public boolean runtimeRoleCanRewrite() {
        try (Connection c = dataSource.getConnection()) {
            return runtimeRoleCanRewrite(c);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the service role's rights on the audit trail", e);
        }
    }

    private static boolean runtimeRoleCanRewrite(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(REWRITE_RIGHTS); ResultSet r = s.executeQuery()) {
            r.next();
            return r.getBoolean(1);
        }
    }

    private static final String VERIFY = """
            WITH links AS (
                SELECT id, hash, hash IS DISTINCT FROM audit_event_digest(prev_hash, e) AS changed,
                       prev_hash IS DISTINCT FROM lag(hash) OVER (ORDER BY id) AS relinked
                FROM audit_event e),
            broken AS (SELECT id, changed FROM links WHERE changed OR relinked ORDER BY id LIMIT 1)
            SELECT (SELECT count(*) FROM audit_event), (SELECT min(id) FROM audit_event),
                   (SELECT max(id) FROM audit_event),
                   (SELECT encode(hash, 'hex') FROM audit_event ORDER BY id DESC LIMIT 1),
                   (SELECT id FROM broken), (SELECT changed FROM broken)""";

    /** Superuser, owner (or member of the owner's role), or any right beyond reading and adding rows. */
    private static final String REWRITE_RIGHTS = """
            SELECT r.rolsuper
                OR pg_has_role(current_user, t.tableowner, 'MEMBER')
                OR has_table_privilege(current_user, 'audit_event', 'UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES')
            FROM pg_roles r, pg_tables t
            WHERE r.rolname = current_user AND t.schemaname = current_schema() AND t.tablename = 'audit_event'""";

    private static long afterId(Cursor cursor) {
        try {
            return Long.parseLong(cursor.key());
        } catch (NumberFormatException e) {
            throw ApiProblem.invalidField("next", "is not a cursor returned by this listing");
        }
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.stream((Object[]) array.getArray()).map(String::valueOf).toList();
    }

    private static List<UUID> uuids(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.stream((Object[]) array.getArray()).map(o -> (UUID) o).toList();
    }
}
