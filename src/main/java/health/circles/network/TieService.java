package health.circles.network;

import health.circles.RowIds;
import health.circles.contact.ContactDirectory;
import health.circles.security.AuditNotes;
import health.circles.security.Caller;
import health.circles.security.Callers;
import health.circles.security.Disclosure;
import health.circles.security.Roles;
import health.circles.events.Change;
import health.circles.events.ChangeEvents;
import health.circles.events.EventTypes;
import health.circles.sync.Outbox;
import health.circles.failure.Conflict;
import health.circles.failure.DomainException;
import health.circles.failure.InvalidInput;
import health.circles.failure.NotFound;
import health.circles.failure.NotPermitted;
import health.circles.failure.RuleRefused;
import health.circles.failure.StaleVersion;
import health.circles.web.Cursor;
import health.circles.web.Page;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Ties: the transaction boundary of every tie write, each committed with its outbox row. Also where provenance is
 * decided: a tie of an access-granting type is asserted only by an admin or an integration; a clinician's is a claim
 * that one of them confirms or rejects.
 */
@ApplicationScoped
public class TieService {

    private final TieStore ties;
    private final ContactDirectory contacts;
    private final Outbox outbox;
    private final StrengthService strengths;
    private final Disclosure disclosure;
    private final AuditNotes auditNotes;
    private final Callers callers;
    private final RelationshipTypes types;
    private final Clock clock = Clock.systemUTC();
    private final ChangeEvents events;

    TieService(TieStore ties, ContactDirectory contacts, Outbox outbox, StrengthService strengths,
               Disclosure disclosure, AuditNotes auditNotes, Callers callers, RelationshipTypes types,
               ChangeEvents events) {
        this.events = events;
        this.ties = ties;
        this.contacts = contacts;
        this.outbox = outbox;
        this.strengths = strengths;
        this.disclosure = disclosure;
        this.auditNotes = auditNotes;
        this.callers = callers;
        this.types = types;
    }

    /** A tie as written, with the outbox position at which the graph will have seen it. */
    public record Written(TieView tie, long position) {
    }

    @Transactional
    public Written create(TieInput in) {
        ContactDirectory.Entry from = contact("from", in.from());
        ContactDirectory.Entry to = contact("to", in.to());
        if (from.id().equals(to.id())) {
            throw InvalidInput.field("to", "a tie joins two different contacts");
        }
        RelationshipType type = types.forTie("type", in.type());
        if (!type.allows(from.kind(), to.kind())) {
            throw new RuleRefused("tie-kind-not-allowed", "Tie type does not fit these contacts",
                    in.type() + " cannot join a " + from.kind() + " to a " + to.kind() + " (from: " + type.fromKinds()
                            + ", to: " + type.toKinds() + ")");
        }
        checkDates(in.since(), in.until());
        if (in.source() == TieSource.TOUCHPOINT) {
            throw InvalidInput.field("source", "TOUCHPOINT ties are inferred from touchpoints, not created");
        }
        Caller caller = callers.current();
        TieAssertion assertion = assertionOf(caller, in, from);
        ties.lock(List.of(ContactPair.of(from.id(), to.id()))); // two concurrent creations: the second sees the first
        if (in.until() == null) {
            ties.findOpen(in.type(), type.symmetric(), from.id(), to.id(), null).ifPresent(existing -> {
                throw new Conflict("duplicate-tie", "An open " + in.type() + " tie between these contacts exists: "
                        + "/api/v1/ties/" + existing.id);
            });
        }
        if (in.externalId() != null) {
            ties.find("externalId", in.externalId()).firstResultOptional().ifPresent(holder -> {
                throw new Conflict("duplicate-external-id", "Conflict", "Tie " + holder.id + " already has externalId "
                        + in.externalId() + " (/api/v1/ties/" + holder.id + ")",
                        List.of(new Conflict.FieldError("externalId", "held by /api/v1/ties/" + holder.id)));
            });
        }
        Instant now = now();
        Tie tie = new Tie();
        tie.id = RowIds.next();
        tie.fromId = from.id();
        tie.toId = to.id();
        tie.type = in.type();
        tie.symmetric = type.symmetric();
        tie.since = in.since();
        tie.until = in.until();
        tie.declaredStrength = in.declaredStrength() == null ? type.defaultWeight() : in.declaredStrength();
        tie.strength = strengths.strengthOf(tie.declaredStrength, from.id(), to.id());
        tie.source = in.source() == null ? TieSource.MANUAL : in.source();
        tie.assertion = assertion;
        tie.assertedBy = caller.subject();
        tie.assertedAt = now;
        tie.notes = in.notes();
        tie.externalId = in.externalId();
        tie.createdAt = now;
        tie.updatedAt = now;
        ties.persist(tie);
        return written(tie, EventTypes.TIE_CREATED, List.of());
    }

