package health.circles.imports;

import health.circles.Sql;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.Session;
import org.hibernate.jdbc.ReturningWork;

/**
 * The import job store: jobs, their leases, committed checkpoints and row errors, in PostgreSQL (tables
 * {@code import_job}, {@code import_error}). Job reads and lease changes run on a pooled connection of their own;
 * what a batch records (the lease check, its errors, its checkpoint) runs on the batch transaction's connection, so
 * that it commits or rolls back with the batch.
 */
@ApplicationScoped
public class ImportJobStore {

    /** A job row. */
    record Job(UUID id, ImportState state, ImportFormat format, String recordType, String fileName, long size,
               int batchSize, long rowsDone, long bytesDone, long inserted, long updated, long unchanged, long rejected,
               int batches, String error, boolean cancelRequested, Instant createdAt, Instant startedAt,
               Instant heartbeatAt, Instant finishedAt, long leaseToken, String leaseOwner) {

        /** The lease this row grants its current holder. */
        Lease lease() {
            return new Lease(id, leaseToken);
        }

        ImportJobView view() {
            double percent = state == ImportState.SUCCEEDED ? 100
                    : size == 0 ? 0 : Math.min(100, Math.round(1000.0 * bytesDone / size) / 10.0);
            return new ImportJobView(id, state, format, recordType, percent,
                    new ImportJobView.Counts(inserted + updated + unchanged + rejected, inserted, updated, unchanged,
                            rejected), batches, error, createdAt, startedAt, finishedAt);
        }
    }

    /**
     * A replica's hold on a running job: the job and the fencing token it was claimed with. Only the holder of the
     * current token may checkpoint, heartbeat or finish the job.
     */
    record Lease(UUID job, long token) {
    }

    /** The job was taken over by another replica (or ended) since this one claimed it: stop, change nothing. */
    static final class LeaseLost extends RuntimeException {
        LeaseLost(Lease lease) {
            super("Import " + lease.job() + ": lease " + lease.token() + " is no longer held here", null, false,
                    false);
        }
    }

    /** What one committed batch adds to a job. */
    record Progress(long rowsDone, long bytesDone, long inserted, long updated, long unchanged, long rejected) {
    }

    private static final String COLUMNS = """
            id, state, format, record_type, file_name, size_bytes, batch_size, rows_done, bytes_done, inserted, updated,
            unchanged, rejected, batches, error, cancel_requested, created_at, started_at, heartbeat_at, finished_at,
            lease_token, lease_owner""";

    private static final String CREATE = """
            INSERT INTO import_job (id, state, format, record_type, file_name, size_bytes, batch_size)
            VALUES (?, 'QUEUED', ?, ?, ?, ?, ?)""";

    private static final String FIND = "SELECT " + COLUMNS + " FROM import_job WHERE id = ?";

    private static final String FILES_IN_USE = """
            SELECT file_name FROM import_job
            WHERE file_name = ANY(?::text[])
              AND (state IN ('QUEUED', 'RUNNING')
                   OR (state IN ('FAILED', 'CANCELLED')
                       AND (finished_at IS NULL OR finished_at > now() - make_interval(secs => ?))))""";

    private static final String ANY = "SELECT " + COLUMNS + " FROM import_job LIMIT 1";

    /**
     * The oldest queued job, or a running one whose heartbeat is older than the given seconds (by the database's
     * clock), taken under a new fencing token; SKIP LOCKED lets replicas claim different jobs at once.
     */
    private static final String CLAIM_NEXT = """
            UPDATE import_job SET state = 'RUNNING', started_at = coalesce(started_at, now()), heartbeat_at = now(),
                   lease_token = lease_token + 1, lease_owner = ?,
                   lease_history = lease_history || jsonb_build_array(jsonb_build_object(
                       'owner', ?::text, 'token', lease_token + 1, 'at', now(), 'fromRow', rows_done + 1))
            WHERE id = (SELECT id FROM import_job
                        WHERE state = 'QUEUED'
                           OR (state = 'RUNNING' AND heartbeat_at < now() - make_interval(secs => ?))
                        ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING\s""" + COLUMNS;

    /** Renews a lease only while its token is current and the job runs. */
    private static final String HEARTBEAT = """
            UPDATE import_job SET heartbeat_at = now()
            WHERE id = ? AND lease_token = ? AND state = 'RUNNING'""";

    /** Adds a batch's counts under the lease token; no row back means the lease was lost. */
    private static final String CHECKPOINT = """
            UPDATE import_job SET rows_done = ?, bytes_done = ?, inserted = inserted + ?, updated = updated + ?,
                   unchanged = unchanged + ?, rejected = rejected + ?, batches = batches + 1, heartbeat_at = now()
            WHERE id = ? AND state = 'RUNNING' AND lease_token = ?
            RETURNING cancel_requested""";

    private static final String LEASE_HELD = """
            SELECT 1 FROM import_job WHERE id = ? AND state = 'RUNNING' AND lease_token = ?""";

