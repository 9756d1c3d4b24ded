package health.circles.security;

import health.circles.Sql;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The emergency_access table: break-the-glass grants, their review, and what an erasure leaves of them. Runs on the
 * transaction's connection when there is one, so a grant is seen by the access check of the same transaction.
 */
@ApplicationScoped
public class EmergencyAccessStore {

    private static final String COLUMNS = """
            id, contact_id, subject, subject_contact_id, reason, granted_at, expires_at, reviewed_by, reviewed_at,
            review_note, contact_erased_at""";

    private static final String INSERT = """
            INSERT INTO emergency_access (id, contact_id, subject, subject_contact_id, reason, granted_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)""";

    // Newest first, keyset-paged by (granted_at, id); reviewed null for all.
    private static final String PAGE = "SELECT " + COLUMNS + """
             FROM emergency_access
            WHERE (?::boolean IS NULL OR (reviewed_at IS NOT NULL) = ?::boolean)
              AND (?::timestamptz IS NULL OR (granted_at, id) < (?::timestamptz, ?::uuid))
            ORDER BY granted_at DESC, id DESC
            LIMIT ?""";

    private static final String BY_ID = "SELECT " + COLUMNS + " FROM emergency_access WHERE id = ?";

    // Only an unreviewed row: a second review finds nothing to change.
    private static final String REVIEW = """
            UPDATE emergency_access SET reviewed_by = ?, reviewed_at = ?, review_note = ?
            WHERE id = ? AND reviewed_at IS NULL
            RETURNING\s""" + COLUMNS;

    // Keeps who opened which id when; drops the free text that may describe the patient.
    private static final String FORGET_CONTACT = """
            UPDATE emergency_access SET reason = NULL, review_note = NULL, contact_erased_at = ?
            WHERE contact_id = ?""";

    // A grant widens what its clinician sees only until it expires.
    private static final String ACTIVE_AMONG = """
            SELECT contact_id FROM emergency_access
            WHERE subject = ? AND contact_id = ANY(?) AND expires_at > now()""";

    private final AgroalDataSource dataSource;
    private final Clock clock = Clock.systemUTC();

    EmergencyAccessStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Records a grant. */
    public void insert(UUID id, UUID contactId, String subject, UUID subjectContactId, String reason, Instant at,
                       Instant expires) {
        Sql.update(dataSource, INSERT, List.of(id, contactId, subject,
                subjectContactId == null ? Sql.NULL : subjectContactId, reason, at, expires));
    }

    /** Up to {@code limit} grants, newest first, after ({@code afterAt}, {@code afterId}) when given. */
    public List<EmergencyAccessView> page(Boolean reviewed, Instant afterAt, UUID afterId, int limit) {
        List<Object> params = new ArrayList<>();
        params.add(reviewed == null ? Sql.NULL : reviewed);
        params.add(reviewed == null ? Sql.NULL : reviewed);
        params.add(afterAt == null ? Sql.NULL : afterAt);
        params.add(afterAt == null ? Sql.NULL : afterAt);
        params.add(afterId == null ? Sql.NULL : afterId);
        params.add(limit);
        return Sql.query(dataSource, PAGE, params, this::view);
    }

    public Optional<EmergencyAccessView> find(UUID id) {
        return Sql.query(dataSource, BY_ID, List.of(id), this::view).stream().findFirst();
    }

    /** Marks a grant reviewed; empty when it was already reviewed (or does not exist). */
    public Optional<EmergencyAccessView> review(UUID id, String reviewer, Instant at, String note) {
        return Sql.query(dataSource, REVIEW, List.of(reviewer, at, note == null ? Sql.NULL : note, id), this::view)
                .stream().findFirst();
    }

    /** The contacts among {@code contacts} that {@code subject} holds an unexpired emergency grant for. */
    public Set<UUID> activeAmong(String subject, Collection<UUID> contacts) {
        return new HashSet<>(Sql.query(dataSource, ACTIVE_AMONG, List.of(subject, contacts.toArray(UUID[]::new)),
                r -> r.getObject(1, UUID.class)));
    }

    /** After an erasure of the contact: the rows keep their ids and times and lose their free text. */
    public void forgetContact(UUID contactId, Instant at) {
        Sql.update(dataSource, FORGET_CONTACT, List.of(at, contactId));
    }

    private EmergencyAccessView view(ResultSet r) throws SQLException {
        Instant expires = instant(r.getTimestamp(7));
        Instant reviewedAt = instant(r.getTimestamp(9));
        return new EmergencyAccessView(r.getObject(1, UUID.class), r.getObject(2, UUID.class), r.getString(3),
                r.getObject(4, UUID.class), r.getString(5), instant(r.getTimestamp(6)), expires,
                expires.isAfter(clock.instant()), reviewedAt != null, r.getString(8), reviewedAt, r.getString(10),
                r.getTimestamp(11) != null);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
