package health.circles.security;

import health.circles.failure.NotFound;
import health.circles.failure.NotPermitted;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Minimum necessary: the one place that decides which fields of a record the caller may see. Services pass every view
 * they return through it ({@link Disclosable}: the view's package says which contacts decide it and what its limited
 * form leaves out); resources never filter.
 * <ul>
 * <li>admin and integration see whole records;</li>
 * <li>a clinician sees the whole record of the patients they treat (an open tie of an access-granting type, TREATS,
 *     from the contact named by the token's contact claim, asserted by an admin or an integration or confirmed by one:
 *     never a pending claim or a tie inferred from touchpoints), of their own contact, and of the contacts they opened
 *     in an emergency while that grant lasts (break-the-glass); everything else in the limited view;</li>
 * <li>outreach and analyst see the limited view: contact channels only where the contact consented to them and is not
 *     do-not-contact, no external (EHR) identifier, no tie notes, no clinical touchpoint topics or outcomes.</li>
 * </ul>
 */
@ApplicationScoped
public class Disclosure {

    private final Callers callers;
    private final CareRelations care;
    private final EmergencyAccessStore emergencies;

    Disclosure(Callers callers, CareRelations care, EmergencyAccessStore emergencies) {
        this.callers = callers;
        this.care = care;
        this.emergencies = emergencies;
    }

    /** The view as the caller may see it. */
    public <T extends Disclosable<T>> T disclosed(T view) {
        return disclosed(List.of(view)).get(0);
    }

    /**
     * The views as the caller may see them: each whole when the caller sees whole the record of one of the contacts
     * that decide it, else limited. One query for the whole list, and none when no view depends on the caller.
     */
    public <T extends Disclosable<T>> List<T> disclosed(List<T> views) {
        Caller caller = callers.current();
        if (caller.seesEverything() || views.stream().allMatch(v -> v.disclosedBy() == null)) {
            return views;
        }
        Set<UUID> deciding = new HashSet<>();
        views.stream().map(Disclosable::disclosedBy).filter(Objects::nonNull).forEach(deciding::addAll);
        Set<UUID> whole = wholeRecords(caller, deciding);
        return views.stream()
                .map(v -> v.disclosedBy() == null || v.disclosedBy().stream().anyMatch(c -> whole.contains(c)
                        && (v.ownContactDiscloses() || !c.equals(caller.contactId()))) ? v : v.limited())
                .toList();
    }

    /** These contacts less the caller's own (for what a caller's own contact cannot decide: a group they joined). */
    public List<UUID> besidesOwnContact(Collection<UUID> contacts) {
        UUID own = callers.current().contactId();
        return contacts.stream().filter(c -> !c.equals(own)).toList();
    }

    /**
     * Whether the caller may see clinical detail (topic, outcome, notes) of something these contacts took part in: for
     * touchpoints marked clinical and any later record with clinical free text.
     */
    public boolean seesClinicalDetail(Collection<UUID> participants) {
        Caller caller = callers.current();
        return caller.seesEverything() || !wholeRecords(caller, participants).isEmpty();
    }

    /**
     * Object-level rule for changes: a clinician changes only what they see whole, a contact record of their own
     * patients (or their own), a tie that touches one; no write can then be based on a filtered view. Anything else
     * answers exactly like an unknown {@code what}: the answer tells nothing about whether the id exists.
     */
    public void requireWhole(String what, UUID id, UUID... contacts) {
        Caller caller = callers.current();
        if (caller.seesEverything() || !caller.has(Roles.CLINICIAN)) {
            return; // the role check on the endpoint already decided
        }
        if (wholeRecords(caller, List.of(contacts)).isEmpty()) {
            throw new NotFound(what, id);
        }
    }

    /**
     * For what only a care relationship allows, not an emergency grant: a clinician must treat {@code contact} (or be
     * it). Callers check {@link #requireWhole} first, so a refusal here tells nothing the caller does not see:
     * a 403 naming {@code what} and whom it is for.
     */
    public void requireCare(UUID contact, String what, String forWhom) {
        Caller caller = callers.current();
        if (caller.seesEverything() || !caller.has(Roles.CLINICIAN)) {
            return; // the role check on the endpoint already decided
        }
        if (contact.equals(caller.contactId())
                || caller.contactId() != null && !care.treatedBy(caller.contactId(), List.of(contact)).isEmpty()) {
            return;
        }
        throw new NotPermitted("care-relationship-required", "Care relationship required",
                what + " is recorded by a clinician only for " + forWhom);
    }

    /** The ids among {@code contacts} whose whole record the caller sees. */
    Set<UUID> wholeRecords(Caller caller, Collection<UUID> contacts) {
        if (caller.seesEverything()) {
            return new HashSet<>(contacts);
        }
        Set<UUID> whole = new HashSet<>();
        if (!caller.has(Roles.CLINICIAN) || contacts.isEmpty()) {
            return whole;
        }
        if (caller.contactId() != null && contacts.contains(caller.contactId())) {
            whole.add(caller.contactId());
        }
        whole.addAll(treatedAmong(caller, contacts));
        return whole;
    }

    /** The contacts among {@code contacts} the clinician treats (a granting tie) or opened in an emergency. */
    private Set<UUID> treatedAmong(Caller clinician, Collection<UUID> contacts) {
        Set<UUID> found = new LinkedHashSet<>();
        // No contact claim: the clinician treats nobody; emergency grants still count.
        if (clinician.contactId() != null) {
            found.addAll(care.treatedBy(clinician.contactId(), contacts));
        }
        found.addAll(emergencies.activeAmong(clinician.subject(), contacts));
        return found;
    }
}
