package health.circles.security;

import health.circles.Sql;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.SystemException;
import jakarta.transaction.TransactionManager;
import java.sql.Array;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * The audit trail's table (audit_event): appends rows (on the caller's transaction when there is one), pages them,
 * reads the hash chain the database keeps over them (V13__audit_chain.sql) and the service role's rights on it.
 */
@ApplicationScoped
public class AuditStore {

    /** What the chain walk found: row count, id range, head hash, and the first broken row (null: none). */
    record Chain(long rows, Long first, Long last, String head, Long broken, boolean changed) {
    }

    private static final int COLUMNS = 12;
    /** At most this many rows in one group's statement (12 parameters a row). */
    private static final int MAX_GROUP = 64;
    /**
     * Rows in the order given: a row-level BEFORE trigger sees the rows the same statement inserted before it, so each
     * row links to the one before it in the chain as when they were inserted one by one.
     */
    private static final String INSERT = """
            INSERT INTO audit_event (subject, roles, action, resource_type, resource_id, record_ids, contact_ids, method,
                                     path, status, request_id, client_address)
            SELECT v.* FROM (VALUES %s) AS v (subject, roles, action, resource_type, resource_id, record_ids, contact_ids,
                                               method, path, status, request_id, client_address)%s""";
    private static final String ROW =
            "(?::text, ?::text[], ?::text, ?::text, ?::text, ?::text[], ?::uuid[], ?::text, ?::text, ?::integer, ?::text, ?::text)";
    /**
     * Makes {@link #INSERT} a transaction of its own whose commit does not wait for the WAL flush
     * (SecurityConfig.Audit#readsWaitForFlush): {@code set_config(..., true)} lasts to the end of the statement's own
     * transaction, which commits with the statement. One statement in autocommit, so the chain's lock, taken by the
     * insert's trigger, is released by the commit inside the same round trip: with a separate COMMIT the lock was held
     * while the answer to the insert travelled back and the service, sharing the CPU with every other call, sent the
     * commit, and audited reads queued behind that (p99 of influencers 40-60 ms at 8 clients).
     */
    private static final String UNFLUSHED =
            ", (SELECT set_config('synchronous_commit', 'off', true)) AS this_transaction_only";

    // Filters are appended as "AND ..." in this order; newest first, keyset-paged by id.
    private static final String PAGE = """
            SELECT id, at, subject, roles, action, resource_type, resource_id, record_ids, contact_ids, method, path,
                   status, request_id, client_address, encode(hash, 'hex')
            FROM audit_event WHERE true""";

    // The first row whose hash does not match its content and link (it was changed) or whose link does not match the
    // row before it (a row before it was removed, or it was put in), and the head.
    private static final String VERIFY = """
            WITH links AS (
                SELECT id, hash, hash IS DISTINCT FROM audit_event_digest(prev_hash, e) AS changed,
                       prev_hash IS DISTINCT FROM lag(hash) OVER (ORDER BY id) AS relinked
                FROM audit_event e),
            broken AS (SELECT id, changed FROM links WHERE changed OR relinked ORDER BY id LIMIT 1)
            SELECT (SELECT count(*) FROM audit_event), (SELECT min(id) FROM audit_event),
                   (SELECT max(id) FROM audit_event),
                   (SELECT encode(hash, 'hex') FROM audit_event ORDER BY id DESC LIMIT 1),
                   (SELECT id FROM broken), (SELECT changed FROM broken)""";

    /** Every epoch of the chunks' keys (V38), from 0 to the one being filled: a search probes each once. */
    private static final String EVERY_EPOCH = "ARRAY(SELECT generate_series(0, (SELECT epoch FROM audit_chunked)))";

    /**
     * The ids of the rows naming a contact: those of its chunks (V36__audit_contacts_indexed_in_chunks.sql), one probe
     * of the chunks' key per epoch (V38), and those of the rows not chunked yet, a short range at the end of the trail
     * read through the primary key. Probed in the primary key in id order, so a page of them stops at its limit.
     */
    private static final String CONTACT_ROWS = """
            id = ANY (ARRAY(
                SELECT x FROM audit_contact_chunk k CROSS JOIN LATERAL unnest(k.event_ids) AS x
                WHERE k.epoch = ANY (%s)
                  AND k.contact_id = ?
                UNION ALL
                SELECT t.id FROM audit_event t
                WHERE t.id > (SELECT through FROM audit_chunked) AND t.contact_ids @> ARRAY[?::uuid]))"""
            .formatted(EVERY_EPOCH);