    @Transactional
    public TieView get(UUID id) {
        return disclosure.disclosed(TieView.of(find(id), today()));
    }

    @Transactional
    public Written change(UUID id, Long expectedVersion, TieChange change) {
        Tie tie = find(id);
        disclosure.requireWhole("Tie", id, tie.fromId, tie.toId);
        checkVersion(tie, expectedVersion);
        checkDates(change.since(), change.until());
        List<Object> before = java.util.Arrays.asList(tie.since, tie.until, tie.declaredStrength, tie.notes);
        requireMayMoveEnd(tie, change.until());
        if (change.until() == null && tie.until != null) {
            ties.findOpen(tie.type, tie.symmetric, tie.fromId, tie.toId, tie.id).ifPresent(existing -> {
                throw new Conflict("duplicate-tie", "Reopening would duplicate the open tie /api/v1/ties/"
                        + existing.id);
            });
        }
        tie.strength = strengths.strengthOf(change.declaredStrength(), tie.fromId, tie.toId);
        tie.since = change.since();
        tie.until = change.until();
        tie.declaredStrength = change.declaredStrength();
        tie.notes = change.notes();
        tie.updatedAt = now();
        return writtenChanging(tie, EventTypes.TIE_UPDATED, before);
    }

    /**
     * A tie that grants access (a TREATS tie an admin or an integration asserted or confirmed) grants it until its end,
     * and only they move that end later: reopening an ended tie, or putting off or removing a scheduled end, would
     * grant access again or for longer on nobody's authority but the caller's. A new claim goes through review like any
     * other. Whoever may change the tie moves its end earlier, or anywhere in the past.
     */
    private void requireMayMoveEnd(Tie tie, LocalDate until) {
        if (!TieType.grantsAccess(tie.type) || !tie.assertion.grantsAccess() || callers.current().seesEverything()) {
            return;
        }
        LocalDate today = today();
        if (!grantsLonger(until, tie.until, today)) {
            return;
        }
        if (!tie.active(today)) {
            throw new NotPermitted("reopen-needs-assertion", "Only an admin or an integration reopens this tie",
                    "Reopening an ended " + tie.type + " tie would grant access again; claim the relationship anew "
                            + "(POST /api/v1/ties) for an admin or an integration to confirm");
        }
        throw new NotPermitted("reopen-needs-assertion", "Only an admin or an integration extends this tie",
                "Moving the end of this " + tie.type + " tie later (or removing it) would grant access for longer "
                        + "than was asserted; an admin or an integration changes it");
    }

    /** Whether a tie ending on {@code proposed} is open on a later day than one ending on {@code current}. */
    static boolean grantsLonger(LocalDate proposed, LocalDate current, LocalDate today) {
        if (current == null) {
            return false; // already open-ended
        }
        if (proposed == null) {
            return true;
        }
        LocalDate lastOpenNow = current.isAfter(today) ? current : today;
        return proposed.isAfter(lastOpenNow);
    }

