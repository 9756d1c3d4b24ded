package health.circles.contact;

import health.circles.RowIds;
import health.circles.failure.Conflict;
import health.circles.failure.DomainException;
import health.circles.failure.InvalidInput;
import health.circles.security.AuditCall;
import health.circles.security.Callers;
import health.circles.web.Cursor;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The consent ledger: the one place where consent and do-not-contact change, whichever path the change comes by (the
 * contact API, its consent endpoint, bulk imports, campaign opt-outs). Every change is an entry that is never
 * updated; the effective answer of a channel is the newest entry by when it was given, then when it was recorded.
 * An opt-out (DENIED, do-not-contact) is lifted only by a later GRANTED that names its source and says when it was
 * given. The effective state is copied to contact_consent and contact.do_not_contact in the same transaction, where
 * searches, segments, seeds and campaigns read it.
 */
@ApplicationScoped
public class ConsentLedger {

    /** An answer as a write path states it; {@code givenAt} null when the source did not say when it was given. */
    public record Entry(ConsentChannel channel, ConsentStatus status, Instant givenAt, String source) {

        public Entry {
            source = source == null || source.isBlank() ? null : source.strip();
            givenAt = givenAt == null ? null : givenAt.truncatedTo(ChronoUnit.MICROS);
        }
    }

    /** The newest entry of a channel. */
    public record Effective(ConsentStatus status, Instant givenAt, Instant recordedAt, String source) {
    }

    /** An entry that was not recorded because it would have lifted an opt-out without an explicit grant. */
    public record Refusal(UUID contactId, ConsentChannel channel, String reason) {
    }

    /** Who writes: the token subject (or the import job) and the request id, kept with each entry. */
    public record Author(String recordedBy, String requestId) {
    }

    /** What the ledger makes of an entry given the channel's effective answer. */
    public enum Verdict {
        /** The effective answer again: nothing to record. */
        REPEAT,
        /** Recorded and now the effective answer. */
        EFFECTIVE,
        /** Given before the effective answer: recorded as history, changes nothing. */
        HISTORY,
        /** Would lift an opt-out without an explicit grant: not recorded. */
        REFUSED
    }

    // Older than any answer a living contact gave, and far inside what PostgreSQL's timestamptz holds.
    private static final Instant EARLIEST = Instant.parse("1900-01-01T00:00:00Z");
    private static final String TOO_OLD = "was given before 1900, which is not a time a contact answered";

    private final ConsentStore store;
    private final Callers callers;
    private final Clock clock = Clock.systemUTC();

    ConsentLedger(ConsentStore store, Callers callers) {
        this.store = store;
        this.callers = callers;
    }

    /**
     * The rule, for one entry against the channel's effective answer ({@code current} null when the channel has none).
     * A repeat of the effective answer (same status and source, and the same time when one is stated) records nothing,
     * so writing back what was read changes nothing.
     */
    static Verdict decide(Effective current, Entry entry, Instant now) {
        if (entry.channel() == ConsentChannel.DO_NOT_CONTACT && entry.status() == ConsentStatus.GRANTED
                && (current == null || current.status() != ConsentStatus.DENIED)) {
            return Verdict.REPEAT; // "not do-not-contact" is every contact's default: there is nothing to lift
        }
        if (current == null) {
            return entry.status() == ConsentStatus.UNKNOWN && entry.givenAt() == null ? Verdict.REPEAT : Verdict.EFFECTIVE;
        }
        if (entry.status() == current.status() && Objects.equals(entry.source(), current.source())
                && (entry.givenAt() == null || entry.givenAt().equals(current.givenAt()))) {
            return Verdict.REPEAT;
        }
        Instant given = entry.givenAt() == null ? now : entry.givenAt();
        if (given.isBefore(current.givenAt())) {
            return Verdict.HISTORY;
        }
        // Strictly later: an edit form that flips the status but sends back the opt-out's own time (and source) is not
        // the person opting in again.
        if (current.status() == ConsentStatus.DENIED && entry.status() != ConsentStatus.DENIED
                && !(entry.status() == ConsentStatus.GRANTED && entry.source() != null && entry.givenAt() != null
                && entry.givenAt().isAfter(current.givenAt()))) {
            return Verdict.REFUSED;
        }
        return Verdict.EFFECTIVE;
    }

