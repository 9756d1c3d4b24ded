package health.circles.imports;

import health.circles.contact.ConsentChannel;
import health.circles.contact.ConsentLedger;
import health.circles.contact.ConsentRecord;
import health.circles.contact.Contact;
import health.circles.contact.ContactInput;
import health.circles.contact.ContactKind;
import health.circles.contact.ContactNodes;
import health.circles.contact.ContactService;
import health.circles.contact.ErasureRegister;
import health.circles.network.Tie;
import health.circles.network.TieGraph;
import health.circles.network.TieSource;
import health.circles.network.TieType;
import health.circles.sync.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.time.LocalDate;
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
import org.hibernate.Session;

/**
 * Writes one batch of valid rows: contacts, then ties, then touchpoints, each as a few set-based statements (arrays
 * unnested server-side, upsert by external id, unchanged rows left alone), and one outbox row per record type
 * carrying every graph change of the batch. Runs inside the caller's transaction, so a batch lands whole or not at
 * all.
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
    }

    private record Ref(UUID id, ContactKind kind) {
    }

    private final EntityManager em;
    private final Outbox outbox;
    private final ImportedStrength strength;
    private final ConsentLedger ledger;
    private final ErasureRegister register;

    ImportWriter(EntityManager em, Outbox outbox, ImportedStrength strength, ConsentLedger ledger,
                 ErasureRegister register) {
        this.em = em;
        this.outbox = outbox;
        this.strength = strength;
        this.ledger = ledger;
        this.register = register;
    }

    /** Writes the rows (all valid so far) inside the current transaction. */
    Outcome write(UUID job, int batch, List<RowParser.Parsed> rows) {
        Outcome out = new Outcome();
        Map<String, RowParser.Parsed> contacts = latest(rows, ContactInput.class, r -> ((ContactInput) r).externalId(), out);
        Map<String, RowParser.Parsed> ties = latest(rows, TieRow.class, r -> ((TieRow) r).externalId(), out);
        Map<String, RowParser.Parsed> touchpoints = latest(rows, TouchpointRow.class,
                r -> ((TouchpointRow) r).externalId(), out);
        em.unwrap(Session.class).doWork(c -> {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            refuseErased(c, contacts, ties, touchpoints, out);
            if (!contacts.isEmpty()) {
                contacts(c, job, batch, contacts, now, out);
            }
            if (!ties.isEmpty()) {
                ties(c, job, batch, ties, now, out);
            }
            if (!touchpoints.isEmpty()) {
                touchpoints(c, job, touchpoints, now, out);
            }
        });
        return out;
    }

    /**
     * Rows that would bring back a contact erased on request, or tie or meet one, are rejected: the register's
     * fingerprints of erased external ids are checked for every id the batch names. The error does not repeat the id.
     */
    private void refuseErased(Connection c, Map<String, RowParser.Parsed> contacts, Map<String, RowParser.Parsed> ties,
                              Map<String, RowParser.Parsed> touchpoints, Outcome out) throws SQLException {
        Set<String> named = new HashSet<>(contacts.keySet());
        ties.values().forEach(p -> {
            named.add(((TieRow) p.value()).from().strip());
            named.add(((TieRow) p.value()).to().strip());
        });
        touchpoints.values().forEach(p -> ((TouchpointRow) p.value()).participants().forEach(x -> named.add(x.strip())));
        Set<String> erased = register.erasedAmong(c, named);
        if (erased.isEmpty()) {
            return;
        }
        contacts.entrySet().removeIf(e -> {
            boolean gone = erased.contains(e.getKey());
            if (gone) {
                out.errors.add(new RowError(e.getValue().row(), "externalId", ImportErasure.ERASED));
            }
            return gone;
        });
        ties.values().removeIf(p -> {
            TieRow t = (TieRow) p.value();
            String field = erased.contains(t.from().strip()) ? "from" : erased.contains(t.to().strip()) ? "to" : null;
            if (field != null) {
                out.errors.add(new RowError(p.row(), field, "names a contact " + ImportErasure.ERASED));
            }
            return field != null;
        });
        touchpoints.values().removeIf(p -> {
            boolean gone = ((TouchpointRow) p.value()).participants().stream().anyMatch(x -> erased.contains(x.strip()));
            if (gone) {
                out.errors.add(new RowError(p.row(), "participants", "names a contact " + ImportErasure.ERASED));
            }
            return gone;
        });
    }

    /** The rows of one type by external id; a later row with the same id supersedes an earlier one. */
    private static Map<String, RowParser.Parsed> latest(List<RowParser.Parsed> rows, Class<?> type,
                                                        java.util.function.Function<Object, String> key, Outcome out) {
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
        Map<String, Contact> existing = loadContacts(c, rows.keySet());
        List<Contact> inserts = new ArrayList<>();
        List<Contact> updates = new ArrayList<>();
        Map<String, Long> rowOf = new HashMap<>();
        for (Map.Entry<String, RowParser.Parsed> e : rows.entrySet()) {
            ContactInput in = (ContactInput) e.getValue().value();
            rowOf.put(e.getKey(), e.getValue().row());
            Contact before = existing.get(e.getKey());
            if (before == null) {
                Contact created = new Contact();
                created.id = UUID.randomUUID();
                created.createdAt = now;
                ContactService.assign(created, in, now);
                inserts.add(created);
            } else {
                List<Object> was = signature(before);
                ContactService.assign(before, in, now);
                if (was.equals(signature(before))) {
                    out.unchanged++;
                } else {
                    updates.add(before);
                }
            }
        }
        List<Contact> written = new ArrayList<>();
        Set<String> inserted = insertContacts(c, inserts);
        for (Contact ct : inserts) {
            if (inserted.contains(ct.externalId)) {
                written.add(ct);
                out.inserted++;
            } else {
                out.errors.add(new RowError(rowOf.get(ct.externalId), "externalId",
                        "another contact took this externalId while the import ran; import the row again"));
            }
        }
        Set<UUID> updated = updateContacts(c, updates);
        for (Contact ct : updates) {
            if (updated.contains(ct.id)) {
                ct.version++;
                written.add(ct);
                out.updated++;
            } else {
                out.errors.add(new RowError(rowOf.get(ct.externalId), "externalId",
                        "the contact changed while the import ran; import the row again"));
            }
        }
        consent(c, job, rows, existing, inserts, inserted, updates, updated, written, rowOf, now, out);
        if (!written.isEmpty()) {
            outbox.appendBatch(ContactNodes.UPSERTED, job, batch, written.stream().map(ContactNodes::upserted).toList());
        }
    }

    /**
     * The rows' consent and do-not-contact, through the consent ledger like every other path, for the whole batch at
     * once. An entry that would lift an opt-out without an explicit grant is skipped with a note on its row, whose
     * other fields still apply; a contact whose only change is its consent becomes an update (new version, outbox).
     */
    private void consent(Connection c, UUID job, Map<String, RowParser.Parsed> rows, Map<String, Contact> existing,
                         List<Contact> inserts, Set<String> inserted, List<Contact> updates, Set<UUID> updated,
                         List<Contact> written, Map<String, Long> rowOf, Instant now, Outcome out) throws SQLException {
        Map<UUID, List<ConsentLedger.Entry>> entries = new LinkedHashMap<>();
        Map<UUID, Contact> byId = new HashMap<>();
        Map<String, Contact> insertedByExternalId = new HashMap<>();
        inserts.forEach(ct -> insertedByExternalId.put(ct.externalId, ct));
        Set<UUID> failed = new HashSet<>();
        updates.stream().filter(ct -> !updated.contains(ct.id)).forEach(ct -> failed.add(ct.id));
        inserts.stream().filter(ct -> !inserted.contains(ct.externalId)).forEach(ct -> failed.add(ct.id));
        for (Map.Entry<String, RowParser.Parsed> e : rows.entrySet()) {
            ContactInput in = (ContactInput) e.getValue().value();
            Contact ct = existing.get(e.getKey());
            if (ct == null) {
                ct = insertedByExternalId.get(e.getKey());
            }
            List<ConsentLedger.Entry> asked = ContactService.entries(in.consent(), in.doNotContact());
            if (ct != null && !failed.contains(ct.id) && !asked.isEmpty()) {
                entries.put(ct.id, asked);
                byId.put(ct.id, ct);
            }
        }
        if (entries.isEmpty()) {
            return;
        }
        // Rows left unchanged so far are not locked yet: lock them, so that an API write cannot interleave.
        List<UUID> unlocked = entries.keySet().stream()
                .filter(id -> existing.containsKey(byId.get(id).externalId) && !updated.contains(id)).toList();
        if (!unlocked.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT id FROM contact WHERE id = ANY(?) ORDER BY id FOR UPDATE")) {
                s.setArray(1, c.createArrayOf("uuid", unlocked.toArray()));
                s.executeQuery().close();
            }
        }
        ConsentLedger.BatchResult result = ledger.recordBatch(c, entries, new ConsentLedger.Author("import:" + job, null));
        for (ConsentLedger.Refusal r : result.refused()) {
            String field = r.channel() == ConsentChannel.DO_NOT_CONTACT ? "doNotContact" : "consent." + r.channel();
            out.notes.add(new RowError(rowOf.get(byId.get(r.contactId()).externalId), field,
                    "skipped (the rest of the row was applied): " + r.reason()));
        }
        List<UUID> consentOnly = new ArrayList<>();
        result.changed().forEach((id, changed) -> {
            Contact ct = byId.get(id);
            changed.forEach((channel, e) -> {
                if (channel == ConsentChannel.DO_NOT_CONTACT) {
                    ct.doNotContact = e.status() == health.circles.contact.ConsentStatus.DENIED;
                } else {
                    ct.consent.put(channel.channel(), new ConsentRecord(e.status(), e.givenAt(), e.source()));
                }
            });
            if (!written.contains(ct)) {
                consentOnly.add(id);
            }
        });
        if (!consentOnly.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE contact SET version = version + 1, updated_at = ?::timestamptz WHERE id = ANY(?)")) {
                s.setString(1, now.toString());
                s.setArray(2, c.createArrayOf("uuid", consentOnly.toArray()));
                s.executeUpdate();
            }
            for (UUID id : consentOnly) {
                Contact ct = byId.get(id);
                ct.version++;
                ct.updatedAt = now;
                written.add(ct);
                out.unchanged--;
                out.updated++;
            }
        }
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

    private Map<String, Contact> loadContacts(Connection c, Set<String> externalIds) throws SQLException {
        Map<String, Contact> byExternalId = new HashMap<>();
        Map<UUID, Contact> byId = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT id, kind, given_name, family_name, organization_name, display_name, sort_name, email, phone,
                       postal_code, city, languages, specialties, tags, do_not_contact, external_id, created_at,
                       updated_at, version
                FROM contact WHERE external_id = ANY(?)""")) {
            s.setArray(1, c.createArrayOf("text", externalIds.toArray()));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Contact ct = new Contact();
                    ct.id = r.getObject(1, UUID.class);
                    ct.kind = ContactKind.valueOf(r.getString(2));
                    ct.givenName = r.getString(3);
                    ct.familyName = r.getString(4);
                    ct.organizationName = r.getString(5);
                    ct.displayName = r.getString(6);
                    ct.sortName = r.getString(7);
                    ct.email = r.getString(8);
                    ct.phone = r.getString(9);
                    ct.postalCode = r.getString(10);
                    ct.city = r.getString(11);
                    ct.languages = strings(r.getArray(12));
                    ct.specialties = strings(r.getArray(13));
                    ct.tags = strings(r.getArray(14));
                    ct.doNotContact = r.getBoolean(15);
                    ct.externalId = r.getString(16);
                    ct.createdAt = r.getTimestamp(17).toInstant();
                    ct.updatedAt = r.getTimestamp(18).toInstant();
                    ct.version = r.getLong(19);
                    byExternalId.put(ct.externalId, ct);
                    byId.put(ct.id, ct);
                }
            }
        }
        if (byId.isEmpty()) {
            return byExternalId;
        }
        try (PreparedStatement s = c.prepareStatement("""
                SELECT contact_id, channel, status, recorded_at, source FROM contact_consent
                WHERE contact_id = ANY(?)""")) {
            s.setArray(1, c.createArrayOf("uuid", byId.keySet().toArray()));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    byId.get(r.getObject(1, UUID.class)).consent.put(health.circles.contact.Channel.valueOf(r.getString(2)),
                            new ConsentRecord(health.circles.contact.ConsentStatus.valueOf(r.getString(3)),
                                    r.getTimestamp(4).toInstant(), r.getString(5)));
                }
            }
        }
        return byExternalId;
    }

    private static final String CONTACT_ROWS = """
            unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                   ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::boolean[], ?::text[], ?::timestamptz[],
                   ?::bigint[])
              AS u(id, kind, given_name, family_name, organization_name, display_name, sort_name, email, phone,
                   postal_code, city, languages, specialties, tags, do_not_contact, external_id, at, version)""";

    private Set<String> insertContacts(Connection c, List<Contact> contacts) throws SQLException {
        Set<String> inserted = new HashSet<>();
        if (contacts.isEmpty()) {
            return inserted;
        }
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO contact (id, kind, given_name, family_name, organization_name, display_name, sort_name,
                                     email, phone, postal_code, city, languages, specialties, tags, do_not_contact,
                                     external_id, created_at, updated_at, version)
                SELECT id, kind, given_name, family_name, organization_name, display_name, sort_name, email, phone,
                       postal_code, city, languages::text[], specialties::text[], tags::text[], do_not_contact,
                       external_id, at, at, version
                FROM\s""" + CONTACT_ROWS + """

                ON CONFLICT DO NOTHING
                RETURNING external_id""")) {
            bindContacts(c, s, contacts);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    inserted.add(r.getString(1));
                }
            }
        }
        return inserted;
    }

    private Set<UUID> updateContacts(Connection c, List<Contact> contacts) throws SQLException {
        Set<UUID> updated = new HashSet<>();
        if (contacts.isEmpty()) {
            return updated;
        }
        try (PreparedStatement s = c.prepareStatement("""
                UPDATE contact c SET kind = u.kind, given_name = u.given_name, family_name = u.family_name,
                       organization_name = u.organization_name, display_name = u.display_name, sort_name = u.sort_name,
                       email = u.email, phone = u.phone, postal_code = u.postal_code, city = u.city,
                       languages = u.languages::text[], specialties = u.specialties::text[], tags = u.tags::text[],
                       do_not_contact = u.do_not_contact, updated_at = u.at, version = c.version + 1
                FROM\s""" + CONTACT_ROWS + """

                WHERE c.id = u.id AND c.version = u.version
                RETURNING c.id""")) {
            bindContacts(c, s, contacts);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    updated.add(r.getObject(1, UUID.class));
                }
            }
        }
        return updated;
    }

    private static void bindContacts(Connection c, PreparedStatement s, List<Contact> contacts) throws SQLException {
        int n = contacts.size();
        Object[][] columns = new Object[18][n];
        for (int i = 0; i < n; i++) {
            Contact ct = contacts.get(i);
            columns[0][i] = ct.id;
            columns[1][i] = ct.kind.name();
            columns[2][i] = ct.givenName;
            columns[3][i] = ct.familyName;
            columns[4][i] = ct.organizationName;
            columns[5][i] = ct.displayName;
            columns[6][i] = ct.sortName;
            columns[7][i] = ct.email;
            columns[8][i] = ct.phone;
            columns[9][i] = ct.postalCode;
            columns[10][i] = ct.city;
            columns[11][i] = arrayLiteral(ct.languages);
            columns[12][i] = arrayLiteral(ct.specialties);
            columns[13][i] = arrayLiteral(ct.tags);
            columns[14][i] = ct.doNotContact;
            columns[15][i] = ct.externalId;
            columns[16][i] = ct.updatedAt.toString();
            columns[17][i] = ct.version;
        }
        String[] types = {"uuid", "text", "text", "text", "text", "text", "text", "text", "text", "text", "text", "text",
                "text", "text", "boolean", "text", "text", "bigint"};
        for (int k = 0; k < columns.length; k++) {
            s.setArray(k + 1, c.createArrayOf(types[k], columns[k]));
        }
    }

    // --- ties ------------------------------------------------------------------------------------------------

    private void ties(Connection c, UUID job, int batch, Map<String, RowParser.Parsed> rows, Instant now, Outcome out)
            throws SQLException {
        Set<String> ends = new HashSet<>();
        rows.values().forEach(p -> {
            TieRow t = (TieRow) p.value();
            ends.add(t.from().strip());
            ends.add(t.to().strip());
        });
        Map<String, Ref> refs = refs(c, ends);
        Map<String, Tie> existing = loadTies(c, rows.keySet());
        List<Tie> inserts = new ArrayList<>();
        List<Tie> updates = new ArrayList<>();
        Map<String, Long> rowOf = new HashMap<>();
        for (Map.Entry<String, RowParser.Parsed> e : rows.entrySet()) {
            long row = e.getValue().row();
            TieRow in = (TieRow) e.getValue().value();
            rowOf.put(e.getKey(), row);
            Ref from = refs.get(in.from().strip());
            Ref to = refs.get(in.to().strip());
            if (from == null || to == null) {
                String field = from == null ? "from" : "to";
                out.errors.add(new RowError(row, field, "no contact has externalId " + (from == null ? in.from() : in.to())
                        + " (contacts must come before the ties that name them)"));
                continue;
            }
            if (!in.type().allows(from.kind(), to.kind())) {
                out.errors.add(new RowError(row, "type", in.type() + " cannot join a " + from.kind() + " to a "
                        + to.kind()));
                continue;
            }
            Tie tie = existing.get(e.getKey());
            if (tie != null) {
                if (!tie.fromId.equals(from.id()) || !tie.toId.equals(to.id()) || tie.type != in.type()) {
                    out.errors.add(new RowError(row, "externalId", "tie " + e.getKey()
                            + " already joins other contacts or has another type; its ends and type cannot change"));
                    continue;
                }
                List<Object> was = tieSignature(tie);
                assign(tie, in, now);
                if (was.equals(tieSignature(tie))) {
                    out.unchanged++;
                } else {
                    updates.add(tie);
                }
                continue;
            }
            tie = new Tie();
            tie.id = UUID.randomUUID();
            tie.fromId = from.id();
            tie.toId = to.id();
            tie.type = in.type();
            tie.symmetric = !in.type().directed();
            tie.externalId = e.getKey();
            tie.createdAt = now;
            tie.version = 0;
            assign(tie, in, now);
            inserts.add(tie);
        }
        List<Tie> written = new ArrayList<>();
        Set<String> inserted = insertTies(c, inserts);
        for (Tie t : inserts) {
            if (inserted.contains(t.externalId)) {
                written.add(t);
                out.inserted++;
            } else {
                out.errors.add(new RowError(rowOf.get(t.externalId), "type", "an open " + t.type
                        + " tie already joins these contacts (or another tie took this externalId meanwhile)"));
            }
        }
        for (Tie t : updates) {
            if (updateTies(c, List.of(t)).isEmpty()) {
                out.errors.add(new RowError(rowOf.get(t.externalId), "until",
                        "reopening would duplicate an open " + t.type + " tie, or the tie changed meanwhile"));
            } else {
                t.version++;
                written.add(t);
                out.updated++;
            }
        }
        if (!written.isEmpty()) {
            outbox.appendBatch(TieGraph.UPSERTED, job, batch, written.stream().map(TieGraph::upserted).toList());
        }
    }

    private void assign(Tie tie, TieRow in, Instant now) {
        double declared = in.declaredStrength() == null ? 0.5 : in.declaredStrength();
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

    private Map<String, Ref> refs(Connection c, Set<String> externalIds) throws SQLException {
        Map<String, Ref> refs = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT external_id, id, kind FROM contact WHERE external_id = ANY(?)")) {
            s.setArray(1, c.createArrayOf("text", externalIds.toArray()));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    refs.put(r.getString(1), new Ref(r.getObject(2, UUID.class), ContactKind.valueOf(r.getString(3))));
                }
            }
        }
        return refs;
    }

    private Map<String, Tie> loadTies(Connection c, Set<String> externalIds) throws SQLException {
        Map<String, Tie> ties = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT id, from_id, to_id, type, "symmetric", since, until, declared_strength, strength, source, notes,
                       external_id, created_at, updated_at, version
                FROM tie WHERE external_id = ANY(?)""")) {
            s.setArray(1, c.createArrayOf("text", externalIds.toArray()));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Tie t = new Tie();
                    t.id = r.getObject(1, UUID.class);
                    t.fromId = r.getObject(2, UUID.class);
                    t.toId = r.getObject(3, UUID.class);
                    t.type = TieType.valueOf(r.getString(4));
                    t.symmetric = r.getBoolean(5);
                    t.since = r.getObject(6, LocalDate.class);
                    t.until = r.getObject(7, LocalDate.class);
                    t.declaredStrength = r.getDouble(8);
                    t.strength = r.getDouble(9);
                    t.source = TieSource.valueOf(r.getString(10));
                    t.notes = r.getString(11);
                    t.externalId = r.getString(12);
                    t.createdAt = r.getTimestamp(13).toInstant();
                    t.updatedAt = r.getTimestamp(14).toInstant();
                    t.version = r.getLong(15);
                    ties.put(t.externalId, t);
                }
            }
        }
        return ties;
    }

    private static final String TIE_ROWS = """
            unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::text[], ?::boolean[], ?::text[], ?::text[], ?::float8[],
                   ?::float8[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[])
              AS u(id, from_id, to_id, type, sym, since, until, declared_strength, strength, source, notes,
                   external_id, at, version)""";

    private Set<String> insertTies(Connection c, List<Tie> ties) throws SQLException {
        Set<String> inserted = new HashSet<>();
        if (ties.isEmpty()) {
            return inserted;
        }
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO tie (id, from_id, to_id, type, "symmetric", since, until, declared_strength, strength, source,
                                 notes, external_id, created_at, updated_at, version, assertion, asserted_at)
                SELECT id, from_id, to_id, type, sym, since::date, until::date, declared_strength, strength,
                       source, notes, external_id, at::timestamptz, at::timestamptz, version, 'ASSERTED', at::timestamptz
                FROM\s""" + TIE_ROWS + """

                ON CONFLICT DO NOTHING
                RETURNING external_id""")) {
            bindTies(c, s, ties);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    inserted.add(r.getString(1));
                }
            }
        }
        return inserted;
    }

    /**
     * Updates ties at their read version; a tie that would reopen a duplicate is left out rather than fail the batch.
     * Imports come from admins and integrations, so a tie they send is asserted (a pending claim with the same
     * external id included), which also keeps the graph, which every written tie reaches, in step.
     */
    private Set<UUID> updateTies(Connection c, List<Tie> ties) throws SQLException {
        Set<UUID> updated = new HashSet<>();
        Savepoint savepoint = c.setSavepoint();
        try (PreparedStatement s = c.prepareStatement("""
                UPDATE tie t SET since = u.since::date, until = u.until::date, declared_strength = u.declared_strength,
                       strength = u.strength, source = u.source, notes = u.notes, updated_at = u.at::timestamptz,
                       version = t.version + 1,
                       assertion = CASE WHEN t.assertion = 'CONFIRMED' THEN 'CONFIRMED' ELSE 'ASSERTED' END,
                       asserted_by = CASE WHEN t.assertion IN ('ASSERTED', 'CONFIRMED') THEN t.asserted_by END,
                       asserted_at = CASE WHEN t.assertion IN ('ASSERTED', 'CONFIRMED') THEN t.asserted_at
                                          ELSE u.at::timestamptz END
                FROM\s""" + TIE_ROWS + """

                WHERE t.id = u.id AND t.version = u.version
                RETURNING t.id""")) {
            bindTies(c, s, ties);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    updated.add(r.getObject(1, UUID.class));
                }
            }
            c.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) {
                throw e;
            }
            c.rollback(savepoint);
            updated.clear();
        }
        return updated;
    }

    private static void bindTies(Connection c, PreparedStatement s, List<Tie> ties) throws SQLException {
        int n = ties.size();
        Object[][] columns = new Object[14][n];
        for (int i = 0; i < n; i++) {
            Tie t = ties.get(i);
            columns[0][i] = t.id;
            columns[1][i] = t.fromId;
            columns[2][i] = t.toId;
            columns[3][i] = t.type.name();
            columns[4][i] = t.symmetric;
            columns[5][i] = t.since == null ? null : t.since.toString();
            columns[6][i] = t.until == null ? null : t.until.toString();
            columns[7][i] = t.declaredStrength;
            columns[8][i] = t.strength;
            columns[9][i] = t.source.name();
            columns[10][i] = t.notes;
            columns[11][i] = t.externalId;
            columns[12][i] = t.updatedAt.toString();
            columns[13][i] = t.version;
        }
        String[] types = {"uuid", "uuid", "uuid", "text", "boolean", "text", "text", "float8", "float8", "text", "text",
                "text", "text", "bigint"};
        for (int k = 0; k < columns.length; k++) {
            s.setArray(k + 1, c.createArrayOf(types[k], columns[k]));
        }
    }

    // --- touchpoints -----------------------------------------------------------------------------------------

    private void touchpoints(Connection c, UUID job, Map<String, RowParser.Parsed> rows, Instant now, Outcome out)
            throws SQLException {
        Set<String> people = new HashSet<>();
        rows.values().forEach(p -> ((TouchpointRow) p.value()).participants().forEach(x -> people.add(x.strip())));
        Map<String, Ref> refs = refs(c, people);
        Map<String, Object[]> existing = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT t.external_id, t.id, t.channel, t.occurred_at, t.topic, t.outcome, t.campaign_id,
                       array(SELECT p.contact_id::text FROM touchpoint_participant p WHERE p.touchpoint_id = t.id
                             ORDER BY 1)
                FROM touchpoint t WHERE t.external_id = ANY(?)""")) {
            s.setArray(1, c.createArrayOf("text", rows.keySet().toArray()));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    existing.put(r.getString(1), new Object[] {r.getObject(2, UUID.class), Arrays.asList(r.getString(3),
                            r.getTimestamp(4).toInstant(), r.getString(5), r.getString(6), r.getObject(7, UUID.class),
                            List.of((String[]) r.getArray(8).getArray()))});
                }
            }
        }
        List<UUID> ids = new ArrayList<>();
        List<Object[]> writes = new ArrayList<>(); // id, row, participant ids, is new
        for (Map.Entry<String, RowParser.Parsed> e : rows.entrySet()) {
            TouchpointRow in = (TouchpointRow) e.getValue().value();
            long row = e.getValue().row();
            List<String> participants = new ArrayList<>();
            String unknown = null;
            for (String p : in.participants()) {
                Ref ref = refs.get(p.strip());
                if (ref == null) {
                    unknown = p;
                    break;
                }
                if (!participants.contains(ref.id().toString())) {
                    participants.add(ref.id().toString());
                }
            }
            if (unknown != null) {
                out.errors.add(new RowError(row, "participants", "no contact has externalId " + unknown));
                continue;
            }
            participants.sort(null);
            Instant at = in.occurredAt().truncatedTo(ChronoUnit.MICROS);
            List<Object> signature = Arrays.asList(in.channel(), at, blankToNull(in.topic()), blankToNull(in.outcome()),
                    in.campaignId(), List.copyOf(participants));
            Object[] before = existing.get(e.getKey());
            if (before != null && before[1].equals(signature)) {
                out.unchanged++;
                continue;
            }
            UUID id = before == null ? UUID.randomUUID() : (UUID) before[0];
            writes.add(new Object[] {id, e.getKey(), in, at, participants, before == null});
        }
        if (writes.isEmpty()) {
            return;
        }
        int n = writes.size();
        Object[][] columns = new Object[8][n];
        List<Object> links = new ArrayList<>();
        List<Object> linked = new ArrayList<>();
        List<Object> changed = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Object[] w = writes.get(i);
            TouchpointRow in = (TouchpointRow) w[2];
            columns[0][i] = w[0];
            columns[1][i] = in.channel();
            columns[2][i] = w[3].toString();
            columns[3][i] = blankToNull(in.topic());
            columns[4][i] = blankToNull(in.outcome());
            columns[5][i] = in.campaignId();
            columns[6][i] = w[1];
            columns[7][i] = now.toString();
            for (Object p : (List<?>) w[4]) {
                links.add(w[0]);
                linked.add(UUID.fromString((String) p));
            }
            if (!(Boolean) w[5]) {
                changed.add(w[0]);
            }
            ids.add((UUID) w[0]);
        }
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO touchpoint (id, channel, occurred_at, topic, outcome, campaign_id, external_id, created_at)
                SELECT id, channel, at::timestamptz, topic, outcome, campaign, ext, created::timestamptz
                FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::uuid[], ?::text[], ?::text[])
                  AS u(id, channel, at, topic, outcome, campaign, ext, created)
                ON CONFLICT (id) DO UPDATE SET channel = excluded.channel, occurred_at = excluded.occurred_at,
                       topic = excluded.topic, outcome = excluded.outcome, campaign_id = excluded.campaign_id""")) {
            String[] types = {"uuid", "text", "text", "text", "text", "uuid", "text", "text"};
            for (int k = 0; k < columns.length; k++) {
                s.setArray(k + 1, c.createArrayOf(types[k], columns[k]));
            }
            s.executeUpdate();
        }
        if (!changed.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(
                    "DELETE FROM touchpoint_participant WHERE touchpoint_id = ANY(?)")) {
                s.setArray(1, c.createArrayOf("uuid", changed.toArray()));
                s.executeUpdate();
            }
        }
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO touchpoint_participant (touchpoint_id, contact_id)
                SELECT * FROM unnest(?::uuid[], ?::uuid[]) ON CONFLICT DO NOTHING""")) {
            s.setArray(1, c.createArrayOf("uuid", links.toArray()));
            s.setArray(2, c.createArrayOf("uuid", linked.toArray()));
            s.executeUpdate();
        }
        out.inserted += n - changed.size();
        out.updated += changed.size();
        strength.touchpointsWritten(job, ids);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static List<String> strings(java.sql.Array array) throws SQLException {
        return array == null ? new ArrayList<>() : new ArrayList<>(Arrays.asList((String[]) array.getArray()));
    }

    /** A PostgreSQL array literal of strings, cast server-side to text[]. */
    static String arrayLiteral(List<String> values) {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append('"').append(values.get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return out.append('}').toString();
    }
}
