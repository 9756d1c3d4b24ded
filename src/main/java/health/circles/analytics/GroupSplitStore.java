package health.circles.analytics;

import health.circles.Sql;
import health.circles.group.GroupKind;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Groups against a run's communities: where the current members of each group stand among the communities of one level
 * (their primary membership), households first, then care teams, then the rest, by name.
 */
@ApplicationScoped
public class GroupSplitStore {

    /**
     * Current members of each group with the community they are in (null when the run does not have them). Parameters:
     * today, the run, the level, the kinds (text[], null for all).
     */
    private static final String PLACED = """
            SELECT g.id AS group_id, g.kind, g.name, gm.contact_id, am.community_id,
                   CASE g.kind WHEN 'HOUSEHOLD' THEN 0 WHEN 'CARE_TEAM' THEN 1 ELSE 2 END AS kind_rank
            FROM contact_group g
            JOIN group_membership gm ON gm.group_id = g.id AND gm.contact_id IS NOT NULL
                                    AND coalesce(gm.until, 'infinity'::date) > ?
            LEFT JOIN analytics_membership am ON am.run_id = ? AND am.contact_id = gm.contact_id AND am.is_primary
                                             AND am.level = ?
            WHERE (?::text[] IS NULL OR g.kind = ANY(?::text[]))""";

    /** A page of groups by (kind rank, name, id) after the given position, split ones only when asked. */
    private static final String GROUPS = """
            WITH placed AS (%s)
            SELECT group_id, kind, name, kind_rank, count(*) AS members, count(DISTINCT community_id) AS communities
            FROM placed
            GROUP BY group_id, kind, name, kind_rank
            HAVING (NOT ? OR count(DISTINCT community_id) > 1)
               AND (kind_rank, name, group_id) > (?, ?, ?)
            ORDER BY kind_rank, name, group_id
            LIMIT ?""".formatted(PLACED);

    /** The placed members of the groups of a page. */
    private static final String MEMBERS = """
            WITH placed AS (%s)
            SELECT group_id, contact_id, community_id FROM placed WHERE group_id = ANY(?::uuid[])
            ORDER BY group_id, community_id NULLS LAST, contact_id""".formatted(PLACED);

    private final AgroalDataSource dataSource;

    GroupSplitStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A group's place in the listing and its counts. */
    record Row(UUID id, GroupKind kind, String name, int rank, int members, int communities) {
    }

    /** A current member and its community in the run (null: not in it). */
    record Placed(UUID group, UUID contact, Long community) {
    }

    List<Row> groups(UUID run, int level, List<GroupKind> kinds, boolean splitOnly, LocalDate today,
                     int afterRank, String afterName, UUID afterId, int limit) {
        List<Object> params = placedParams(run, level, kinds, today);
        params.add(splitOnly);
        params.add(afterRank);
        params.add(afterName);
        params.add(afterId);
        params.add(limit);
        return Sql.query(dataSource, GROUPS, params, r -> new Row(r.getObject(1, UUID.class),
                GroupKind.valueOf(r.getString(2)), r.getString(3), r.getInt(4), r.getInt(5), r.getInt(6)));
    }

    List<Placed> members(UUID run, int level, List<GroupKind> kinds, LocalDate today, List<UUID> groups) {
        if (groups.isEmpty()) {
            return List.of();
        }
        List<Object> params = placedParams(run, level, kinds, today);
        params.add(groups.toArray(new UUID[0]));
        return Sql.query(dataSource, MEMBERS, params, r -> new Placed(r.getObject(1, UUID.class),
                r.getObject(2, UUID.class), r.getObject(3) == null ? null : r.getLong(3)));
    }

    private static List<Object> placedParams(UUID run, int level, List<GroupKind> kinds, LocalDate today) {
        List<Object> params = new ArrayList<>();
        params.add(today);
        params.add(run);
        params.add(level);
        Object array = kinds == null || kinds.isEmpty() ? Sql.NULL : kinds.stream().map(Enum::name).toArray(String[]::new);
        params.add(array);
        params.add(array);
        return params;
    }
}
