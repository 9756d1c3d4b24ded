package health.circles.imports;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The import job store: jobs, their committed checkpoints and their row errors, in PostgreSQL. */
@ApplicationScoped
public class ImportJobs {

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

    private final AgroalDataSource dataSource;

    ImportJobs(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    void create(UUID id, ImportFormat format, String recordType, String fileName, long size, int batchSize) {
        update("""
                INSERT INTO import_job (id, state, format, record_type, file_name, size_bytes, batch_size)
                VALUES (?, 'QUEUED', ?, ?, ?, ?, ?)""", id, format.name(), recordType, fileName, size, batchSize);
    }

    Optional<Job> find(UUID id) {
        List<Job> jobs = query("SELECT " + COLUMNS + " FROM import_job WHERE id = ?", id);
        return jobs.stream().findFirst();
    }

    boolean any() {
        return !query("SELECT " + COLUMNS + " FROM import_job LIMIT 1").isEmpty();
    }

    /**
     * Takes the oldest queued job, or a running one whose holder stopped beating for {@code staleAfter} (by the
     * database's clock), for {@code owner}: marks it RUNNING under a new fencing token, which voids the previous
     * holder's lease, and records the hand-over in the job's lease history.
     */
    Optional<Job> claimNext(String owner, Duration staleAfter) {
        return query("""
                UPDATE import_job SET state = 'RUNNING', started_at = coalesce(started_at, now()), heartbeat_at = now(),
                       lease_token = lease_token + 1, lease_owner = ?,
                       lease_history = lease_history || jsonb_build_array(jsonb_build_object(
                           'owner', ?::text, 'token', lease_token + 1, 'at', now(), 'fromRow', rows_done + 1))
                WHERE id = (SELECT id FROM import_job
                            WHERE state = 'QUEUED'
                               OR (state = 'RUNNING' AND heartbeat_at < now() - make_interval(secs => ?))
                            ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING\s""" + COLUMNS, owner, owner, seconds(staleAfter)).stream().findFirst();
    }

    /**
     * Renews a lease (on a timer, independent of batches); false when it is no longer held, because another replica
     * took the job over or it was cancelled while queued.
     */
    boolean heartbeat(Lease lease) {
        return update("""
                UPDATE import_job SET heartbeat_at = now()
                WHERE id = ? AND lease_token = ? AND state = 'RUNNING'""", lease.job(), lease.token()) == 1;
    }

    /**
     * Records a committed batch inside its transaction, and returns whether the job was asked to stop. Fenced by the
     * lease token: a replica whose job was taken over meanwhile gets {@link LeaseLost}, and its batch rolls back.
     */
    boolean checkpoint(Connection c, Lease lease, Progress p) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                UPDATE import_job SET rows_done = ?, bytes_done = ?, inserted = inserted + ?, updated = updated + ?,
                       unchanged = unchanged + ?, rejected = rejected + ?, batches = batches + 1, heartbeat_at = now()
                WHERE id = ? AND state = 'RUNNING' AND lease_token = ?
                RETURNING cancel_requested""")) {
            s.setLong(1, p.rowsDone());
            s.setLong(2, p.bytesDone());
            s.setLong(3, p.inserted());
            s.setLong(4, p.updated());
            s.setLong(5, p.unchanged());
            s.setLong(6, p.rejected());
            s.setObject(7, lease.job());
            s.setLong(8, lease.token());
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new LeaseLost(lease);
                }
                return r.getBoolean(1);
            }
        }
    }

    /** Checks, inside a batch's transaction and before its work, that the lease is still held. */
    void checkLease(Connection c, Lease lease) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT 1 FROM import_job WHERE id = ? AND state = 'RUNNING' AND lease_token = ?""")) {
            s.setObject(1, lease.job());
            s.setLong(2, lease.token());
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new LeaseLost(lease);
                }
            }
        }
    }

    void addErrors(Connection c, UUID id, List<RowError> errors, int max) throws SQLException {
        if (errors.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO import_error (job_id, row_no, seq, field, reason)
                SELECT ?, e.row_no, e.seq, e.field, e.reason
                FROM unnest(?::bigint[], ?::int[], ?::text[], ?::text[]) AS e(row_no, seq, field, reason)
                WHERE (SELECT count(*) FROM import_error WHERE job_id = ?) < ?
                ON CONFLICT DO NOTHING""")) {
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
            s.setObject(1, id);
            s.setArray(2, c.createArrayOf("bigint", rows));
            s.setArray(3, c.createArrayOf("int", seqs));
            s.setArray(4, c.createArrayOf("text", fields));
            s.setArray(5, c.createArrayOf("text", reasons));
            s.setObject(6, id);
            s.setInt(7, max);
            s.executeUpdate();
        }
    }

    /** Up to {@code limit} errors after row {@code afterRow} (and sequence {@code afterSeq} within it). */
    List<RowError> errors(UUID id, long afterRow, int afterSeq, int limit, List<Integer> seqs) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("""
                     SELECT row_no, seq, field, reason FROM import_error
                     WHERE job_id = ? AND (row_no, seq) > (?, ?)
                     ORDER BY row_no, seq LIMIT ?""")) {
            s.setObject(1, id);
            s.setLong(2, afterRow);
            s.setInt(3, afterSeq);
            s.setInt(4, limit);
            List<RowError> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new RowError(r.getLong(1), r.getString(3), r.getString(4)));
                    seqs.add(r.getInt(2));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Ends a job under its lease; false (nothing changed) when the lease was lost meanwhile. */
    boolean finish(Lease lease, ImportState state, String error) {
        return update("""
                UPDATE import_job SET state = ?, error = ?, finished_at = now(), heartbeat_at = now()
                WHERE id = ? AND state = 'RUNNING' AND lease_token = ?""", state.name(), error, lease.job(),
                lease.token()) == 1;
    }

    /** Asks a job to stop after its current batch; a queued job is cancelled at once. */
    void requestCancel(UUID id) {
        update("""
                UPDATE import_job SET cancel_requested = true,
                       state = CASE WHEN state = 'QUEUED' THEN 'CANCELLED' ELSE state END,
                       finished_at = CASE WHEN state = 'QUEUED' THEN now() ELSE finished_at END
                WHERE id = ?""", id);
    }

    /** Queues a stopped job again from its checkpoint; false when it is not in a state that allows it. */
    boolean requeue(UUID id, Duration staleAfter) {
        return update("""
                UPDATE import_job SET state = 'QUEUED', cancel_requested = false, error = NULL, finished_at = NULL
                WHERE id = ? AND (state IN ('FAILED', 'CANCELLED')
                                  OR (state = 'RUNNING' AND heartbeat_at < now() - make_interval(secs => ?)))""",
                id, seconds(staleAfter)) == 1;
    }

    private int update(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<Job> query(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            List<Job> jobs = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    jobs.add(new Job(r.getObject(1, UUID.class), ImportState.valueOf(r.getString(2)),
                            ImportFormat.valueOf(r.getString(3)), r.getString(4), r.getString(5), r.getLong(6),
                            r.getInt(7), r.getLong(8), r.getLong(9), r.getLong(10), r.getLong(11), r.getLong(12),
                            r.getLong(13), r.getInt(14), r.getString(15), r.getBoolean(16), instant(r, 17),
                            instant(r, 18), instant(r, 19), instant(r, 20), r.getLong(21), r.getString(22)));
                }
            }
            return jobs;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    private static Instant instant(ResultSet r, int column) throws SQLException {
        Timestamp t = r.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
