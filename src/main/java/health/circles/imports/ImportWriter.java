package health.circles.imports;

import health.circles.RowIds;
import health.circles.contact.ConsentChannel;
import health.circles.contact.ConsentLedger;
import health.circles.contact.ConsentRecord;
import health.circles.contact.ConsentStatus;
import health.circles.contact.Contact;
import health.circles.contact.ContactBulkWrites;
import health.circles.contact.ContactInput;
import health.circles.contact.ContactGraph;
import health.circles.contact.ContactService;
import health.circles.contact.ErasureRegister;
import health.circles.network.RelationshipType;
import health.circles.network.RelationshipTypes;
import health.circles.network.Tie;
import health.circles.network.TieBulkWrites;
import health.circles.network.TieGraph;
import health.circles.network.TieSource;
import health.circles.network.TouchpointBulkWrites;
import health.circles.sync.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import health.circles.events.Change;
import health.circles.events.ChangeEvents;
import health.circles.events.EventTypes;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Writes one batch of valid rows: contacts, then ties, then touchpoints, each as a few set-based statements of the
 * owners' bulk-write services ({@link ContactBulkWrites}, {@link TieBulkWrites}, {@link TouchpointBulkWrites}: upsert
 * by external id, unchanged rows left alone), and one outbox row per record type carrying every graph change of the
 * batch. Runs on the connection of the caller's transaction, so a batch lands whole or not at all.
 */
@ApplicationScoped
class ImportWriter {

    /** What a batch did; errors are rows rejected at this stage. */
    static final class Outcome {
        long inserted;
        long updated;
        long unchanged;
        final List<RowError> errors = new ArrayList<>();
        /** Consent entries skipped in rows that were otherwise applied: listed with the errors, not counted as rejected. */
        final List<RowError> notes = new ArrayList<>();
        /** Where the batch's time went, by step. */
        final PhaseTimes times = new PhaseTimes();
    }

    /** The contact rows of a batch as they go through its steps: compared with what is stored, written, consent. */
    private static final class ContactBatch {
        final Map<String, RowParser.Parsed> rows;
        final Map<String, Contact> existing;
        final Map<String, Long> rowOf = new HashMap<>();
        final List<Contact> inserts = new ArrayList<>();
        final List<Contact> updates = new ArrayList<>();
        Set<String> inserted = Set.of();
        Set<UUID> updated = Set.of();
        /** Contacts whose new version goes to the graph. */
        final List<Contact> written = new ArrayList<>();

        ContactBatch(Map<String, RowParser.Parsed> rows, Map<String, Contact> existing) {
            this.rows = rows;
            this.existing = existing;
        }
    }

    private final ContactBulkWrites contacts;
    private final TieBulkWrites ties;
    private final TouchpointBulkWrites touchpoints;
    private final Outbox outbox;
    private final ChangeEvents events;
    private final ImportedStrength strength;
    private final ConsentLedger ledger;
    private final ErasureRegister register;
    private final RelationshipTypes types;

    ImportWriter(ContactBulkWrites contacts, TieBulkWrites ties, TouchpointBulkWrites touchpoints, Outbox outbox,
                 ImportedStrength strength, ConsentLedger ledger, ErasureRegister register, RelationshipTypes types,
                 ChangeEvents events) {
        this.events = events;
        this.contacts = contacts;
        this.ties = ties;
        this.touchpoints = touchpoints;
        this.outbox = outbox;
        this.strength = strength;
        this.ledger = ledger;
        this.register = register;
        this.types = types;
    }

    /** Writes the rows (all valid so far) on {@code c}, the connection of the current transaction. */
    Outcome write(Connection c, UUID job, int batch, List<RowParser.Parsed> rows) throws SQLException {
        Outcome out = new Outcome();
        Map<String, RowParser.Parsed> contactRows = latest(rows, ContactInput.class,
                r -> ((ContactInput) r).externalId(), out);
        Map<String, RowParser.Parsed> tieRows = latest(rows, TieRow.class, r -> ((TieRow) r).externalId(), out);
        Map<String, RowParser.Parsed> touchpointRows = latest(rows, TouchpointRow.class,
                r -> ((TouchpointRow) r).externalId(), out);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        long mark = System.nanoTime();
        refuseErased(c, contactRows, tieRows, touchpointRows, out);
        out.times.lap("erasure check", mark);
        if (!contactRows.isEmpty()) {
            contacts(c, job, batch, contactRows, now, out);
        }
        if (!tieRows.isEmpty()) {
            ties(c, job, batch, tieRows, now, out);
        }
        if (!touchpointRows.isEmpty()) {
            touchpoints(c, job, touchpointRows, now, out);
        }
        return out;
    }

