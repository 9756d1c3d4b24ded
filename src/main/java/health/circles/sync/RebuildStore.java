package health.circles.sync;

import health.circles.Sql;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The {@code graph_rebuild} table: one row per rebuild, its state and progress; each statement commits on its own. */
@ApplicationScoped
class RebuildStore {

    /** Starts a rebuild unless one is running: at most one RUNNING row. */
    private static final String START = """
            INSERT INTO graph_rebuild (id, state)
            SELECT ?, 'RUNNING' WHERE NOT EXISTS (SELECT 1 FROM graph_rebuild WHERE state = 'RUNNING')""";

    /**
     * Ends the RUNNING rows that have not beaten for {@link #ABANDONED_AFTER}: the process running them is gone (a
     * running rebuild beats at every slice and batch, which take seconds).
     */
    private static final String ABANDON = """
            UPDATE graph_rebuild SET state = 'FAILED', finished_at = now(),
                   error = 'abandoned: no progress since ' || heartbeat_at || ' (the process running it stopped); the '
                           || 'graph may be partly empty until a rebuild succeeds'
            WHERE state = 'RUNNING' AND heartbeat_at < now() - CAST(? AS interval)""";

    // Beats, progress and success only while the row is still RUNNING: a rebuild taken for abandoned (it waited past
    // ABANDONED_AFTER for the relay's lock) must not be reported as succeeding beside the one that replaced it.
    private static final String BEAT = "UPDATE graph_rebuild SET heartbeat_at = now() WHERE id = ? AND state = 'RUNNING'";

    /** The latest rebuild, by start. */
    private static final String LATEST = """
            SELECT id, state, error FROM graph_rebuild ORDER BY started_at DESC LIMIT 1""";

    /** A running rebuild beats far more often than this; one silent for so long was abandoned by its process. */
    static final Duration ABANDONED_AFTER = Duration.ofMinutes(10);

    private static final String GET = """
            SELECT state, total, done, error, started_at, finished_at FROM graph_rebuild WHERE id = ?""";

    /** The size of the job: every row of every source of the graph, counted by their owners. */
    private static final String SIZE = "UPDATE graph_rebuild SET total = ? WHERE id = ?";

    private static final String PROGRESS = """
            UPDATE graph_rebuild SET done = done + ?, heartbeat_at = now() WHERE id = ? AND state = 'RUNNING'""";

    private static final String SUCCEEDED = """
            UPDATE graph_rebuild SET state = 'SUCCEEDED', finished_at = now() WHERE id = ? AND state = 'RUNNING'""";

    private static final String FAILED = "UPDATE graph_rebuild SET state = 'FAILED', error = ?, finished_at = now() WHERE id = ?";

    private final AgroalDataSource dataSource;

    RebuildStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A rebuild's row as it is. */
    record Row(String state, long total, long done, String error, Instant startedAt, Instant finishedAt) {
    }

    /** Whether the rebuild could start: false while another one runs (one abandoned by its process does not count). */
    boolean start(UUID id) {
        Sql.update(dataSource, ABANDON, List.of(ABANDONED_AFTER.toSeconds() + " seconds"));
        return Sql.update(dataSource, START, List.of(id)) > 0;
    }

    /** The running rebuild is alive. */
    void beat(UUID id) {
        Sql.update(dataSource, BEAT, List.of(id));
    }

    /** The latest rebuild's id, state and error, if there was any. */
    Optional<Latest> latest() {
        return Sql.query(dataSource, LATEST, List.of(), r -> new Latest(r.getObject(1, UUID.class), r.getString(2),
                r.getString(3))).stream().findFirst();
    }

    /** The latest rebuild, as the sync status reads it. */
    record Latest(UUID id, String state, String error) {
    }

    Optional<Row> get(UUID id) {
        return Sql.query(dataSource, GET, List.of(id), r -> new Row(r.getString(1), r.getLong(2), r.getLong(3),
                r.getString(4), instant(r.getTimestamp(5)), instant(r.getTimestamp(6)))).stream().findFirst();
    }

    void sized(UUID id, long total) {
        Sql.update(dataSource, SIZE, List.of(total, id));
    }

    void progressed(UUID id, long rows) {
        Sql.update(dataSource, PROGRESS, List.of(rows, id));
    }

    void succeeded(UUID id) {
        Sql.update(dataSource, SUCCEEDED, List.of(id));
    }

    void failed(UUID id, String error) {
        Sql.update(dataSource, FAILED, List.of(error, id));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
