package health.circles.security;

import health.circles.Sql;
import health.circles.contact.ContactErased;
import health.circles.contact.ContactService;
import health.circles.contact.ContactView;
import health.circles.contact.Contacts;
import health.circles.web.ApiProblem;
import health.circles.web.Cursor;
import health.circles.web.Page;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Break-the-glass: a clinician opens a record they have no care relationship with, for a stated reason. The opening
 * grants the whole record to that clinician (token subject) for a bounded window ({@link Disclosure} honours it) and
 * waits in a queue for an admin's review. Erasing the contact keeps the row's ids and drops its free text.
 */
@ApplicationScoped
public class EmergencyAccessService {

    private static final String COLUMNS = """
            id, contact_id, subject, subject_contact_id, reason, granted_at, expires_at, reviewed_by, reviewed_at,
            review_note, contact_erased_at""";

    private final Contacts contacts;
    private final ContactService contactService;
    private final Callers callers;
    private final SecurityConfig config;
    private final EntityManager em;
    private final AgroalDataSource dataSource;
    private final Clock clock = Clock.systemUTC();

    EmergencyAccessService(Contacts contacts, ContactService contactService, Callers callers, SecurityConfig config,
                           EntityManager em, AgroalDataSource dataSource) {
        this.contacts = contacts;
        this.contactService = contactService;
        this.callers = callers;
        this.config = config;
        this.em = em;
        this.dataSource = dataSource;
    }

    /**
     * Records the grant and answers the record whole. One transaction: the access check runs on the transaction's
     * connection, so it sees the grant; if the grant cannot be written, nothing is shown.
     */
    @Transactional
    public EmergencyAccessGranted open(UUID contactId, EmergencyAccessRequest in) {
        if (contacts.findById(contactId) == null) {
            throw ApiProblem.notFound("Contact", contactId);
        }
        Caller caller = callers.current();
        Instant now = now();
        Instant expires = now.plus(config.emergencyAccess().window());
        UUID id = UUID.randomUUID();
        em.createNativeQuery("""
                        INSERT INTO emergency_access (id, contact_id, subject, subject_contact_id, reason, granted_at,
                                                      expires_at)
                        VALUES (:id, :contact, :subject, CAST(:subjectContact AS uuid), :reason, :at, :expires)""")
                .setParameter("id", id)
                .setParameter("contact", contactId)
                .setParameter("subject", caller.subject())
                .setParameter("subjectContact", caller.contactId() == null ? null : caller.contactId().toString())
                .setParameter("reason", in.reason().strip())
                .setParameter("at", now)
                .setParameter("expires", expires)
                .executeUpdate();
        em.flush();
        ContactView view = contactService.get(contactId);
        return new EmergencyAccessGranted(id, expires, view);
    }

    /** Newest first; {@code reviewed} null for all, false for the review queue. */
    public Page<EmergencyAccessView> list(Boolean reviewed, Cursor after, int limit) {
        Instant afterAt = null;
        if (after != null) {
            try {
                afterAt = health.circles.web.Cursor.instant(after.key());
            } catch (DateTimeParseException e) {
                throw ApiProblem.invalidField("next", "belongs to another listing");
            }
        }
        List<Object> params = new ArrayList<>();
        params.add(reviewed == null ? Sql.NULL : reviewed);
        params.add(reviewed == null ? Sql.NULL : reviewed);
        params.add(afterAt == null ? Sql.NULL : afterAt);
        params.add(afterAt == null ? Sql.NULL : afterAt);
        params.add(after == null ? Sql.NULL : after.id());
        params.add(limit + 1);
        List<EmergencyAccessView> found = Sql.query(dataSource, "SELECT " + COLUMNS + """
                 FROM emergency_access
                WHERE (?::boolean IS NULL OR (reviewed_at IS NOT NULL) = ?::boolean)
                  AND (?::timestamptz IS NULL OR (granted_at, id) < (?::timestamptz, ?::uuid))
                ORDER BY granted_at DESC, id DESC
                LIMIT ?""", params, this::view);
        boolean more = found.size() > limit;
        List<EmergencyAccessView> page = more ? found.subList(0, limit) : found;
        String next = null;
        if (more) {
            EmergencyAccessView last = page.get(page.size() - 1);
            next = new Cursor(last.grantedAt().toString(), last.id()).encode();
        }
        return new Page<>(List.copyOf(page), next);
    }

    /** Marks an emergency access reviewed, once, by an admin other than whoever opened the record. */
    public EmergencyAccessView review(UUID id, EmergencyReview in) {
        Caller caller = callers.current();
        String note = in == null || in.note() == null || in.note().isBlank() ? null : in.note().strip();
        List<EmergencyAccessView> existing = Sql.query(dataSource,
                "SELECT " + COLUMNS + " FROM emergency_access WHERE id = ?", List.of(id), this::view);
        if (existing.isEmpty()) {
            throw ApiProblem.notFound("Emergency access", id);
        }
        if (existing.get(0).subject().equals(caller.subject())) {
            throw new ApiProblem(403, "own-emergency-access", "An emergency access is reviewed by someone else",
                    "You opened this record; another admin reviews it");
        }
        List<EmergencyAccessView> done = Sql.query(dataSource, """
                UPDATE emergency_access SET reviewed_by = ?, reviewed_at = ?, review_note = ?
                WHERE id = ? AND reviewed_at IS NULL
                RETURNING\s""" + COLUMNS, List.of(caller.subject(), now(), note == null ? Sql.NULL : note, id), this::view);
        if (done.isEmpty()) {
            throw ApiProblem.conflict("already-reviewed", "Emergency access " + id + " was already reviewed");
        }
        return done.get(0);
    }

    /**
     * Erasure keeps who opened which id when (the review still stands, like the audit trail's ids) and drops the
     * reason and the review note: free text that may describe the patient.
     */
    void onErased(@Observes ContactErased erased) {
        em.createNativeQuery("""
                        UPDATE emergency_access SET reason = NULL, review_note = NULL, contact_erased_at = :at
                        WHERE contact_id = :id""")
                .setParameter("at", now())
                .setParameter("id", erased.contactId())
                .executeUpdate();
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

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