    /**
     * Rows that would bring back a contact erased on request, or tie or meet one, are rejected: the register's
     * fingerprints of erased external ids are checked for every id the batch names. The error does not repeat the id.
     */
    private void refuseErased(Connection c, Map<String, RowParser.Parsed> contactRows,
                              Map<String, RowParser.Parsed> tieRows, Map<String, RowParser.Parsed> touchpointRows,
                              Outcome out) throws SQLException {
        Set<String> named = new HashSet<>(contactRows.keySet());
        named.addAll(tieEnds(tieRows));
        named.addAll(participants(touchpointRows));
        Set<String> erased = register.erasedAmong(c, named);
        if (erased.isEmpty()) {
            return;
        }
        contactRows.entrySet().removeIf(e -> {
            boolean gone = erased.contains(e.getKey());
            if (gone) {
                out.errors.add(new RowError(e.getValue().row(), "externalId", ImportErasure.ERASED));
            }
            return gone;
        });
        tieRows.values().removeIf(p -> {
            TieRow t = (TieRow) p.value();
            String field = erased.contains(t.from().strip()) ? "from" : erased.contains(t.to().strip()) ? "to" : null;
            if (field != null) {
                out.errors.add(new RowError(p.row(), field, "names a contact " + ImportErasure.ERASED));
            }
            return field != null;
        });
        touchpointRows.values().removeIf(p -> {
            boolean gone = ((TouchpointRow) p.value()).participants().stream().anyMatch(x -> erased.contains(x.strip()));
            if (gone) {
                out.errors.add(new RowError(p.row(), "participants", "names a contact " + ImportErasure.ERASED));
            }
            return gone;
        });
    }

    /** The rows of one type by external id; a later row with the same id supersedes an earlier one. */
    private static Map<String, RowParser.Parsed> latest(List<RowParser.Parsed> rows, Class<?> type,
                                                        Function<Object, String> key, Outcome out) {
        Map<String, RowParser.Parsed> byKey = new LinkedHashMap<>();
        for (RowParser.Parsed row : rows) {
            if (type.isInstance(row.value())) {
                RowParser.Parsed before = byKey.remove(key.apply(row.value()).strip());
                if (before != null) {
                    out.errors.add(new RowError(before.row(), "externalId",
                            "superseded by row " + row.row() + ", which has the same externalId"));
                }
                byKey.put(key.apply(row.value()).strip(), row);
            }
        }
        return byKey;
    }

    // --- contacts --------------------------------------------------------------------------------------------

    private void contacts(Connection c, UUID job, int batch, Map<String, RowParser.Parsed> rows, Instant now,
                          Outcome out) throws SQLException {
        long mark = System.nanoTime();
        ContactBatch b = new ContactBatch(rows, contacts.load(c, rows.keySet()));
        compareContacts(b, now, out);
        mark = out.times.lap("contacts: load and compare", mark);
        insertContacts(c, b, out);
        updateContacts(c, b, out);
        mark = out.times.lap("contacts: write", mark);
        consent(c, job, b, now, out);
        mark = out.times.lap("contacts: consent", mark);
        if (!b.written.isEmpty()) {
            outbox.appendBatch(ContactGraph.UPSERTED, job, batch, b.written.stream().map(ContactGraph::upserted)
                    .toList());
            mark = out.times.lap("contacts: outbox", mark);
            // One statement for the batch's events, as for its rows.
            Set<UUID> created = new HashSet<>();
            b.inserts.forEach(ct -> created.add(ct.id));
            events.recordAll(b.written.stream().map(ct -> new Change(created.contains(ct.id)
                    ? EventTypes.CONTACT_CREATED : EventTypes.CONTACT_UPDATED, ct.id, ct.version, List.of(),
                    Map.of("import", job.toString()))).toList());
            out.times.lap("contacts: events", mark);
        }
    }

