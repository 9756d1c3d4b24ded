package health.circles.security;

import health.circles.contact.Channel;
import health.circles.contact.ConsentStatus;
import health.circles.contact.ContactView;
import health.circles.network.TieView;
import health.circles.network.TouchpointView;
import health.circles.web.ApiProblem;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Minimum necessary: the one place that decides which fields of a record the caller may see. Services pass every view
 * they return through it; resources never filter.
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

    // Ties of a granting type count only as asserted or confirmed (a clinician's own claim grants nothing until an
    // admin or an integration confirms it); emergency grants only until they expire.
    private static final String TREATED = """
            SELECT to_id FROM tie
            WHERE type = ANY(?) AND assertion IN ('ASSERTED', 'CONFIRMED')
              AND from_id = ? AND to_id = ANY(?) AND (until IS NULL OR until > current_date)
            UNION
            SELECT contact_id FROM emergency_access
            WHERE subject = ? AND contact_id = ANY(?) AND expires_at > now()""";
    private static final String[] GRANTING = health.circles.network.TieType.granting();

    private final Callers callers;
    private final AgroalDataSource dataSource;

    Disclosure(Callers callers, AgroalDataSource dataSource) {
        this.callers = callers;
        this.dataSource = dataSource;
    }

    public ContactView contact(ContactView view) {
        return contacts(List.of(view)).get(0);
    }

    public List<ContactView> contacts(List<ContactView> views) {
        Caller caller = callers.current();
        if (caller.seesEverything() || views.isEmpty()) {
            return views;
        }
        Set<UUID> whole = wholeRecords(caller, views.stream().map(ContactView::id).toList());
        return views.stream().map(v -> whole.contains(v.id()) ? v : limited(v)).toList();
    }

    public TieView tie(TieView view) {
        return ties(List.of(view)).get(0);
    }

    public List<TieView> ties(List<TieView> views) {
        Caller caller = callers.current();
        if (caller.seesEverything() || views.isEmpty()) {
            return views;
        }
        Set<UUID> ends = new HashSet<>();
        views.forEach(t -> {
            ends.add(t.from());
            ends.add(t.to());
        });
        Set<UUID> whole = wholeRecords(caller, ends);
        return views.stream()
                .map(t -> whole.contains(t.from()) || whole.contains(t.to()) ? t : t.withoutNotes())
                .toList();
    }

    public TouchpointView touchpoint(TouchpointView view) {
        return touchpoints(List.of(view)).get(0);
    }

    /**
     * Touchpoints marked clinical keep their topic and outcome only for callers who see clinical detail of one of
     * their participants; one query for the whole page, and none when the page holds no clinical touchpoint.
     */
    public List<TouchpointView> touchpoints(List<TouchpointView> views) {
        Caller caller = callers.current();
        if (caller.seesEverything() || views.stream().noneMatch(TouchpointView::clinical)) {
            return views;
        }
        Set<UUID> participants = new HashSet<>();
        views.stream().filter(TouchpointView::clinical).forEach(t -> participants.addAll(t.participants()));
        Set<UUID> whole = wholeRecords(caller, participants);
        return views.stream()
                .map(t -> !t.clinical() || t.participants().stream().anyMatch(whole::contains)
                        ? t : t.withoutClinicalDetail())
                .toList();
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
            throw ApiProblem.notFound(what, id);
        }
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
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(TREATED)) {
            java.sql.Array ids = c.createArrayOf("uuid", contacts.toArray());
            s.setArray(1, c.createArrayOf("text", GRANTING));
            // No contact claim: the clinician treats nobody (the nil id is nobody's), emergency grants still count.
            s.setObject(2, clinician.contactId() == null ? new UUID(0, 0) : clinician.contactId());
            s.setArray(3, ids);
            s.setString(4, clinician.subject());
            s.setArray(5, ids);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    found.add(r.getObject(1, UUID.class));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the caller's patients", e);
        }
        return found;
    }

    /** The contact as outreach and analysts see it. */
    static ContactView limited(ContactView v) {
        Map<Channel, ContactView.ConsentView> consent = v.consent();
        boolean reachable = !v.doNotContact();
        boolean email = reachable && granted(consent, Channel.EMAIL);
        boolean phone = reachable && (granted(consent, Channel.PHONE) || granted(consent, Channel.SMS));
        boolean mail = reachable && granted(consent, Channel.MAIL);
        return new ContactView(v.id(), v.kind(), v.givenName(), v.familyName(), v.organizationName(), v.displayName(),
                email ? v.email() : null, phone ? v.phone() : null, mail ? v.postalCode() : null,
                mail ? v.city() : null, v.languages(), v.specialties(), v.tags(), consent, v.doNotContact(), null,
                v.createdAt(), v.updatedAt(), v.version());
    }

    private static boolean granted(Map<Channel, ContactView.ConsentView> consent, Channel channel) {
        ContactView.ConsentView c = consent == null ? null : consent.get(channel);
        return c != null && c.status() == ConsentStatus.GRANTED;
    }
}
