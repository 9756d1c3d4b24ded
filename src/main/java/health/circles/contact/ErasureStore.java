package health.circles.contact;

import health.circles.Sql;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The erasure register's table (contact_erasure): which contacts were erased, by whom, the keyed fingerprint of their
 * external id, and the outbox position up to which their rows still wait for the sweep. Runs on the transaction's
 * connection when there is one.
 */
@ApplicationScoped
public class ErasureStore {

    private static final String ERASED = "SELECT 1 FROM contact_erasure WHERE contact_id = ?";

    private static final String ERASED_AMONG = "SELECT contact_id FROM contact_erasure WHERE contact_id = ANY(?)";

    private static final String ERASED_SINCE = "SELECT contact_id FROM contact_erasure WHERE erased_at >= ?";

    private static final String RECORD = """
            INSERT INTO contact_erasure (contact_id, erased_at, erased_by, external_id_mac, outbox_through)
            VALUES (?, ?, ?, decode(CAST(? AS text), 'hex'), ?)""";

    private static final String FINGERPRINT_ERASED = """
            SELECT 1 FROM contact_erasure WHERE external_id_mac = decode(CAST(? AS text), 'hex')""";

    private static final String FINGERPRINTS_ERASED = """
            SELECT encode(external_id_mac, 'hex') FROM contact_erasure
            WHERE external_id_mac = ANY(ARRAY(SELECT decode(x, 'hex') FROM unnest(?::text[]) x))""";

    private static final String ANY_FINGERPRINT =
            "SELECT EXISTS (SELECT 1 FROM contact_erasure WHERE external_id_mac IS NOT NULL)";

    private static final String ERASED_FINGERPRINTS =
            "SELECT external_id_mac FROM contact_erasure WHERE external_id_mac IS NOT NULL";

    // SKIP LOCKED: two replicas sweeping at once share the work rather than wait on each other. An erasure is finished
    // when every outbox row up to its own has been applied, i.e. its last row lies before the first pending one.
    private static final String LOCK_FINISHED = """
            SELECT contact_id, outbox_through FROM contact_erasure
            WHERE outbox_through IS NOT NULL AND outbox_through < ?
            FOR UPDATE SKIP LOCKED""";

    private static final String FORGET_THROUGH = """
            UPDATE contact_erasure SET outbox_through = NULL WHERE contact_id = ANY(?)""";

    /** An erasure whose outbox rows up to {@code through} have all reached the graph. */
    public record Finished(UUID contactId, long through) {
    }

    private final AgroalDataSource dataSource;

    ErasureStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Whether the contact was erased on request. */
    public boolean erased(UUID contactId) {
        return !Sql.query(dataSource, ERASED, List.of(contactId), r -> Boolean.TRUE).isEmpty();
    }

    /** Which of these contacts were erased on request. */
    public Set<UUID> erasedAmong(UUID[] ids) {
        return new HashSet<>(Sql.query(dataSource, ERASED_AMONG, List.of((Object) ids), r -> r.getObject(1, UUID.class)));
    }

    /** The contacts erased at or after {@code since}. */
    public List<UUID> erasedSince(Instant since) {
        return Sql.query(dataSource, ERASED_SINCE, List.of(since), r -> r.getObject(1, UUID.class));
    }

    /**
     * The first statement of an erasure's transaction: waits for the writers that took {@link #holdErasures} (an
     * import batch, an analytics snapshot) to commit, and makes those that start now wait for this erasure to commit.
     * So none of them checks the register before the erasure and writes the person after it (an import batch would
     * create them anew under a new id). Erasures also take their turn one after another.
     */
    public void excludeWritersOfErased() {
        Sql.update(dataSource, "LOCK TABLE contact_erasure IN SHARE ROW EXCLUSIVE MODE", List.of());
    }

    /**
     * For a transaction that checks the register and then writes what an erasure would have removed: no erasure
     * commits from here to this transaction's end (see {@link #excludeWritersOfErased}). Taken first, before any
     * other lock, so that it never waits for an erasure while holding something the erasure needs.
     */
    public static void holdErasures(Connection c) throws SQLException {
        Sql.execute(c, "LOCK TABLE contact_erasure IN SHARE MODE", List.of());
    }

    /**
     * Takes out of the search lexicon every word no contact's search document holds: the names erased contacts had
     * before an update, which their deletion's trigger (V44) could not know. A look-up of each word in the search
     * index; run by the sweep once erasures have finished, not by every update.
     */
    public int pruneLexicon() {
        return Sql.update(dataSource, """
                DELETE FROM search_lexicon l
                WHERE NOT EXISTS (SELECT 1 FROM contact c
                                  WHERE c.search_doc @@ to_tsquery('simple', quote_literal(l.word)))""", List.of());
    }

    /** Records an erasure; {@code externalIdMac} is the hex fingerprint of its external id, or null. */
    public void record(UUID contactId, Instant at, String by, String externalIdMac, long outboxThrough) {
        Sql.update(dataSource, RECORD, List.of(contactId, at, by, externalIdMac == null ? Sql.NULL : externalIdMac,
                outboxThrough));
    }

    /** Whether an erased contact's external id had this hex fingerprint. */
    public boolean fingerprintErased(String hex) {
        return !Sql.query(dataSource, FINGERPRINT_ERASED, List.of(hex), r -> Boolean.TRUE).isEmpty();
    }

    /** The hex fingerprints among {@code hexes} that belonged to erased contacts, on the caller's connection. */
    public Set<String> fingerprintsErased(Connection c, Set<String> hexes) {
        if (hexes.isEmpty()) {
            return new HashSet<>();
        }
        return new HashSet<>(Sql.query(c, FINGERPRINTS_ERASED, List.of((Object) hexes.toArray(String[]::new)),
                r -> r.getString(1)));
    }

    /** Whether any erased contact left a fingerprint, on the caller's connection. */
    public boolean anyFingerprint(Connection c) {
        return Sql.query(c, ANY_FINGERPRINT, List.of(), r -> r.getBoolean(1)).get(0);
    }

    /** Every erased contact's external id fingerprint, hex-encoded, on a pooled connection. */
    public Set<String> erasedFingerprints() {
        return new HashSet<>(Sql.query(dataSource, ERASED_FINGERPRINTS, List.of(),
                r -> HexFormat.of().formatHex(r.getBytes(1))));
    }

    /** Locks the erasures whose outbox rows all lie before {@code firstPending}, skipping those another sweep holds. */
    public List<Finished> lockFinished(long firstPending) {
        return Sql.query(dataSource, LOCK_FINISHED, List.of(firstPending),
                r -> new Finished(r.getObject(1, UUID.class), r.getLong(2)));
    }

    /** The register forgets the outbox positions of finished erasures: nothing of them is left to sweep. */
    public void forgetOutbox(List<UUID> contactIds) {
        Sql.update(dataSource, FORGET_THROUGH, List.of((Object) contactIds.toArray(UUID[]::new)));
    }
}
