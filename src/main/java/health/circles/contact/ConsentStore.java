package health.circles.contact;

import health.circles.Sql;
import health.circles.web.Cursor;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The consent ledger's tables: consent_entry (never updated, only added to, and emptied by an erasure) and the
 * effective state copied from it for reads, contact_consent and contact.do_not_contact. Runs on the transaction's
 * connection, or on the one a batch writer holds.
 */
@ApplicationScoped
public class ConsentStore {

    /** One ledger row to add. */
    record NewEntry(UUID id, UUID contactId, ConsentChannel channel, ConsentStatus status, Instant givenAt,
                    Instant recordedAt, String source, String recordedBy, String requestId) {
    }

    // The newest entry of each channel by when it was given, then when it was recorded: the effective answer.
    private static final String EFFECTIVE = """
            SELECT DISTINCT ON (contact_id, channel) contact_id, channel, status, given_at, recorded_at, source
            FROM consent_entry
            WHERE contact_id = ANY(?)
            ORDER BY contact_id, channel, given_at DESC, recorded_at DESC, id DESC""";

    /** New ledger entries, one array a column; {@link #INSERT} leaves out those the ledger holds already. */
    private static final String INSERT_ALL = """
            INSERT INTO consent_entry (id, contact_id, channel, status, given_at, recorded_at, source, recorded_by,
                                       request_id)
            SELECT * FROM unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[],
                                 ?::text[], ?::text[], ?::text[])""";

    /**
     * {@link #INSERT_ALL} with every row checked for a conflict first, which made an import's insert of 100,000
     * entries half as slow again: an API write uses it, an import tries {@link #INSERT_ALL} first
     * ({@link #insert(Connection, List)}).
     */
    private static final String INSERT = INSERT_ALL + "\nON CONFLICT DO NOTHING";

    // Newest first; a page after a cursor starts strictly below the cursor's (given, recorded, id).
    private static final String HISTORY = """
            SELECT id, channel, status, given_at, recorded_at, source, recorded_by, request_id
            FROM consent_entry
            WHERE contact_id = ? %s
            ORDER BY given_at DESC, recorded_at DESC, id DESC
            LIMIT ?""";
    private static final String HISTORY_AFTER = "AND (given_at, recorded_at, id) < (?::timestamptz, ?::timestamptz, ?)";

    private static final String ERASE = "DELETE FROM consent_entry WHERE contact_id = ?";

    private static final String WRITE_CHANNELS = """
            INSERT INTO contact_consent (contact_id, channel, status, recorded_at, source)
            SELECT * FROM unnest(?::uuid[], ?::text[], ?::text[], ?::timestamptz[], ?::text[])
            ON CONFLICT (contact_id, channel) DO UPDATE
            SET status = excluded.status, recorded_at = excluded.recorded_at, source = excluded.source""";

    private static final String WRITE_DO_NOT_CONTACT = """
            UPDATE contact c SET do_not_contact = u.dnc
            FROM unnest(?::uuid[], ?::boolean[]) AS u(id, dnc)
            WHERE c.id = u.id AND c.do_not_contact IS DISTINCT FROM u.dnc""";

    private final AgroalDataSource dataSource;

    ConsentStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The effective answers of these contacts, by contact and channel; a contact without entries is left out. */
    Map<UUID, Map<ConsentChannel, ConsentLedger.Effective>> effective(Collection<UUID> ids) {
        try (Connection c = dataSource.getConnection()) {
            return effective(c, ids);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the consent ledger", e);
        }
    }

    /** {@link #effective(Collection)} on the caller's connection. */
    Map<UUID, Map<ConsentChannel, ConsentLedger.Effective>> effective(Connection c, Collection<UUID> ids) {
        Map<UUID, Map<ConsentChannel, ConsentLedger.Effective>> out = new HashMap<>();
        Sql.query(c, EFFECTIVE, List.of((Object) ids.toArray(UUID[]::new)), r -> {
            out.computeIfAbsent(r.getObject(1, UUID.class), k -> new EnumMap<>(ConsentChannel.class))
                    .put(ConsentChannel.valueOf(r.getString(2)), new ConsentLedger.Effective(
                            ConsentStatus.valueOf(r.getString(3)), r.getTimestamp(4).toInstant(),
                            r.getTimestamp(5).toInstant(), r.getString(6)));
            return null;
        });
        return out;
    }

