package health.circles.sync;

import health.circles.Sql;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/** The graph's current {@link GraphVersion}, read from PostgreSQL (the same on every replica): one small query. */
@ApplicationScoped
class GraphVersionStore {

    private final AgroalDataSource dataSource;

    GraphVersionStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    GraphVersion current() {
        return Sql.query(dataSource, """
                SELECT applied_position, (SELECT max(finished_at) FROM graph_rebuild), current_date, applied_batches,
                       repaired_at
                FROM sync_state WHERE id = 1""", List.of(), r -> {
            Timestamp rebuilt = r.getTimestamp(2);
            Timestamp repaired = r.getTimestamp(5);
            return new GraphVersion(r.getLong(1), rebuilt == null ? null : rebuilt.toInstant(),
                    r.getDate(3).toLocalDate(), r.getLong(4), repaired == null ? null : repaired.toInstant());
        }).stream().findFirst().orElseGet(() -> new GraphVersion(0, null, LocalDate.now(ZoneOffset.UTC)));
    }

    /** Stamps a repair of the graph by a reconcile: copies read before it are behind. */
    void markRepaired() {
        Sql.update(dataSource, "UPDATE sync_state SET repaired_at = now() WHERE id = 1", List.of());
    }
}
