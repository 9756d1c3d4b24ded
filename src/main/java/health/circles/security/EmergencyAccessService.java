package health.circles.security;

import health.circles.failure.Conflict;
import health.circles.failure.InvalidInput;
import health.circles.failure.NotFound;
import health.circles.failure.NotPermitted;
import health.circles.web.Cursor;
import health.circles.web.Page;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * Break-the-glass: a clinician opens a record they have no care relationship with, for a stated reason. The opening
 * grants the whole record to that clinician (token subject) for a bounded window ({@link Disclosure} honours it) and
 * waits in a queue for an admin's review. Erasing the contact keeps the row's ids and drops its free text. The contact
 * package opens the record (POST /contacts/{id}/emergency-access) and tells of erasures: this package knows contacts
 * by id only.
 */
@ApplicationScoped
public class EmergencyAccessService {

    /** A grant as recorded: its id, listed for review, and until when it shows the whole record. */
    public record Grant(UUID id, Instant expiresAt) {
    }

    private final EmergencyAccessStore store;
    private final Callers callers;
    private final SecurityConfig config;
    private final Clock clock = Clock.systemUTC();

    EmergencyAccessService(EmergencyAccessStore store, Callers callers, SecurityConfig config) {
        this.store = store;
        this.callers = callers;
        this.config = config;
    }

    /**
     * Grants the caller the whole record of an existing contact for the configured window, in the caller's
     * transaction: the access check that follows in it sees the grant, and if the record cannot be answered the grant
     * is not kept.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Grant open(UUID contactId, String reason) {
        Caller caller = callers.current();
        Instant now = now();
        Instant expires = now.plus(config.emergencyAccess().window());
        UUID id = UUID.randomUUID();
        store.insert(id, contactId, caller.subject(), caller.contactId(), reason.strip(), now, expires);
        return new Grant(id, expires);
    }

    /** Newest first; {@code reviewed} null for all, false for the review queue. */
    public Page<EmergencyAccessView> list(Boolean reviewed, Cursor after, int limit) {
        Instant afterAt = null;
        if (after != null) {
            try {
                afterAt = health.circles.web.Cursor.instant(after.key());
            } catch (DateTimeParseException e) {
                throw InvalidInput.field("cursor", "belongs to another listing");
            }
        }
        List<EmergencyAccessView> found = store.page(reviewed, afterAt, after == null ? null : after.id(), limit + 1);
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
        EmergencyAccessView existing = store.find(id).orElseThrow(() -> new NotFound("Emergency access", id));
        if (existing.subject().equals(caller.subject())) {
            throw new NotPermitted("own-emergency-access", "An emergency access is reviewed by someone else",
                    "You opened this record; another admin reviews it");
        }
        return store.review(id, caller.subject(), now(), note).orElseThrow(() -> new Conflict("already-reviewed",
                "Emergency access " + id + " was already reviewed"));
    }

    /**
     * Erasure, in the erasing transaction: keeps who opened which id when (the review still stands, like the audit
     * trail's ids) and drops the reason and the review note: free text that may describe the patient.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void contactErased(UUID contactId) {
        store.forgetContact(contactId, now());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