    /** Adds entries in one statement (one array a column), in the caller's transaction. */
    void insert(List<NewEntry> rows) {
        if (rows.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            Sql.update(c, INSERT, columns(rows));
        } catch (SQLException e) {
            throw new IllegalStateException("Could not write the consent ledger", e);
        }
    }

    /**
     * Adds entries on the caller's connection, in its transaction (an import's batch): in one plain insert under a
     * savepoint, redone with {@link #INSERT} when one is held already.
     */
    void insert(Connection c, List<NewEntry> rows) {
        if (rows.isEmpty()) {
            return;
        }
        List<Object> columns = columns(rows);
        Sql.unlessUniqueViolation(c, () -> Sql.update(c, INSERT_ALL, columns), () -> Sql.update(c, INSERT, columns));
    }

    /** The parameters of {@link #INSERT}: one array a column, in its order. */
    private static List<Object> columns(List<NewEntry> rows) {
        return List.of(
                rows.stream().map(NewEntry::id).toArray(UUID[]::new),
                rows.stream().map(NewEntry::contactId).toArray(UUID[]::new),
                rows.stream().map(e -> e.channel().name()).toArray(String[]::new),
                rows.stream().map(e -> e.status().name()).toArray(String[]::new),
                rows.stream().map(e -> e.givenAt().toString()).toArray(String[]::new),
                rows.stream().map(e -> e.recordedAt().toString()).toArray(String[]::new),
                rows.stream().map(NewEntry::source).toArray(String[]::new),
                rows.stream().map(NewEntry::recordedBy).toArray(String[]::new),
                rows.stream().map(NewEntry::requestId).toArray(String[]::new));
    }

    /** Up to {@code limit} entries of a contact's history, newest first, after {@code after} (null: from the top). */
    List<ConsentLedger.Recorded> history(UUID contactId, Instant givenBefore, Instant recordedBefore, UUID after,
                                         int limit) {
        List<Object> params = new ArrayList<>();
        params.add(contactId);
        if (after != null) {
            params.add(givenBefore.toString());
            params.add(recordedBefore.toString());
            params.add(after);
        }
        params.add(limit);
        return Sql.query(dataSource, HISTORY.formatted(after == null ? "" : HISTORY_AFTER), params,
                r -> new ConsentLedger.Recorded(r.getObject(1, UUID.class), ConsentChannel.valueOf(r.getString(2)),
                        ConsentStatus.valueOf(r.getString(3)), r.getTimestamp(4).toInstant(),
                        r.getTimestamp(5).toInstant(), r.getString(6), r.getString(7), r.getString(8)));
    }

    /** Erasure: the contact's ledger goes. */
    void erase(UUID contactId) {
        Sql.update(dataSource, ERASE, List.of(contactId));
    }

    /**
     * The cache the reads use, for the contacts a batch changed, on the batch writer's connection: one upsert of the
     * channels and one update of do-not-contact for the whole batch.
     */
    void writeEffective(Connection c, Map<UUID, Map<ConsentChannel, ConsentLedger.Effective>> changed) {
        List<UUID> ids = new ArrayList<>();
        List<String> channels = new ArrayList<>();
        List<String> statuses = new ArrayList<>();
        List<String> times = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        List<UUID> dncIds = new ArrayList<>();
        List<Boolean> dncValues = new ArrayList<>();
        changed.forEach((id, byChannel) -> byChannel.forEach((channel, e) -> {
            if (channel == ConsentChannel.DO_NOT_CONTACT) {
                dncIds.add(id);
                dncValues.add(e.status() == ConsentStatus.DENIED);
            } else {
                ids.add(id);
                channels.add(channel.name());
                statuses.add(e.status().name());
                times.add(e.givenAt().toString());
                sources.add(e.source());
            }
        }));
        if (!ids.isEmpty()) {
            Sql.update(c, WRITE_CHANNELS, List.of(ids.toArray(UUID[]::new), channels.toArray(String[]::new),
                    statuses.toArray(String[]::new), times.toArray(String[]::new), sources.toArray(String[]::new)));
        }
        if (!dncIds.isEmpty()) {
            Sql.update(c, WRITE_DO_NOT_CONTACT, List.of(dncIds.toArray(UUID[]::new),
                    dncValues.toArray(Boolean[]::new)));
        }
    }
}