    /** A batch's errors, numbered within their row, up to the job's maximum (counted before the batch). */
    private static final String ADD_ERRORS = """
            INSERT INTO import_error (job_id, row_no, seq, field, reason)
            SELECT ?, e.row_no, e.seq, e.field, e.reason
            FROM unnest(?::bigint[], ?::int[], ?::text[], ?::text[]) AS e(row_no, seq, field, reason)
            WHERE (SELECT count(*) FROM import_error WHERE job_id = ?) < ?
            ON CONFLICT DO NOTHING""";

    private static final String ERRORS = """
            SELECT row_no, seq, field, reason FROM import_error
            WHERE job_id = ? AND (row_no, seq) > (?, ?)
            ORDER BY row_no, seq LIMIT ?""";

    /** Ends a job only under the current lease. */
    private static final String FINISH = """
            UPDATE import_job SET state = ?, error = ?, finished_at = now(), heartbeat_at = now()
            WHERE id = ? AND state = 'RUNNING' AND lease_token = ?""";

    private static final String REQUEST_CANCEL = """
            UPDATE import_job SET cancel_requested = true,
                   state = CASE WHEN state = 'QUEUED' THEN 'CANCELLED' ELSE state END,
                   finished_at = CASE WHEN state = 'QUEUED' THEN now() ELSE finished_at END
            WHERE id = ?""";

    /** Back to the queue from FAILED or CANCELLED, or from RUNNING once the holder's heartbeat is stale. */
    private static final String REQUEUE = """
            UPDATE import_job SET state = 'QUEUED', cancel_requested = false, error = NULL, finished_at = NULL
            WHERE id = ? AND (state IN ('FAILED', 'CANCELLED')
                              OR (state = 'RUNNING' AND heartbeat_at < now() - make_interval(secs => ?)))""";

    /** Row errors whose reason or field contains one of the words (lower case) lose their text. */
    private static final String FORGET_IN_ERRORS = """
            UPDATE import_error SET reason = ?, field = NULL
            WHERE EXISTS (SELECT 1 FROM unnest(?::text[]) w
                          WHERE strpos(lower(reason), w) > 0 OR strpos(lower(coalesce(field, '')), w) > 0)""";

    /** Job errors that contain one of the words (lower case) are replaced by a note. */
    private static final String FORGET_IN_JOBS = """
            UPDATE import_job SET error = 'the error named a contact erased on request'
            WHERE error IS NOT NULL
              AND EXISTS (SELECT 1 FROM unnest(?::text[]) w WHERE strpos(lower(error), w) > 0)""";

    private final AgroalDataSource dataSource;
    private final EntityManager em;

    ImportJobStore(AgroalDataSource dataSource, EntityManager em) {
        this.dataSource = dataSource;
        this.em = em;
    }

    /**
     * Runs {@code work} on the connection of the current transaction (a batch's), where the batch's records, errors and
     * checkpoint commit together.
     */
    <T> T inTransaction(ReturningWork<T> work) {
        return em.unwrap(Session.class).doReturningWork(work);
    }

    void create(UUID id, ImportFormat format, String recordType, String fileName, long size, int batchSize) {
        Sql.update(dataSource, CREATE, List.of(id, format.name(), nullable(recordType), fileName, size,
                batchSize));
    }

    /**
     * Of {@code fileNames}, those a job may still read: a queued or running job's, or a failed or cancelled one's that
     * ended less than {@code keepEnded} ago (by the database's clock) and may be resumed.
     */
    java.util.Set<String> filesInUse(List<String> fileNames, Duration keepEnded) {
        return new java.util.HashSet<>(Sql.query(dataSource, FILES_IN_USE,
                List.of(fileNames.toArray(String[]::new), seconds(keepEnded)), r -> r.getString(1)));
    }

    Optional<Job> find(UUID id) {
        return Sql.query(dataSource, FIND, List.of(id), ImportJobStore::job).stream().findFirst();
    }

    boolean any() {
        return !Sql.query(dataSource, ANY, List.of(), ImportJobStore::job).isEmpty();
    }

    /**
     * Takes the oldest queued job, or a running one whose holder stopped beating for {@code staleAfter} (by the
     * database's clock), for {@code owner}: marks it RUNNING under a new fencing token, which voids the previous
     * holder's lease, and records the hand-over in the job's lease history.
     */
    Optional<Job> claimNext(String owner, Duration staleAfter) {
        return Sql.query(dataSource, CLAIM_NEXT, List.of(owner, owner, seconds(staleAfter)), ImportJobStore::job)
                .stream().findFirst();
    }

    /**
     * Renews a lease (on a timer, independent of batches); false when it is no longer held, because another replica
     * took the job over or it was cancelled while queued.
     */
    boolean heartbeat(Lease lease) {
        return Sql.update(dataSource, HEARTBEAT, List.of(lease.job(), lease.token())) == 1;
    }

