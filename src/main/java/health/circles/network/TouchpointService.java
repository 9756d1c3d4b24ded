package health.circles.network;

import health.circles.RowIds;
import health.circles.failure.DomainException;
import health.circles.failure.RuleRefused;

import health.circles.contact.ContactDirectory;
import health.circles.security.AuditNotes;
import health.circles.security.Disclosure;
import health.circles.failure.Conflict;
import health.circles.failure.InvalidInput;
import health.circles.failure.NotFound;
import health.circles.web.Cursor;
import health.circles.web.Page;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Touchpoints: recording one recomputes (and where needed infers) the ties between its participants. */
@ApplicationScoped
public class TouchpointService {

    /** Clocks disagree a little; a touchpoint further ahead than this is a mistake. */
    static final Duration MAX_AHEAD = Duration.ofDays(1);

    private final TouchpointStore touchpoints;
    private final TieStore ties;
    private final ContactDirectory contacts;
    private final StrengthService strengths;
    private final NetworkConfig config;
    private final Disclosure disclosure;
    private final AuditNotes auditNotes;
    private final Clock clock = Clock.systemUTC();

    TouchpointService(TouchpointStore touchpoints, TieStore ties, ContactDirectory contacts, StrengthService strengths,
                      NetworkConfig config, Disclosure disclosure, AuditNotes auditNotes,
                      health.circles.events.ChangeEvents events) {
        this.events = events;
        this.touchpoints = touchpoints;
        this.ties = ties;
        this.contacts = contacts;
        this.strengths = strengths;
        this.config = config;
        this.disclosure = disclosure;
        this.auditNotes = auditNotes;
    }

    /** A touchpoint as written, with the outbox position at which the graph shows its effect on ties (0: none). */
    private final health.circles.events.ChangeEvents events;

    public record Written(TouchpointView touchpoint, long position) {
    }

    @Transactional
    public Written create(TouchpointInput in) {
        Set<UUID> participants = new LinkedHashSet<>(in.participants());
        if (participants.size() != in.participants().size()) {
            throw InvalidInput.field("participants", "must not name a contact twice");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        if (in.occurredAt().isAfter(now.plus(MAX_AHEAD))) {
            throw InvalidInput.field("occurredAt", "must not be more than a day in the future");
        }
        Set<UUID> known = new HashSet<>();
        known.addAll(contacts.findAll(participants).keySet());
        List<UUID> unknown = participants.stream().filter(id -> !known.contains(id)).toList();
        if (!unknown.isEmpty()) {
            throw new RuleRefused("unknown-contact", "Unknown contact",
                    "participants: no contact " + unknown.get(0) + (unknown.size() > 1 ? " (and " + (unknown.size() - 1) + " more)" : ""),
                    List.of(new DomainException.FieldError("participants", "no such contact: " + unknown.get(0))));
        }
        if (in.externalId() != null && touchpoints.count("externalId", in.externalId()) > 0) {
            throw new Conflict("duplicate-external-id", "Another touchpoint already has externalId " + in.externalId());
        }
        Touchpoint t = new Touchpoint();
        t.id = RowIds.next();
        t.channel = in.channel();
        t.occurredAt = in.occurredAt().truncatedTo(ChronoUnit.MICROS);
        t.topic = blankToNull(in.topic());
        t.outcome = blankToNull(in.outcome());
        t.clinical = Boolean.TRUE.equals(in.clinical());
        t.campaignId = in.campaignId();
        t.externalId = blankToNull(in.externalId());
        t.createdAt = now;
        t.participants.addAll(participants);
        touchpoints.persist(t);
        touchpoints.flush(); // the strength queries below read the participants from the database
        events.record(new health.circles.events.Change(health.circles.events.EventTypes.TOUCHPOINT_CREATED, t.id, null,
                List.of(), related(t)));
        List<ContactPair> pairs = pairs(participants);
        StrengthService.Recomputed done = participants.size() <= config.strength().inferMaxParticipants()
                ? strengths.recomputeAndInfer(pairs)
                : strengths.recompute(pairs);
        return new Written(disclosure.disclosed(TouchpointView.of(t, done.changed())), done.position());
    }

    @Transactional
    public TouchpointView get(UUID id) {
        return disclosure.disclosed(TouchpointView.of(find(id), null));
    }

    /** Deletes a touchpoint and takes it out of its participants' tie strengths; returns the outbox position. */
    @Transactional
    public long delete(UUID id) {
        Touchpoint t = find(id);
        auditNotes.concerns(t.participants.toArray(UUID[]::new)); // the answer is empty; the audit row names them
        List<ContactPair> pairs = pairs(t.participants);
        touchpoints.delete(t);
        touchpoints.flush();
        events.record(new health.circles.events.Change(health.circles.events.EventTypes.TOUCHPOINT_DELETED, t.id, null,
                List.of(), related(t)));
        return strengths.recompute(pairs).position();
    }

    /** The ids a touchpoint's events carry: its participants and its campaign. */
    private static java.util.Map<String, Object> related(Touchpoint t) {
        java.util.Map<String, Object> related = new java.util.LinkedHashMap<>();
        related.put("participants", t.participants.stream().map(UUID::toString).sorted().toList());
        if (t.campaignId != null) {
            related.put("campaign", t.campaignId.toString());
        }
        return related;
    }

    @Transactional
    public Page<TouchpointView> ofContact(UUID contact, String next, int limit) {
        if (contacts.find(contact).isEmpty()) {
            throw new NotFound("Contact", contact);
        }
        return page(touchpoints.ofContact(contact, position(next), limit + 1), limit);
    }

    @Transactional
    public Page<TouchpointView> ofTie(UUID tieId, String next, int limit) {
        Tie tie = ties.findById(tieId);
        if (tie == null) {
            throw new NotFound("Tie", tieId);
        }
        auditNotes.concerns(tie.fromId, tie.toId); // an empty history still tells that someone looked at this pair
        return page(touchpoints.ofPair(tie.fromId, tie.toId, position(next), limit + 1), limit);
    }

    private Page<TouchpointView> page(List<Touchpoint> found, int limit) {
        boolean more = found.size() > limit;
        List<Touchpoint> page = more ? found.subList(0, limit) : found;
        String next = null;
        if (more) {
            Touchpoint last = page.get(page.size() - 1);
            next = new Cursor(last.occurredAt.toString(), last.id).encode();
        }
        return new Page<>(disclosure.disclosed(page.stream().map(t -> TouchpointView.of(t, null)).toList()), next);
    }

    private static TouchpointStore.Position position(String next) {
        Cursor cursor = Cursor.decode(next);
        if (cursor == null) {
            return null;
        }
        try {
            return new TouchpointStore.Position(health.circles.web.Cursor.instant(cursor.key()), cursor.id());
        } catch (DateTimeParseException e) {
            throw InvalidInput.field("cursor", "belongs to another listing");
        }
    }

    static List<ContactPair> pairs(Set<UUID> participants) {
        List<UUID> ids = new ArrayList<>(new HashSet<>(participants));
        List<ContactPair> pairs = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            for (int j = i + 1; j < ids.size(); j++) {
                pairs.add(ContactPair.of(ids.get(i), ids.get(j)));
            }
        }
        return pairs;
    }

    private Touchpoint find(UUID id) {
        Touchpoint t = touchpoints.findById(id);
        if (t == null) {
            throw new NotFound("Touchpoint", id);
        }
        return t;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
