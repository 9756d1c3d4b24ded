package health.circles.analytics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.circles.Sql;
import health.circles.events.Change;
import health.circles.events.ChangeEvents;
import health.circles.events.EventTypes;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Where an exact betweenness computed after a run ({@link ExactBetweenness}) goes in PostgreSQL: the run's scores and
 * ranks by betweenness, its communities' bridging members, and the run's quality and timings, in one transaction.
 */
@ApplicationScoped
public class ExactBetweennessStore {

    /** The one exact betweenness at a time, across replicas ("Circles3"; runs hold "Circles2"). */
    private static final SessionLock LOCK = new SessionLock(0x43697263_6c657333L, "exact betweenness");

    private final AgroalDataSource dataSource;
    private final ObjectMapper json;
    private final ChangeEvents events;

    ExactBetweennessStore(AgroalDataSource dataSource, ObjectMapper json, ChangeEvents events) {
        this.dataSource = dataSource;
        this.json = json;
        this.events = events;
    }

    /** The lock's connection, or empty when another replica's exact betweenness holds it. */
    Optional<Connection> tryLock() throws SQLException {
        return LOCK.tryTake(dataSource);
    }

    /** Releases the lock {@link #tryLock} took and closes its connection; never throws. */
    void unlock(Connection c) {
        LOCK.release(c);
    }

    /**
     * Under the lock: an exact betweenness recorded RUNNING whose process is gone (it stopped mid-way, which only
     * the lock's holder can tell) is recorded FAILED.
     */
    int abandonOrphans(Connection lock, UUID except) {
        return Sql.update(lock, """
                UPDATE analytics_run SET quality = quality || jsonb_build_object('exactBetweenness', ?::text)
                WHERE quality ->> 'exactBetweenness' = ? AND id <> ?""",
                List.of(ExactBetweenness.FAILED + ": the process computing it stopped before it finished",
                        ExactBetweenness.RUNNING, except));
    }

    /**
     * Records what became of a run's exact betweenness ({@link ExactBetweenness}'s states) while it is still RUNNING:
     * one cancelled meanwhile stays CANCELLED. Returns whether it did.
     */
    boolean record(UUID run, String state) {
        return Sql.update(dataSource, """
                UPDATE analytics_run SET quality = quality || jsonb_build_object('exactBetweenness', ?::text)
                WHERE id = ? AND quality ->> 'exactBetweenness' = ?""",
                List.of(state, run, ExactBetweenness.RUNNING)) > 0;
    }

    /**
     * Replaces the run's betweenness with {@code scores} (by contact id) in its snapshot: the scores, the ranks (1 the
     * highest, equal scores in the order of their contact ids, as the run ranks them), each community's bridging
     * members (its primary members with a secondary membership at its level, by rank, as many as the run keeps), and
     * the run's quality (betweenness EXACT) and timings, and the event analytics-run.exact-betweenness, in one
     * transaction. Erasure deletes from the same tables, in
     * its own order; the tables are locked against writes first, so an erasure waits for this (a few seconds at
     * 100k contacts) rather than deadlock with it, and what it erased is not written back. Returns false, changing
     * nothing, when the run's snapshot has been pruned, the run is not a successful one, or its exact betweenness is
     * no longer RUNNING (cancelled meanwhile: the row lock orders the two).
     */
    boolean replace(UUID run, Map<UUID, Double> scores, Map<String, Long> timings) throws SQLException {
        UUID[] ids = new UUID[scores.size()];
        Double[] values = new Double[scores.size()];
        int i = 0;
        for (Map.Entry<UUID, Double> e : scores.entrySet()) {
            ids[i] = e.getKey();
            values[i++] = e.getValue();
        }
        String timed;
        try {
            timed = json.writeValueAsString(timings);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Sql.execute(c, "LOCK TABLE analytics_community, analytics_membership, analytics_score "
                        + "IN SHARE ROW EXCLUSIVE MODE", List.of());
                boolean held = !Sql.query(c, """
                        SELECT 1 FROM analytics_run r
                        WHERE r.id = ? AND r.state = 'SUCCEEDED' AND r.quality ->> 'exactBetweenness' = ?
                          AND EXISTS (SELECT 1 FROM analytics_score s WHERE s.run_id = r.id)
                        FOR UPDATE""", List.of(run, ExactBetweenness.RUNNING), r -> 1).isEmpty();
                if (!held) {
                    c.rollback();
                    return false;
                }
                Sql.update(c, """
                        UPDATE analytics_score s SET betweenness = u.betweenness
                        FROM unnest(?::uuid[], ?::float8[]) AS u(contact_id, betweenness)
                        WHERE s.run_id = ? AND s.contact_id = u.contact_id""", List.of(ids, values, run));
                Sql.update(c, """
                        UPDATE analytics_score s SET rank_betweenness = r.rank
                        FROM (SELECT contact_id, row_number() OVER (ORDER BY betweenness DESC, contact_id) AS rank
                              FROM analytics_score WHERE run_id = ?) r
                        WHERE s.run_id = ? AND s.contact_id = r.contact_id AND s.rank_betweenness <> r.rank""",
                        List.of(run, run));
                Sql.update(c, """
                        UPDATE analytics_community c SET bridging_members = b.members
                        FROM (SELECT x.community_id, array_agg(x.contact_id ORDER BY x.rank) AS members
                              FROM (SELECT p.community_id, p.contact_id, s.rank_betweenness AS rank,
                                           row_number() OVER (PARTITION BY p.community_id
                                                              ORDER BY s.rank_betweenness) AS n
                                    FROM analytics_membership p
                                    JOIN analytics_score s ON s.run_id = p.run_id AND s.contact_id = p.contact_id
                                    WHERE p.run_id = ? AND p.is_primary
                                      AND EXISTS (SELECT 1 FROM analytics_membership q
                                                  WHERE q.run_id = p.run_id AND q.contact_id = p.contact_id
                                                    AND q.level = p.level AND NOT q.is_primary)) x
                              WHERE x.n <= ?
                              GROUP BY x.community_id) b
                        WHERE c.run_id = ? AND c.id = b.community_id""",
                        List.of(run, CommunityDetails.BRIDGING + CommunityDetails.SPARE, run));
                Sql.update(c, """
                        UPDATE analytics_run
                        SET quality = quality || jsonb_build_object('betweenness', 'EXACT',
                                                                    'exactBetweenness', ?::text),
                            timings = timings || ?::jsonb
                        WHERE id = ?""", List.of(ExactBetweenness.SUCCEEDED, timed, run));
                events.recordOn(c, Change.of(EventTypes.ANALYTICS_RUN_EXACT_BETWEENNESS, run, null));
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }
}