    /** Each row becomes a new contact, an update of the stored one, or, when it changes nothing, is counted as such. */
    private static void compareContacts(ContactBatch b, Instant now, Outcome out) {
        for (Map.Entry<String, RowParser.Parsed> e : b.rows.entrySet()) {
            ContactInput in = (ContactInput) e.getValue().value();
            b.rowOf.put(e.getKey(), e.getValue().row());
            Contact before = b.existing.get(e.getKey());
            if (before == null) {
                Contact created = new Contact();
                created.id = RowIds.next();
                created.createdAt = now;
                ContactService.assign(created, in, now);
                b.inserts.add(created);
            } else {
                List<Object> was = signature(before);
                ContactService.assign(before, in, now);
                if (was.equals(signature(before))) {
                    out.unchanged++;
                } else {
                    b.updates.add(before);
                }
            }
        }
    }

    /** Inserts the new contacts; one whose external id another writer took meanwhile is rejected. */
    private void insertContacts(Connection c, ContactBatch b, Outcome out) throws SQLException {
        b.inserted = contacts.insert(c, b.inserts);
        for (Contact ct : b.inserts) {
            if (b.inserted.contains(ct.externalId)) {
                b.written.add(ct);
                out.inserted++;
            } else {
                out.errors.add(new RowError(b.rowOf.get(ct.externalId), "externalId",
                        "another contact took this externalId while the import ran; import the row again"));
            }
        }
    }

    /** Updates the changed contacts at the version read; one changed meanwhile is rejected. */
    private void updateContacts(Connection c, ContactBatch b, Outcome out) throws SQLException {
        b.updated = contacts.update(c, b.updates);
        for (Contact ct : b.updates) {
            if (b.updated.contains(ct.id)) {
                ct.version++;
                b.written.add(ct);
                out.updated++;
            } else {
                out.errors.add(new RowError(b.rowOf.get(ct.externalId), "externalId",
                        "the contact changed while the import ran; import the row again"));
            }
        }
    }

    /**
     * The rows' consent and do-not-contact, through the consent ledger like every other path, for the whole batch at
     * once. An entry that would lift an opt-out without an explicit grant is skipped with a note on its row, whose
     * other fields still apply; a contact whose only change is its consent becomes an update (new version, outbox).
     */
    private void consent(Connection c, UUID job, ContactBatch b, Instant now, Outcome out) throws SQLException {
        Map<UUID, Contact> byId = new HashMap<>();
        Map<UUID, List<ConsentLedger.Entry>> entries = consentAsked(b, byId);
        if (entries.isEmpty()) {
            return;
        }
        lockUnchanged(c, b, entries.keySet(), byId);
        ConsentLedger.BatchResult result = ledger.recordBatch(c, entries, new ConsentLedger.Author("import:" + job,
                null));
        for (ConsentLedger.Refusal r : result.refused()) {
            String field = r.channel() == ConsentChannel.DO_NOT_CONTACT ? "doNotContact" : "consent." + r.channel();
            out.notes.add(new RowError(b.rowOf.get(byId.get(r.contactId()).externalId), field,
                    "skipped (the rest of the row was applied): " + r.reason()));
        }
        List<UUID> consentOnly = applyConsent(result, b, byId);
        if (!consentOnly.isEmpty()) {
            contacts.bumpVersions(c, consentOnly, now);
            for (UUID id : consentOnly) {
                Contact ct = byId.get(id);
                ct.version++;
                ct.updatedAt = now;
                b.written.add(ct);
                out.unchanged--;
                out.updated++;
            }
        }
    }

    /** The consent entries each row asks for, by contact, for the contacts written or left unchanged (by id). */
    private static Map<UUID, List<ConsentLedger.Entry>> consentAsked(ContactBatch b, Map<UUID, Contact> byId) {
        Map<UUID, List<ConsentLedger.Entry>> entries = new LinkedHashMap<>();
        Map<String, Contact> insertedByExternalId = new HashMap<>();
        b.inserts.forEach(ct -> insertedByExternalId.put(ct.externalId, ct));
        Set<UUID> failed = new HashSet<>();
        b.updates.stream().filter(ct -> !b.updated.contains(ct.id)).forEach(ct -> failed.add(ct.id));
        b.inserts.stream().filter(ct -> !b.inserted.contains(ct.externalId)).forEach(ct -> failed.add(ct.id));
        for (Map.Entry<String, RowParser.Parsed> e : b.rows.entrySet()) {
            ContactInput in = (ContactInput) e.getValue().value();
            Contact ct = b.existing.get(e.getKey());
            if (ct == null) {
                ct = insertedByExternalId.get(e.getKey());
            }
            List<ConsentLedger.Entry> asked = ContactService.entries(in.consent(), in.doNotContact());
            if (ct != null && !failed.contains(ct.id) && !asked.isEmpty()) {
                entries.put(ct.id, asked);
                byId.put(ct.id, ct);
            }
        }
        return entries;
    }

