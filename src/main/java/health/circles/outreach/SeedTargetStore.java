package health.circles.outreach;

import health.circles.Sql;
import health.circles.contact.Channel;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What seed selection reads from PostgreSQL: target members (a community of the latest successful analytics run, or
 * named contacts), who may be contacted on a channel, sub-communities for spreading, and the names of the seeds.
 */
@ApplicationScoped
public class SeedTargetStore {

    private final AgroalDataSource dataSource;

    SeedTargetStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A community's level in a run, if the run has it. */
    Optional<Integer> communityLevel(UUID run, long community) {
        return query("SELECT level FROM analytics_community WHERE run_id = ? AND id = ?", List.of(run, community),
                r -> r.getInt(1)).stream().findFirst();
    }

    List<UUID> communityMembers(UUID run, long community, boolean secondary) {
        return query("SELECT contact_id FROM analytics_membership WHERE run_id = ? AND community_id = ?"
                        + (secondary ? "" : " AND is_primary") + " ORDER BY contact_id",
                List.of(run, community), r -> r.getObject(1, UUID.class));
    }

    /** Of {@code ids}, those that are not contacts. */
    List<UUID> unknown(List<UUID> ids) {
        return query("""
                SELECT x.id FROM unnest(?::uuid[]) AS x(id)
                WHERE NOT EXISTS (SELECT 1 FROM contact c WHERE c.id = x.id) ORDER BY x.id LIMIT 5""",
                List.of((Object) ids.toArray(new UUID[0])), r -> r.getObject(1, UUID.class));
    }

    /** A contact that may be approached on a channel, and its kind. */
    interface EligibleSink {
        void accept(UUID id, String kind);
    }

    /**
     * Every contact that may be approached on {@code channel}: not do-not-contact, and consent GRANTED, or UNKNOWN
     * (no answer recorded) when {@code allowUnknown}; DENIED never.
     */
    void eligible(Channel channel, boolean allowUnknown, EligibleSink sink) {
        String[] statuses = allowUnknown ? new String[] {"GRANTED", "UNKNOWN"} : new String[] {"GRANTED"};
        query("""
                SELECT c.id, c.kind FROM contact c
                LEFT JOIN contact_consent cc ON cc.contact_id = c.id AND cc.channel = ?
                WHERE NOT c.do_not_contact AND coalesce(cc.status, 'UNKNOWN') = ANY(?::text[])""",
                List.of(channel.name(), statuses), r -> {
                    sink.accept(r.getObject(1, UUID.class), r.getString(2));
                    return null;
                });
    }

    /** Whether a community has finer communities under it. */
    boolean hasChildren(UUID run, long community) {
        return !query("SELECT 1 FROM analytics_community WHERE run_id = ? AND parent_id = ? LIMIT 1",
                List.of(run, community), r -> 1).isEmpty();
    }

    /** Every contact's primary community at a level of a run. */
    Map<UUID, Long> primaryCommunities(UUID run, int level) {
        Map<UUID, Long> out = new HashMap<>();
        query("SELECT contact_id, community_id FROM analytics_membership WHERE run_id = ? AND level = ? AND is_primary",
                List.of(run, level), r -> {
                    out.put(r.getObject(1, UUID.class), r.getLong(2));
                    return null;
                });
        return out;
    }

    /** Every contact's PageRank in a run. */
    Map<UUID, Double> pagerank(UUID run) {
        Map<UUID, Double> out = new HashMap<>();
        query("SELECT contact_id, pagerank FROM analytics_score WHERE run_id = ?", List.of(run), r -> {
            out.put(r.getObject(1, UUID.class), r.getDouble(2));
            return null;
        });
        return out;
    }

    /** Display name and kind of a contact. */
    record Named(String displayName, String kind) {
    }

    Map<UUID, Named> names(List<UUID> ids) {
        Map<UUID, Named> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        query("SELECT id, display_name, kind FROM contact WHERE id = ANY(?::uuid[])",
                List.of((Object) ids.toArray(new UUID[0])), r -> {
                    out.put(r.getObject(1, UUID.class), new Named(r.getString(2), r.getString(3)));
                    return null;
                });
        return out;
    }

    private <T> List<T> query(String sql, List<Object> params, Sql.Row<T> row) {
        return Sql.query(dataSource, sql, params, row);
    }
}