    /**
     * Records a committed batch inside its transaction (on its connection {@code c}), and returns whether the job was
     * asked to stop. Fenced by the lease token: a replica whose job was taken over meanwhile gets {@link LeaseLost},
     * and its batch rolls back.
     */
    boolean checkpoint(Connection c, Lease lease, Progress p) throws SQLException {
        List<Boolean> cancel = Sql.query(c, CHECKPOINT, List.of(p.rowsDone(), p.bytesDone(), p.inserted(),
                p.updated(), p.unchanged(), p.rejected(), lease.job(), lease.token()), r -> r.getBoolean(1));
        if (cancel.isEmpty()) {
            throw new LeaseLost(lease);
        }
        return cancel.get(0);
    }

    /** Checks, inside a batch's transaction (on its connection {@code c}) and before its work, that the lease is held. */
    void checkLease(Connection c, Lease lease) throws SQLException {
        if (Sql.query(c, LEASE_HELD, List.of(lease.job(), lease.token()), r -> r.getInt(1)).isEmpty()) {
            throw new LeaseLost(lease);
        }
    }

    /**
     * Records a batch's errors (sorted by row) on its transaction's connection {@code c}, numbered within their row,
     * reasons cut at 1000 characters, as long as the job has fewer than {@code max}.
     */
    void addErrors(Connection c, UUID id, List<RowError> errors, int max) throws SQLException {
        if (errors.isEmpty()) {
            return;
        }
        Long[] rows = new Long[errors.size()];
        Integer[] seqs = new Integer[errors.size()];
        String[] fields = new String[errors.size()];
        String[] reasons = new String[errors.size()];
        long lastRow = -1;
        int seq = 0;
        for (int i = 0; i < errors.size(); i++) {
            RowError e = errors.get(i);
            seq = e.row() == lastRow ? seq + 1 : 0;
            lastRow = e.row();
            rows[i] = e.row();
            seqs[i] = seq;
            fields[i] = e.field();
            reasons[i] = e.reason().length() > 1000 ? e.reason().substring(0, 1000) : e.reason();
        }
        Sql.update(c, ADD_ERRORS, List.of(id, rows, seqs, fields, reasons, id, max));
    }

    /** Up to {@code limit} errors after row {@code afterRow} (and sequence {@code afterSeq} within it). */
    long errorCount(UUID id) {
        return Sql.query(dataSource, "SELECT count(*) FROM import_error WHERE job_id = ?", List.of(id),
                r -> r.getLong(1)).get(0);
    }

    List<RowError> errors(UUID id, long afterRow, int afterSeq, int limit, List<Integer> seqs) {
        return Sql.query(dataSource, ERRORS, List.of(id, afterRow, afterSeq, limit), r -> {
            seqs.add(r.getInt(2));
            return new RowError(r.getLong(1), r.getString(3), r.getString(4));
        });
    }

    /** Ends a job under its lease; false (nothing changed) when the lease was lost meanwhile. */
    boolean finish(Lease lease, ImportState state, String error) {
        return Sql.update(dataSource, FINISH, List.of(state.name(), nullable(error), lease.job(), lease.token())) == 1;
    }

    /** Asks a job to stop after its current batch; a queued job is cancelled at once. */
    void requestCancel(UUID id) {
        Sql.update(dataSource, REQUEST_CANCEL, List.of(id));
    }

    /** Queues a stopped job again from its checkpoint; false when it is not in a state that allows it. */
    boolean requeue(UUID id, Duration staleAfter) {
        return Sql.update(dataSource, REQUEUE, List.of(id, seconds(staleAfter))) == 1;
    }

    /**
     * Inside an erasure's transaction: row errors and job errors that contain one of {@code words} (lower case) lose
     * their text; a row error's reason becomes {@code erased}.
     */
    void forgetErased(List<String> words, String erased) {
        String[] array = words.toArray(String[]::new);
        inTransaction(c -> {
            Sql.update(c, FORGET_IN_ERRORS, List.of(erased, array));
            return Sql.update(c, FORGET_IN_JOBS, List.of((Object) array));
        });
    }

    private static Job job(ResultSet r) throws SQLException {
        return new Job(r.getObject(1, UUID.class), ImportState.valueOf(r.getString(2)),
                ImportFormat.valueOf(r.getString(3)), r.getString(4), r.getString(5), r.getLong(6),
                r.getInt(7), r.getLong(8), r.getLong(9), r.getLong(10), r.getLong(11), r.getLong(12),
                r.getLong(13), r.getInt(14), r.getString(15), r.getBoolean(16), instant(r, 17),
                instant(r, 18), instant(r, 19), instant(r, 20), r.getLong(21), r.getString(22));
    }

    private static Object nullable(Object value) {
        return value == null ? Sql.NULL : value;
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    private static Instant instant(ResultSet r, int column) throws SQLException {
        Timestamp t = r.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
