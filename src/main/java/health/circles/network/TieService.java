package health.circles.network;

import health.circles.contact.Contact;
import health.circles.contact.Contacts;
import health.circles.security.AuditNotes;
import health.circles.security.Disclosure;
import health.circles.sync.Outbox;
import health.circles.web.ApiProblem;
import health.circles.web.Cursor;
import health.circles.web.Page;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/** Ties: the transaction boundary of every tie write, each committed with its outbox row. */
@ApplicationScoped
public class TieService {

    static final double DEFAULT_DECLARED_STRENGTH = 0.5;

    private final Ties ties;
    private final Contacts contacts;
    private final Outbox outbox;
    private final EntityManager em;
    private final StrengthService strengths;
    private final Disclosure disclosure;
    private final AuditNotes auditNotes;
    private final Clock clock = Clock.systemUTC();

    TieService(Ties ties, Contacts contacts, Outbox outbox, EntityManager em, StrengthService strengths,
               Disclosure disclosure, AuditNotes auditNotes) {
        this.ties = ties;
        this.contacts = contacts;
        this.outbox = outbox;
        this.em = em;
        this.strengths = strengths;
        this.disclosure = disclosure;
        this.auditNotes = auditNotes;
    }

    /** A tie as written, with the outbox position at which the graph will have seen it. */
    public record Written(TieView tie, long position) {
    }

    @Transactional
    public Written create(TieInput in) {
        Contact from = contact("from", in.from());
        Contact to = contact("to", in.to());
        if (from.id.equals(to.id)) {
            throw ApiProblem.invalidField("to", "a tie joins two different contacts");
        }
        if (!in.type().allows(from.kind, to.kind)) {
            throw new ApiProblem(422, "tie-kind-not-allowed", "Tie type does not fit these contacts",
                    in.type() + " cannot join a " + from.kind + " to a " + to.kind + " (from: " + in.type().fromKinds()
                            + ", to: " + in.type().toKinds() + ")");
        }
        checkDates(in.since(), in.until());
        if (in.source() == TieSource.TOUCHPOINT) {
            throw ApiProblem.invalidField("source", "TOUCHPOINT ties are inferred from touchpoints, not created");
        }
        ties.lock(List.of(ContactPair.of(from.id, to.id))); // two concurrent creations: the second sees the first
        if (in.until() == null) {
            ties.findOpen(in.type(), from.id, to.id, null).ifPresent(existing -> {
                throw ApiProblem.conflict("duplicate-tie", "An open " + in.type() + " tie between these contacts exists: "
                        + "/api/v1/ties/" + existing.id);
            });
        }
        if (in.externalId() != null && ties.count("externalId", in.externalId()) > 0) {
            throw ApiProblem.conflict("duplicate-external-id", "Another tie already has externalId " + in.externalId());
        }
        Instant now = now();
        Tie tie = new Tie();
        tie.id = UUID.randomUUID();
        tie.fromId = from.id;
        tie.toId = to.id;
        tie.type = in.type();
        tie.symmetric = !in.type().directed();
        tie.since = in.since();
        tie.until = in.until();
        tie.declaredStrength = in.declaredStrength() == null ? DEFAULT_DECLARED_STRENGTH : in.declaredStrength();
        tie.strength = strengths.strengthOf(tie.declaredStrength, from.id, to.id);
        tie.source = in.source() == null ? TieSource.MANUAL : in.source();
        tie.notes = in.notes();
        tie.externalId = in.externalId();
        tie.createdAt = now;
        tie.updatedAt = now;
        ties.persist(tie);
        return written(tie);
    }

    @Transactional
    public TieView get(UUID id) {
        return disclosure.tie(TieView.of(find(id), today()));
    }

    @Transactional
    public Written change(UUID id, Long expectedVersion, TieChange change) {
        Tie tie = find(id);
        disclosure.requireWhole("Tie", id, tie.fromId, tie.toId);
        checkVersion(tie, expectedVersion);
        checkDates(change.since(), change.until());
        if (change.until() == null && tie.until != null) {
            ties.findOpen(tie.type, tie.fromId, tie.toId, tie.id).ifPresent(existing -> {
                throw ApiProblem.conflict("duplicate-tie", "Reopening would duplicate the open tie /api/v1/ties/"
                        + existing.id);
            });
        }
        tie.strength = strengths.strengthOf(change.declaredStrength(), tie.fromId, tie.toId);
        tie.since = change.since();
        tie.until = change.until();
        tie.declaredStrength = change.declaredStrength();
        tie.notes = change.notes();
        tie.updatedAt = now();
        return written(tie);
    }

    /** Ends a tie on {@code until} (today when null); it leaves the active network but stays in history. */
    @Transactional
    public Written end(UUID id, Long expectedVersion, LocalDate until) {
        Tie tie = find(id);
        disclosure.requireWhole("Tie", id, tie.fromId, tie.toId);
        checkVersion(tie, expectedVersion);
        LocalDate end = until == null ? today() : until;
        checkDates(tie.since, end);
        tie.until = end;
        tie.updatedAt = now();
        return written(tie);
    }

    @Transactional
    public long delete(UUID id, Long expectedVersion) {
        Tie tie = find(id);
        auditNotes.concerns(tie.fromId, tie.toId);
        checkVersion(tie, expectedVersion);
        ties.delete(tie);
        em.flush();
        return outbox.append(TieEdges.DELETED, tie.id, tie.version + 1, TieEdges.deleted(tie));
    }

    @Transactional
    public Page<TieView> list(UUID contact, TieType type, Boolean active, Cursor after, int limit) {
        if (contact != null && contacts.findById(contact) == null) {
            throw ApiProblem.notFound("Contact", contact);
        }
        LocalDate today = today();
        List<Tie> found = ties.page(contact, type, active, today, after == null ? null : after.id(), limit + 1);
        boolean more = found.size() > limit;
        List<Tie> page = more ? found.subList(0, limit) : found;
        String next = more ? new Cursor("", page.get(page.size() - 1).id).encode() : null;
        return new Page<>(disclosure.ties(page.stream().map(t -> TieView.of(t, today)).toList()), next);
    }

    private Written written(Tie tie) {
        em.flush(); // assigns the new version, which the outbox row and the ETag carry
        long position = outbox.append(TieEdges.UPSERTED, tie.id, tie.version, TieEdges.upserted(tie));
        return new Written(disclosure.tie(TieView.of(tie, today())), position);
    }

    private Tie find(UUID id) {
        Tie tie = ties.findById(id);
        if (tie == null) {
            throw ApiProblem.notFound("Tie", id);
        }
        return tie;
    }

    private Contact contact(String field, UUID id) {
        Contact contact = contacts.findById(id);
        if (contact == null) {
            throw new ApiProblem(422, "unknown-contact", "Unknown contact", field + ": contact " + id + " does not exist",
                    List.of(new health.circles.web.Problem.FieldError(field, "no such contact")));
        }
        return contact;
    }

    private static void checkDates(LocalDate since, LocalDate until) {
        if (since != null && until != null && until.isBefore(since)) {
            throw ApiProblem.invalidField("until", "must not be before since (" + since + ")");
        }
    }

    private static void checkVersion(Tie tie, Long expected) {
        if (expected != null && expected != tie.version) {
            throw new ApiProblem(412, "stale-version", "Precondition failed",
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