    static String refusal(ConsentChannel channel, Effective current) {
        String since = " since " + current.givenAt() + (current.source() == null ? "" : " (source " + current.source() + ")");
        String what = channel == ConsentChannel.DO_NOT_CONTACT
                ? "the contact is do-not-contact" + since
                : channel + " consent is DENIED" + since;
        return what + "; an opt-out is lifted only by a later GRANTED entry that names its source and when it was "
                + "given (givenAt), e.g. POST /api/v1/contacts/{id}/consent";
    }

    /** The entries of a request: the caller's token subject and the request id. */
    public Author requestAuthor() {
        // The request id is the one the audit rows carry, so that an entry and its audit row can be matched.
        return new Author(callers.current().subject(), AuditCall.currentRequestId());
    }

    /**
     * Records a contact's entries in the current transaction and updates its effective state (the entity's consent and
     * do-not-contact, which Hibernate writes with the contact). An entry that would lift an opt-out without an explicit
     * grant refuses the whole write with a 409 {@code opt-out-in-force}; nothing is recorded then. The contact must
     * need not be flushed yet (the ledger's reference to it is checked at commit). Returns the verdict on each entry.
     */
    public List<Verdict> record(Contact contact, List<Entry> entries, Author author) {
        if (entries.isEmpty()) {
            return List.of();
        }
        Map<ConsentChannel, Effective> current = effective(contact.id);
        Instant now = now();
        List<ConsentStore.NewEntry> rows = new ArrayList<>();
        List<DomainException.FieldError> refused = new ArrayList<>();
        List<Verdict> verdicts = new ArrayList<>();
        for (Entry e : entries) {
            if (e.givenAt() != null && e.givenAt().isBefore(EARLIEST)) {
                throw InvalidInput.field(field(e.channel()), TOO_OLD);
            }
            Effective before = current.get(e.channel());
            Verdict verdict = decide(before, e, now);
            verdicts.add(verdict);
            switch (verdict) {
                case REPEAT -> {
                }
                case REFUSED -> refused.add(new DomainException.FieldError(field(e.channel()),
                        refusal(e.channel(), before)));
                case HISTORY -> rows.add(row(contact.id, e, now, author));
                case EFFECTIVE -> {
                    rows.add(row(contact.id, e, now, author));
                    Effective after = new Effective(e.status(), given(e, now), now, e.source());
                    current.put(e.channel(), after);
                    apply(contact, e.channel(), after);
                }
            }
        }
        if (!refused.isEmpty()) {
            throw new Conflict("opt-out-in-force", "Opt-out in force",
                    String.join("; ", refused.stream().map(f -> f.field() + ": " + f.reason()).toList()), refused);
        }
        store.insert(rows);
        return verdicts;
    }