    /** Ends a tie on {@code until} (today when null); it leaves the active network but stays in history. */
    @Transactional
    public Written end(UUID id, Long expectedVersion, LocalDate until) {
        Tie tie = find(id);
        disclosure.requireWhole("Tie", id, tie.fromId, tie.toId);
        checkVersion(tie, expectedVersion);
        LocalDate end = until == null ? today() : until;
        checkDates(tie.since, end);
        requireMayMoveEnd(tie, end);
        tie.until = end;
        tie.updatedAt = now();
        return written(tie, EventTypes.TIE_ENDED, List.of("until"));
    }

    @Transactional
    public long delete(UUID id, Long expectedVersion) {
        Tie tie = find(id);
        auditNotes.concerns(tie.fromId, tie.toId);
        checkVersion(tie, expectedVersion);
        ties.delete(tie);
        ties.flush();
        events.record(new Change(EventTypes.TIE_DELETED, tie.id, tie.version + 1, List.of(), related(tie)));
        return outbox.append(TieGraph.DELETED, tie.id, tie.version + 1, TieGraph.deleted(tie));
    }

    /**
     * Confirms a pending claim (or an inferred tie) of an access-granting type: from now on it grants access and is
     * in the graph. Only an admin or an integration (the endpoint's roles), never whoever claimed it.
     */
    @Transactional
    public Written confirm(UUID id, Long expectedVersion) {
        Tie tie = review(id, expectedVersion, "confirm");
        tie.assertion = TieAssertion.CONFIRMED;
        tie.strength = strengths.strengthOf(tie.declaredStrength, tie.fromId, tie.toId); // not kept up while pending
        return written(tie, EventTypes.TIE_CONFIRMED, List.of("assertion"));
    }

    /** Rejects a pending claim: it stays as history, grants nothing, leaves the graph and frees the slot. */
    @Transactional
    public Written reject(UUID id, Long expectedVersion) {
        Tie tie = review(id, expectedVersion, "reject");
        tie.assertion = TieAssertion.REJECTED;
        return written(tie, EventTypes.TIE_REJECTED, List.of("assertion"));
    }

    private Tie review(UUID id, Long expectedVersion, String verb) {
        Tie tie = find(id);
        auditNotes.concerns(tie.fromId, tie.toId); // a refused review still names the pair in the trail
        checkVersion(tie, expectedVersion);
        if (!TieType.grantsAccess(tie.type) || !tie.assertion.pending()) {
            throw new Conflict("not-pending", "Tie " + id + " is " + tie.assertion + " " + tie.type
                    + "; only a CLAIMED (or INFERRED) tie of a type that grants access can be confirmed or rejected");
        }
        Caller caller = callers.current();
        if (caller.subject().equals(tie.assertedBy)) {
            throw new NotPermitted("own-claim", "A claim is reviewed by someone else",
                    "You made this claim; another admin or an integration must " + verb + " it");
        }
        tie.reviewedBy = caller.subject();
        tie.reviewedAt = now();
        tie.updatedAt = tie.reviewedAt;
        return tie;
    }

    /**
     * Admins and integrations assert any tie. A clinician asserts ties that grant nothing; a tie that grants access
     * they may only claim, from their own contact, as entered by hand, and it waits for review.
     */
    private static TieAssertion assertionOf(Caller caller, TieInput in, ContactDirectory.Entry from) {
        if (caller.seesEverything() || !TieType.grantsAccess(in.type())) {
            return TieAssertion.ASSERTED;
        }
        if (!caller.has(Roles.CLINICIAN)) {
            throw new NotPermitted("grant-not-allowed", "Not allowed to create this tie",
                    in.type() + " ties grant access; only admins, integrations and (as a claim) clinicians create them");
        }
        if (!from.id().equals(caller.contactId())) {
            throw new NotPermitted("claim-not-own", "A clinician claims only their own care relationships",
                    "A " + in.type() + " tie from another contact than your own (the token's contact claim) is asserted "
                            + "by an admin or an integration");
        }
        if (in.source() != null && in.source() != TieSource.MANUAL) {
            throw InvalidInput.field("source", "a clinician's claim is MANUAL; " + in.source()
                    + " ties come from integrations");
        }
        return TieAssertion.CLAIMED;
    }

