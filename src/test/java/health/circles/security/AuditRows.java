package health.circles.security;

import io.agroal.api.AgroalDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/** Reads back the audit rows a test's own subject wrote, one line per row, for exact comparison. */
public final class AuditRows {

    private AuditRows() {
    }

    /**
     * "action resource resourceId [contacts] METHOD status" for each row of the subject, oldest first, followed by
     * " records [ids]" when the row is a listing's that names its records. Contacts and records are listed in the
     * order the row holds them.
     */
    public static List<String> of(AgroalDataSource db, String subject) {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT action, resource_type, resource_id, contact_ids, method, status, record_ids FROM audit_event
                WHERE subject = ? ORDER BY id""")) {
            s.setString(1, subject);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(r.getString(1) + " " + r.getString(2) + " " + r.getString(3) + " "
                            + Arrays.toString((Object[]) r.getArray(4).getArray()) + " " + r.getString(5) + " "
                            + r.getInt(6) + (r.getArray(7) == null ? ""
                            : " records " + Arrays.toString((Object[]) r.getArray(7).getArray())));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    /** The same rows with each row's contacts as a sorted set, for answers whose order is the graph's. */
    public static List<String> sorted(AgroalDataSource db, String subject) {
        return of(db, subject).stream().map(AuditRows::sortContacts).toList();
    }

    /** One expected row with its contacts sorted, to compare with {@link #sorted}. */
    public static String row(String action, String resource, Object id, Collection<UUID> contacts, String method,
                             int status) {
        return action + " " + resource + " " + id + " "
                + contacts.stream().map(UUID::toString).sorted().collect(Collectors.joining(", ", "[", "]"))
                + " " + method + " " + status;
    }

    /**
     * The one expected row of a listing that showed {@code records} (in order), with the union of their contacts
     * sorted, to compare with {@link #sorted}; its resource id is the record's when it showed exactly one.
     */
    public static String listing(String action, String resource, List<?> records, Collection<UUID> contacts,
                                 String method, int status) {
        return row(action, resource, records.size() == 1 ? records.get(0) : null, contacts, method, status)
                + " records " + records;
    }

    /** A fresh subject, so that the rows read back are exactly those of one test. */
    public static String subject(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    private static String sortContacts(String row) {
        int open = row.indexOf('[');
        int close = row.indexOf(']');
        String inside = row.substring(open + 1, close);
        String sorted = inside.isEmpty() ? "" : Arrays.stream(inside.split(", ")).sorted()
                .collect(Collectors.joining(", "));
        return row.substring(0, open + 1) + sorted + row.substring(close);
    }

    static Set<UUID> ids(UUID... ids) {
        return Set.of(ids);
    }
}