    /**
     * The ids of the rows naming a record, as their resource or among a listing's records (V32), the same way:
     * its chunks (V37) and the rows not chunked yet.
     */
    private static final String RECORD_ROWS = """
            id = ANY (ARRAY(
                SELECT x FROM audit_record_chunk k CROSS JOIN LATERAL unnest(k.event_ids) AS x
                WHERE k.epoch = ANY (%s)
                  AND k.record = ?
                UNION ALL
                SELECT t.id FROM audit_event t
                WHERE t.id > (SELECT through FROM audit_chunked)
                  AND (coalesce(t.record_ids, '{}') || t.resource_id) @> ARRAY[?::text]))""".formatted(EVERY_EPOCH);

    /** Superuser, owner (or member of the owner's role), or any right beyond reading and adding rows. */
    private static final String REWRITE_RIGHTS = """
            SELECT r.rolsuper
                OR pg_has_role(current_user, t.tableowner, 'MEMBER')
                OR has_table_privilege(current_user, 'audit_event', 'UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES')
            FROM pg_roles r, pg_tables t
            WHERE r.rolname = current_user AND t.schemaname = current_schema() AND t.tablename = 'audit_event'""";

    private final AgroalDataSource dataSource;
    private final TransactionManager transactions;
    private final GroupCommit<Row> ownTransaction = new GroupCommit<>(MAX_GROUP, this::insert);
    // Statements by row count, built once each (flushed and not); races only build the same string twice.
    private final String[] flushedInserts = new String[MAX_GROUP + 1];
    private final String[] unflushedInserts = new String[MAX_GROUP + 1];

    AuditStore(AgroalDataSource dataSource, TransactionManager transactions) {
        this.dataSource = dataSource;
        this.transactions = transactions;
    }

    /**
     * Appends the call's one row, in the caller's transaction when there is one, else in its own (a plain JDBC one: a
     * refusal, 401 or 403, is audited on the event loop, where no JTA transaction may start). One row per call, not
     * one per record shown: every row takes the chain's lock to its commit (V13__audit_chain.sql), so a listed page
     * of 20 rows took 20 chain links and capped audited reads at about 200 pages a second. {@code flushed} false: a
     * transaction of its own commits without waiting for the WAL flush (a read's row, see
     * {@link SecurityConfig.Audit#readsWaitForFlush()}); in the caller's transaction the caller's commit decides.
     *
     * <p>Rows of their own transaction are group-committed ({@link GroupCommit}): the calls appending at the same time
     * insert their rows in one statement, which takes the chain's lock once and commits them together; each call
     * returns once its own row is committed. One statement each had the calls queue on the lock, and a holder
     * descheduled on a busy machine held every other audited call up with it.
     */
    void append(AuditLog.Event e, boolean flushed) {
        List<Object> row = List.of(orNull(e.subject()), e.roles().toArray(String[]::new),
                orNull(e.action()), orNull(e.resourceType()), orNull(e.resourceId()),
                e.recordIds() == null ? Sql.NULL : e.recordIds().toArray(String[]::new),
                e.contactIds().toArray(UUID[]::new), orNull(e.method()), orNull(e.path()), e.status(),
                orNull(e.requestId()), orNull(e.clientAddress()));
        if (inTransaction()) {
            insert(List.of(new Row(row, true))); // the caller's commit decides
        } else {
            ownTransaction.write(new Row(row, flushed));
        }
    }

    /** A row's parameters in {@link #INSERT}'s order, and whether its commit must wait for the WAL flush. */
    private record Row(List<Object> params, boolean flushed) {
    }