    /** The tie whose externalId is exactly {@code externalId}: a page of 0 or 1 item, as the caller may see it. */
    @Transactional
    public Page<TieView> byExternalId(String externalId) {
        LocalDate today = today();
        List<TieView> items = ties.find("externalId", externalId).firstResultOptional()
                .map(t -> TieView.of(t, today)).stream().toList();
        return new Page<>(disclosure.disclosed(items), null);
    }

    @Transactional
    public Page<TieView> list(UUID contact, String type, TieAssertion assertion, Boolean active,
                              Instant updatedSince, Cursor after, int limit) {
        if (contact != null && contacts.find(contact).isEmpty()) {
            throw new NotFound("Contact", contact);
        }
        LocalDate today = today();
        List<Tie> found = ties.page(contact, type, assertion, active, updatedSince, today,
                after == null ? null : after.id(), limit + 1);
        boolean more = found.size() > limit;
        List<Tie> page = more ? found.subList(0, limit) : found;
        String next = more ? new Cursor("", page.get(page.size() - 1).id).encode() : null;
        List<TieView> views = disclosure.disclosed(page.stream().map(t -> TieView.of(t, today)).toList());
        if (contact != null) {
            // A contact's ties read from its side: CHILD_OF where it is the to end of a PARENT_OF tie.
            Map<String, RelationshipType> named = types.byCode();
            views = views.stream().map(v -> v.from(contact, named.get(v.type()))).toList();
        }
        return new Page<>(views, next);
    }

    private Written writtenChanging(Tie tie, String eventType, List<Object> before) {
        List<String> changed = new java.util.ArrayList<>();
        if (before != null) {
            List<Object> after = java.util.Arrays.asList(tie.since, tie.until, tie.declaredStrength, tie.notes);
            String[] names = {"since", "until", "declaredStrength", "notes"};
            for (int i = 0; i < names.length; i++) {
                if (!java.util.Objects.equals(before.get(i), after.get(i))) {
                    changed.add(names[i]);
                }
            }
        }
        return written(tie, eventType, changed);
    }

    private static java.util.Map<String, Object> related(Tie tie) {
        return java.util.Map.of("from", tie.fromId, "to", tie.toId);
    }

    private Written written(Tie tie, String eventType, List<String> changed) {
        ties.flush(); // assigns the new version, which the outbox row and the ETag carry
        events.record(new Change(eventType, tie.id, tie.version, changed, related(tie)));
        long position = TieGraph.append(outbox, tie);
        return new Written(disclosure.disclosed(TieView.of(tie, today())), position);
    }

    private Tie find(UUID id) {
        Tie tie = ties.findById(id);
        if (tie == null) {
            throw new NotFound("Tie", id);
        }
        return tie;
    }

    private ContactDirectory.Entry contact(String field, UUID id) {
        return contacts.find(id).orElseThrow(() -> new RuleRefused("unknown-contact", "Unknown contact",
                field + ": contact " + id + " does not exist",
                List.of(new DomainException.FieldError(field, "no such contact"))));
    }

    private static void checkDates(LocalDate since, LocalDate until) {
        if (since != null && until != null && until.isBefore(since)) {
            throw InvalidInput.field("until", "must not be before since (" + since + ")");
        }
    }

    private static void checkVersion(Tie tie, Long expected) {
        if (expected != null && expected != tie.version) {
            throw new StaleVersion("Precondition Failed",
                    "The tie is at version " + tie.version + ", not " + expected + "; read it again and reapply the change");
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private LocalDate today() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC));
    }
}
