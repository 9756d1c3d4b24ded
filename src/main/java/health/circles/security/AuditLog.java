package health.circles.security;

import health.circles.web.ApiProblem;
import health.circles.web.Cursor;
import health.circles.web.Page;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
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

/** The audit store: appends events (in their own transaction, committed before the answer leaves) and pages them. */
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

    private final AgroalDataSource dataSource;

    AuditLog(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
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
                       request_id, client_address
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
                            r.getString(13)));
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