    /** One statement for the rows, in their order; on its own, its commit waits for the flush if any row's must. */
    private void insert(List<Row> rows) {
        boolean flushed = rows.stream().anyMatch(Row::flushed);
        List<Object> params = new ArrayList<>(rows.size() * COLUMNS);
        rows.forEach(r -> params.addAll(r.params()));
        Sql.update(dataSource, insertOf(rows.size(), flushed), params);
    }

    private String insertOf(int rows, boolean flushed) {
        String[] built = flushed ? flushedInserts : unflushedInserts;
        String sql = built[rows];
        if (sql == null) {
            sql = INSERT.formatted(String.join(", ", Collections.nCopies(rows, ROW)), flushed ? "" : UNFLUSHED);
            built[rows] = sql;
        }
        return sql;
    }

    private boolean inTransaction() {
        try {
            return transactions.getStatus() != Status.STATUS_NO_TRANSACTION;
        } catch (SystemException ex) {
            throw new IllegalStateException("Transaction status unavailable", ex);
        }
    }

    /** Up to {@code limit} rows matching the query, newest first, with ids below {@code beforeId} when given. */
    List<AuditEntry> page(AuditLog.Query q, Long beforeId, int limit) {
        StringBuilder sql = new StringBuilder(PAGE);
        List<Object> params = new ArrayList<>();
        filter(sql, params, "subject = ?", q.subject());
        if (q.contact() != null) {
            sql.append(" AND ").append(CONTACT_ROWS);
            params.add(q.contact());
            params.add(q.contact());
        }
        filter(sql, params, "resource_type = ?", q.resourceType());
        if (q.resourceId() != null) {
            sql.append(" AND ").append(RECORD_ROWS);
            params.add(q.resourceId());
            params.add(q.resourceId());
        }
        filter(sql, params, "action = ?", q.action());
        filter(sql, params, "at >= ?", q.from());
        filter(sql, params, "at < ?", q.to());
        filter(sql, params, "id < ?", beforeId);
        sql.append(" ORDER BY id DESC LIMIT ?");
        params.add(limit);
        return Sql.query(dataSource, sql.toString(), params, r -> new AuditEntry(r.getLong(1),
                r.getTimestamp(2).toInstant(), r.getString(3), strings(r.getArray(4)), r.getString(5), r.getString(6),
                r.getString(7), r.getArray(8) == null ? null : strings(r.getArray(8)), uuids(r.getArray(9)),
                r.getString(10), r.getString(11), r.getInt(12), r.getString(13), r.getString(14), r.getString(15)));
    }

    /** Walks the whole chain in id order. */
    Chain chain() {
        return Sql.query(dataSource, VERIFY, List.of(), r -> new Chain(r.getLong(1), (Long) r.getObject(2),
                (Long) r.getObject(3), r.getString(4), (Long) r.getObject(5), r.getBoolean(6))).get(0);
    }

    /**
     * Adds the rows written since the last chunk, at most {@code maxRows}, to the contact and record chunks once there
     * are {@code minRows} of them or the oldest has waited {@code maxWait}, in the epoch being filled or the next once
     * that one holds {@code epochSize} chunk rows (through the owner's function, migrations V36 to V38); returns the
     * audit rows chunked, 0 when it was not yet time.
     */
    long chunk(int minRows, int maxRows, Duration maxWait, long epochSize) {
        return Sql.query(dataSource, "SELECT audit_event_chunk(?, ?, ? * interval '1 millisecond', ?)",
                List.of(minRows, maxRows, maxWait.toMillis(), epochSize), r -> r.getLong(1)).get(0);
    }

    /** Whether the role the service connects as could change or remove audit rows: it should not. */
    boolean runtimeRoleCanRewrite() {
        return Sql.query(dataSource, REWRITE_RIGHTS, List.of(), r -> r.getBoolean(1)).get(0);
    }

    private static void filter(StringBuilder sql, List<Object> params, String condition, Object value) {
        if (value != null) {
            sql.append(" AND ").append(condition);
            params.add(value);
        }
    }

    private static Object orNull(Object value) {
        return value == null ? Sql.NULL : value;
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.stream((Object[]) array.getArray()).map(String::valueOf).toList();
    }

    private static List<UUID> uuids(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.stream((Object[]) array.getArray()).map(o -> (UUID) o).toList();
    }
}