    /** Rows left unchanged so far are not locked yet: lock them, so that an API write cannot interleave. */
    private void lockUnchanged(Connection c, ContactBatch b, Set<UUID> ids, Map<UUID, Contact> byId)
            throws SQLException {
        List<UUID> unlocked = ids.stream()
                .filter(id -> b.existing.containsKey(byId.get(id).externalId) && !b.updated.contains(id)).toList();
        if (!unlocked.isEmpty()) {
            contacts.lock(c, unlocked);
        }
    }

    /** Applies the consent the ledger changed to the contacts; returns those not written yet (consent-only changes). */
    private static List<UUID> applyConsent(ConsentLedger.BatchResult result, ContactBatch b, Map<UUID, Contact> byId) {
        List<UUID> consentOnly = new ArrayList<>();
        Set<Contact> written = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        written.addAll(b.written);
        result.changed().forEach((id, changed) -> {
            Contact ct = byId.get(id);
            changed.forEach((channel, e) -> {
                if (channel == ConsentChannel.DO_NOT_CONTACT) {
                    ct.doNotContact = e.status() == ConsentStatus.DENIED;
                } else {
                    ct.consent.put(channel.channel(), new ConsentRecord(e.status(), e.givenAt(), e.source()));
                }
            });
            if (!written.contains(ct)) {
                consentOnly.add(id);
            }
        });
        return consentOnly;
    }