    /**
     * Bulk imports: records the entries of many contacts with a few set-based statements on the caller's connection,
     * and writes the effective state of those whose answer changed to contact_consent and contact.do_not_contact
     * (the caller bumps their version). Entries that would lift an opt-out without an explicit grant are skipped and
     * returned, so that the rest of their rows can still apply.
     */
    public BatchResult recordBatch(Connection c, Map<UUID, List<Entry>> entries, Author author) throws SQLException {
        BatchResult result = new BatchResult(new ArrayList<>(), new HashMap<>());
        if (entries.isEmpty()) {
            return result;
        }
        Map<UUID, Map<ConsentChannel, Effective>> current = store.effective(c, entries.keySet());
        Instant now = now();
        List<ConsentStore.NewEntry> rows = new ArrayList<>();
        for (Map.Entry<UUID, List<Entry>> byContact : entries.entrySet()) {
            UUID id = byContact.getKey();
            Map<ConsentChannel, Effective> state = current.computeIfAbsent(id, k -> new EnumMap<>(ConsentChannel.class));
            for (Entry e : byContact.getValue()) {
                if (e.givenAt() != null && e.givenAt().isBefore(EARLIEST)) {
                    result.refused().add(new Refusal(id, e.channel(), TOO_OLD));
                    continue;
                }
                Effective before = state.get(e.channel());
                switch (decide(before, e, now)) {
                    case REPEAT -> {
                    }
                    case REFUSED -> result.refused().add(new Refusal(id, e.channel(), refusal(e.channel(), before)));
                    case HISTORY -> rows.add(row(id, e, now, author));
                    case EFFECTIVE -> {
                        rows.add(row(id, e, now, author));
                        Effective after = new Effective(e.status(), given(e, now), now, e.source());
                        state.put(e.channel(), after);
                        result.changed().computeIfAbsent(id, k -> new EnumMap<>(ConsentChannel.class))
                                .put(e.channel(), after);
                    }
                }
            }
        }
        store.insert(c, rows);
        store.writeEffective(c, result.changed());
        return result;
    }

    /** What a batch did: the skipped entries, and the new effective answers of the contacts whose state changed. */
    public record BatchResult(List<Refusal> refused, Map<UUID, Map<ConsentChannel, Effective>> changed) {
    }

    /** A contact's effective answers, from the ledger. */
    public Map<ConsentChannel, Effective> effective(UUID contactId) {
        return store.effective(List.of(contactId)).getOrDefault(contactId, new EnumMap<>(ConsentChannel.class));
    }

    /** One entry of a contact's history. */
    public record Recorded(UUID id, ConsentChannel channel, ConsentStatus status, Instant givenAt, Instant recordedAt,
                           String source, String recordedBy, String requestId) {
    }

    /** A page of a contact's history, newest first (by given time, then recorded time); {@code limit + 1} rows. */
    public List<Recorded> history(UUID contactId, Cursor after, int limit) {
        Instant givenBefore = null;
        Instant recordedBefore = null;
        if (after != null) {
            String[] key = after.key().split("\\|", -1);
            try {
                givenBefore = health.circles.web.Cursor.instant(key[0]);
                recordedBefore = health.circles.web.Cursor.instant(key[1]);
            } catch (RuntimeException e) {
                throw InvalidInput.field("cursor", "is not a cursor returned by this listing");
            }
        }
        return store.history(contactId, givenBefore, recordedBefore, after == null ? null : after.id(), limit + 1);
    }

    static Cursor cursorOf(Recorded last) {
        return new Cursor(last.givenAt() + "|" + last.recordedAt(), last.id());
    }

    /** Erasure: the ledger is the person's data; the audit trail keeps the ids. */
    public void erase(UUID contactId) {
        store.erase(contactId);
    }

    /** The entity's cached state, as the ledger's effective answer of one channel sets it. */
    private static void apply(Contact contact, ConsentChannel channel, Effective e) {
        if (channel == ConsentChannel.DO_NOT_CONTACT) {
            contact.doNotContact = e.status() == ConsentStatus.DENIED;
        } else {
            contact.consent.put(channel.channel(), new ConsentRecord(e.status(), e.givenAt(), e.source()));
        }
    }

    private static String field(ConsentChannel channel) {
        return channel == ConsentChannel.DO_NOT_CONTACT ? "doNotContact" : "consent." + channel;
    }

    private static Instant given(Entry e, Instant now) {
        return e.givenAt() == null ? now : e.givenAt();
    }

    private static ConsentStore.NewEntry row(UUID contactId, Entry e, Instant now, Author author) {
        return new ConsentStore.NewEntry(RowIds.next(), contactId, e.channel(), e.status(), given(e, now), now,
                e.source(), author.recordedBy(), author.requestId());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