    private static List<Object> signature(Contact c) {
        List<Object> consent = new ArrayList<>();
        c.consent.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            consent.add(e.getKey());
            consent.add(e.getValue().status);
            consent.add(e.getValue().recordedAt);
            consent.add(e.getValue().source);
        });
        return Arrays.asList(c.kind, c.givenName, c.familyName, c.organizationName, c.displayName, c.sortName, c.email,
                c.phone, c.postalCode, c.city, List.copyOf(c.languages), List.copyOf(c.specialties),
                List.copyOf(c.tags), c.doNotContact, consent);
    }

    // --- ties ------------------------------------------------------------------------------------------------

    private void ties(Connection c, UUID job, int batch, Map<String, RowParser.Parsed> rows, Instant now, Outcome out)
            throws SQLException {
        long mark = System.nanoTime();
        Map<String, ContactBulkWrites.Ref> refs = contacts.refs(c, tieEnds(rows));
        Map<String, Tie> existing = ties.load(c, rows.keySet());
        mark = out.times.lap("ties: load", mark);
        Map<String, RelationshipType> registry = types.byCode();
        List<Tie> inserts = new ArrayList<>();
        List<Tie> updates = new ArrayList<>();
        Map<String, Long> rowOf = new HashMap<>();
        for (Map.Entry<String, RowParser.Parsed> e : rows.entrySet()) {
            rowOf.put(e.getKey(), e.getValue().row());
            Tie tie = compareTie(e.getKey(), e.getValue(), refs, registry, existing.get(e.getKey()), now, out);
            if (tie != null) {
                (existing.containsKey(e.getKey()) ? updates : inserts).add(tie);
            }
        }
        List<Tie> written = new ArrayList<>();
        mark = out.times.lap("ties: compare", mark);
        insertTies(c, inserts, rowOf, written, out);
        updateTies(c, updates, rowOf, written, out);
        mark = out.times.lap("ties: write", mark);
        if (!written.isEmpty()) {
            outbox.appendBatch(TieGraph.UPSERTED, job, batch, written.stream().map(TieGraph::upserted).toList());
            mark = out.times.lap("ties: outbox", mark);
            Set<Tie> created = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            created.addAll(inserts);
            events.recordAll(written.stream().map(t -> new Change(created.contains(t) ? EventTypes.TIE_CREATED
                    : EventTypes.TIE_UPDATED, t.id, t.version, List.of(), Map.of("from", t.fromId.toString(),
                    "to", t.toId.toString(), "import", job.toString()))).toList());
            out.times.lap("ties: events", mark);
        }
    }

    /**
     * What a tie row asks for: a new tie, a changed stored one, or nothing (null) when it is rejected or changes
     * nothing. Its ends must exist, suit the type, and, for a stored tie, be those it already joins.
     */
    private Tie compareTie(String externalId, RowParser.Parsed parsed, Map<String, ContactBulkWrites.Ref> refs,
                           Map<String, RelationshipType> registry, Tie stored, Instant now, Outcome out) {
        long row = parsed.row();
        TieRow in = (TieRow) parsed.value();
        ContactBulkWrites.Ref from = refs.get(in.from().strip());
        ContactBulkWrites.Ref to = refs.get(in.to().strip());
        if (from == null || to == null) {
            String field = from == null ? "from" : "to";
            out.errors.add(new RowError(row, field, "no contact has externalId " + (from == null ? in.from() : in.to())
                    + " (contacts must come before the ties that name them)"));
            return null;
        }
        RelationshipType type = registry.get(in.type());
        if (type == null) {
            out.errors.add(new RowError(row, "type", "is not a relationship type: " + in.type()
                    + " (GET /api/v1/relationship-types lists them)"));
            return null;
        }
        if (!type.allows(from.kind(), to.kind())) {
            out.errors.add(new RowError(row, "type", in.type() + " cannot join a " + from.kind() + " to a "
                    + to.kind()));
            return null;
        }
        if (stored == null) {
            return newTie(externalId, in, type, from, to, now);
        }
        if (!stored.fromId.equals(from.id()) || !stored.toId.equals(to.id()) || !stored.type.equals(in.type())) {
            out.errors.add(new RowError(row, "externalId", "tie " + externalId
                    + " already joins other contacts or has another type; its ends and type cannot change"));
            return null;
        }
        List<Object> was = tieSignature(stored);
        assign(stored, in, type, now);
        if (was.equals(tieSignature(stored))) {
            out.unchanged++;
            return null;
        }
        return stored;
    }

    private Tie newTie(String externalId, TieRow in, RelationshipType type, ContactBulkWrites.Ref from,
                       ContactBulkWrites.Ref to, Instant now) {
        Tie tie = new Tie();
        tie.id = RowIds.next();
        tie.fromId = from.id();
        tie.toId = to.id();
        tie.type = in.type();
        tie.symmetric = type.symmetric();
        tie.externalId = externalId;
        tie.createdAt = now;
        tie.version = 0;
        assign(tie, in, type, now);
        return tie;
    }

    /** Inserts the new ties; one that duplicates an open tie (or lost its external id meanwhile) is rejected. */
    private void insertTies(Connection c, List<Tie> inserts, Map<String, Long> rowOf, List<Tie> written, Outcome out)
            throws SQLException {
        Set<String> inserted = ties.insert(c, inserts);
        for (Tie t : inserts) {
            if (inserted.contains(t.externalId)) {
                written.add(t);
                out.inserted++;
            } else {
                out.errors.add(new RowError(rowOf.get(t.externalId), "type", "an open " + t.type
                        + " tie already joins these contacts (or another tie took this externalId meanwhile)"));
            }
        }
    }

    /** Updates the changed ties one by one, so that one reopening a duplicate is rejected alone. */
    private void updateTies(Connection c, List<Tie> updates, Map<String, Long> rowOf, List<Tie> written, Outcome out)
            throws SQLException {
        for (Tie t : updates) {
            if (ties.update(c, List.of(t)).isEmpty()) {
                out.errors.add(new RowError(rowOf.get(t.externalId), "until",
                        "reopening would duplicate an open " + t.type + " tie, or the tie changed meanwhile"));
            } else {
                t.version++;
                written.add(t);
                out.updated++;
            }
        }
    }

    private void assign(Tie tie, TieRow in, RelationshipType type, Instant now) {
        double declared = in.declaredStrength() == null ? type.defaultWeight() : in.declaredStrength();
        tie.since = in.since();
        tie.until = in.until();
        tie.declaredStrength = declared;
        tie.notes = in.notes() == null || in.notes().isBlank() ? null : in.notes().strip();
        tie.source = in.source() == null ? TieSource.IMPORT : in.source();
        tie.updatedAt = now;
        tie.strength = strength.strength(tie);
    }

    private static List<Object> tieSignature(Tie t) {
        return Arrays.asList(t.since, t.until, t.declaredStrength, t.strength, t.notes, t.source);
    }

    /** The external ids the tie rows name as their ends. */
    private static Set<String> tieEnds(Map<String, RowParser.Parsed> rows) {
        Set<String> ends = new HashSet<>();
        rows.values().forEach(p -> {
            TieRow t = (TieRow) p.value();
            ends.add(t.from().strip());
            ends.add(t.to().strip());
        });
        return ends;
    }

    // --- touchpoints -----------------------------------------------------------------------------------------

    private void touchpoints(Connection c, UUID job, Map<String, RowParser.Parsed> rows, Instant now, Outcome out)
            throws SQLException {
        Map<String, ContactBulkWrites.Ref> refs = contacts.refs(c, participants(rows));
        Map<String, TouchpointBulkWrites.Stored> existing = touchpoints.load(c, rows.keySet());
        List<TouchpointBulkWrites.Write> writes = new ArrayList<>();
        for (Map.Entry<String, RowParser.Parsed> e : rows.entrySet()) {
            TouchpointBulkWrites.Write write = compareTouchpoint(e.getKey(), e.getValue(), refs,
                    existing.get(e.getKey()), out);
            if (write != null) {
                writes.add(write);
            }
        }
        if (writes.isEmpty()) {
            return;
        }
        touchpoints.write(c, writes, now);
        events.recordAll(writes.stream().map(w -> new Change(w.created() ? EventTypes.TOUCHPOINT_CREATED
                : EventTypes.TOUCHPOINT_UPDATED, w.id(), null, List.of(), touchpointRelated(w, job))).toList());
        long changed = writes.stream().filter(w -> !w.created()).count();
        out.inserted += writes.size() - changed;
        out.updated += changed;
        strength.touchpointsWritten(job, writes.stream().map(TouchpointBulkWrites.Write::id).toList());
    }

    private static Map<String, Object> touchpointRelated(TouchpointBulkWrites.Write w, UUID job) {
        Map<String, Object> related = new LinkedHashMap<>();
        related.put("participants", w.participants().stream().map(UUID::toString).sorted().toList());
        if (w.campaignId() != null) {
            related.put("campaign", w.campaignId().toString());
        }
        related.put("import", job.toString());
        return related;
    }

    /**
     * What a touchpoint row asks for: a new touchpoint, a changed stored one, or nothing (null) when a participant is
     * unknown or it changes nothing.
     */
    private static TouchpointBulkWrites.Write compareTouchpoint(String externalId, RowParser.Parsed parsed,
                                                                 Map<String, ContactBulkWrites.Ref> refs,
                                                                 TouchpointBulkWrites.Stored stored, Outcome out) {
        TouchpointRow in = (TouchpointRow) parsed.value();
        List<String> participants = new ArrayList<>();
        for (String p : in.participants()) {
            ContactBulkWrites.Ref ref = refs.get(p.strip());
            if (ref == null) {
                out.errors.add(new RowError(parsed.row(), "participants", "no contact has externalId " + p));
                return null;
            }
            if (!participants.contains(ref.id().toString())) {
                participants.add(ref.id().toString());
            }
        }
        participants.sort(null);
        Instant at = in.occurredAt().truncatedTo(ChronoUnit.MICROS);
        // Clinical stays clinical: a row that leaves the field out (or says false) does not expose a stored one.
        boolean clinical = Boolean.TRUE.equals(in.clinical())
                || stored != null && Boolean.TRUE.equals(stored.signature().get(6));
        List<Object> signature = Arrays.asList(in.channel(), at, blankToNull(in.topic()), blankToNull(in.outcome()),
                in.campaignId(), List.copyOf(participants), clinical);
        if (stored != null && stored.signature().equals(signature)) {
            out.unchanged++;
            return null;
        }
        return new TouchpointBulkWrites.Write(stored == null ? RowIds.next() : stored.id(), externalId,
                in.channel(), at, blankToNull(in.topic()), blankToNull(in.outcome()), in.campaignId(),
                participants.stream().map(UUID::fromString).toList(), clinical, stored == null);
    }

    /** The external ids the touchpoint rows name as participants. */
    private static Set<String> participants(Map<String, RowParser.Parsed> rows) {
        Set<String> people = new HashSet<>();
        rows.values().forEach(p -> ((TouchpointRow) p.value()).participants().forEach(x -> people.add(x.strip())));
        return people;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
