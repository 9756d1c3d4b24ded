package health.circles.analytics;

import health.circles.network.ActiveTie;

import health.circles.Sql;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.circles.analytics.InsightViews.Bridge;
import health.circles.analytics.InsightViews.Community;
import health.circles.analytics.InsightViews.Member;
import health.circles.analytics.InsightViews.Membership;
import health.circles.analytics.InsightViews.Neighbour;
import health.circles.analytics.InsightViews.SecondaryMember;
import health.circles.analytics.InsightViews.ValueCount;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Reads over a run's snapshot in PostgreSQL: influencer pages, communities, memberships. */
@ApplicationScoped
public class InsightStore {

    // LATERAL keeps the plan an index lookup per contact whatever the statistics say; a hash join would read the
    // whole tie table for a page of twenty contacts. What is looked up per tie (the other end's name or community)
    // is a LATERAL with LIMIT 1 for the same reason: without it the planner folds the lookup into the per-contact
    // loop as a hash join over the whole contact or membership table, once per contact of the page (20 full scans
    // of 100k rows for influencers top 20).
    private static final String ACTIVE_EDGES = """
            e AS (SELECT ids.id, x.other, x.type, x.strength FROM ids CROSS JOIN LATERAL (
                      SELECT t.to_id AS other, t.type, t.strength FROM tie t
                      WHERE t.from_id = ids.id AND %1$s
                      UNION ALL
                      SELECT t.from_id, t.type, t.strength FROM tie t
                      WHERE t.to_id = ids.id AND %1$s) x)""".formatted(ActiveTie.ACTIVE_TODAY_SQL);

    private static final String COMMUNITY_COLUMNS = """
            c.id, c.level, c.parent_id, c.size, c.kind_mix, c.density, c.internal_ties, c.internal_strength,
            c.external_strength, c.modularity_contribution, c.languages, c.postal_codes""";

    private final AgroalDataSource dataSource;
    private final ObjectMapper json;

    InsightStore(AgroalDataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    /** A ranked contact before its explanation is attached. */
    record Ranked(UUID contactId, String displayName, String kind, int rank, InsightViews.Scores scores,
                  long community, Integer previousRank) {
    }

    List<Ranked> influencers(UUID run, UUID previous, Metric metric, String kind, Long community, UUID contact,
                             int afterRank, int limit) {
        StringBuilder sql = new StringBuilder("SELECT s.contact_id, c.display_name, s.kind, s.pagerank, s.betweenness, "
                + "s.degree, s.strength, s." + metric.rankColumn + " AS rank, p." + metric.rankColumn + " AS previous, "
                + "s.community_id FROM analytics_score s LEFT JOIN contact c ON c.id = s.contact_id "
                + "LEFT JOIN analytics_score p ON p.run_id = ? AND p.contact_id = s.contact_id "
                + "WHERE s.run_id = ? AND s." + metric.rankColumn + " > ?");
        List<Object> params = new ArrayList<>(List.of(previous == null ? new UUID(0, 0) : previous, run, afterRank));
        if (kind != null) {
            sql.append(" AND s.kind = ?");
            params.add(kind);
        }
        if (contact != null) {
            sql.append(" AND s.contact_id = ?");
            params.add(contact);
        }
        if (community != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM analytics_membership m WHERE m.run_id = s.run_id "
                    + "AND m.community_id = ? AND m.contact_id = s.contact_id AND m.is_primary)");
            params.add(community);
        }
        sql.append(" ORDER BY s.").append(metric.rankColumn).append(" LIMIT ?");
        params.add(limit);
        return query(sql.toString(), params, r -> new Ranked(r.getObject(1, UUID.class), r.getString(2),
                r.getString(3), r.getInt(8),
                new InsightViews.Scores(r.getDouble(4), r.getDouble(5), r.getDouble(6), r.getDouble(7)),
                r.getLong(10), (Integer) r.getObject(9)));
    }

    /** Active ties per type of each contact. */
    Map<UUID, Map<String, Integer>> tieTypes(List<UUID> contacts) {
        Map<UUID, Map<String, Integer>> out = new HashMap<>();
        query("WITH ids AS (SELECT unnest(?::uuid[]) AS id), " + ACTIVE_EDGES
                        + " SELECT id, type, count(*) FROM e GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2",
                List.<Object>of((Object) contacts.toArray(new UUID[0])), r -> {
                    out.computeIfAbsent(r.getObject(1, UUID.class), k -> new LinkedHashMap<>())
                            .put(r.getString(2), r.getInt(3));
                    return null;
                });
        return out;
    }

    /** Communities (coarsest level) that each contact's ties reach, most ties first. */
    Map<UUID, List<Long>> reachedCommunities(UUID run, List<UUID> contacts) {
        Map<UUID, List<Long>> out = new HashMap<>();
        List<Object> params = new ArrayList<>();
        params.add(contacts.toArray(new UUID[0]));
        params.add(run);
        query("WITH ids AS (SELECT unnest(?::uuid[]) AS id), " + ACTIVE_EDGES + """
                 SELECT e.id, m.community_id, count(*) FROM e
                 CROSS JOIN LATERAL (SELECT community_id FROM analytics_membership m WHERE m.run_id = ?
                                     AND m.contact_id = e.other AND m.level = 0 AND m.is_primary LIMIT 1) m
                 GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2""", params, r -> {
            out.computeIfAbsent(r.getObject(1, UUID.class), k -> new ArrayList<>()).add(r.getLong(2));
            return null;
        });
        return out;
    }

    /** The three strongest ties of each contact. */
    Map<UUID, List<Neighbour>> strongestNeighbours(List<UUID> contacts) {
        Map<UUID, List<Neighbour>> out = new HashMap<>();
        query("WITH ids AS (SELECT unnest(?::uuid[]) AS id), " + ACTIVE_EDGES + """
                 SELECT x.id, x.other, c.display_name, x.type, x.strength FROM (
                     SELECT e.id, e.other, e.type, e.strength,
                            row_number() OVER (PARTITION BY e.id ORDER BY e.strength DESC, e.other) AS r
                     FROM e) x
                 CROSS JOIN LATERAL (SELECT display_name FROM contact c WHERE c.id = x.other LIMIT 1) c
                 WHERE x.r <= 3 ORDER BY x.id, x.r""", List.<Object>of((Object) contacts.toArray(new UUID[0])), r -> {
            out.computeIfAbsent(r.getObject(1, UUID.class), k -> new ArrayList<>()).add(new Neighbour(
                    r.getObject(2, UUID.class), r.getString(3), r.getString(4), r.getDouble(5)));
            return null;
        });
        return out;
    }

    /** Communities of a level, largest first, keyset-paged by (size, id). */
    List<Community> communities(UUID run, int level, int minSize, Integer beforeSize, Long afterId, int limit) {
        String sql = "SELECT " + COMMUNITY_COLUMNS + " FROM analytics_community c WHERE c.run_id = ? AND c.level = ? "
                + "AND c.size >= ?" + (beforeSize == null ? "" : " AND (c.size < ? OR (c.size = ? AND c.id > ?))")
                + " ORDER BY c.size DESC, c.id LIMIT ?";
        List<Object> params = new ArrayList<>(List.of(run, level, minSize));
        if (beforeSize != null) {
            params.addAll(List.of(beforeSize, beforeSize, afterId));
        }
        params.add(limit);
        return query(sql, params, this::community);
    }

    List<Community> communitiesById(UUID run, List<Long> ids) {
        return query("SELECT " + COMMUNITY_COLUMNS + " FROM analytics_community c WHERE c.run_id = ? AND c.id = ANY(?) "
                + "ORDER BY c.size DESC, c.id", List.of(run, ids.toArray(new Long[0])), this::community);
    }

    int communityCount(UUID run, int level, int minSize) {
        return query("SELECT count(*) FROM analytics_community WHERE run_id = ? AND level = ? AND size >= ?",
                List.of(run, level, minSize), r -> r.getInt(1)).get(0);
    }

    /** Ties between two communities of one level, summed. */
    record Link(long a, long b, long ties, double strength) {
    }

    /** Links between communities of a level whose both ends are among {@code ids}, strongest first. */
    List<Link> links(UUID run, int level, List<Long> ids, int limit) {
        Long[] among = ids.toArray(new Long[0]);
        return query("""
                SELECT a, b, ties, strength FROM analytics_community_link
                WHERE run_id = ? AND level = ? AND a = ANY(?) AND b = ANY(?)
                ORDER BY strength DESC, a, b LIMIT ?""", List.of(run, level, among, among, limit),
                r -> new Link(r.getLong(1), r.getLong(2), r.getLong(3), r.getDouble(4)));
    }

    Optional<Community> community(UUID run, long id) {
        return query("SELECT " + COMMUNITY_COLUMNS + " FROM analytics_community c WHERE c.run_id = ? AND c.id = ?",
                List.of(run, id), this::community).stream().findFirst();
    }

    /**
     * A community's summary with what its detail shows of other communities, as the run's snapshot wrote it
     * ({@link CommunityDetails}): its children largest first (at most 100), the communities it is most tied to with
     * their sizes now (erasure changes sizes), and how many secondary members it has (null for a run written before
     * details were). One row, by primary key; the children by their own index.
     */
    Optional<Detail> detail(UUID run, long id) {
        return query("SELECT " + COMMUNITY_COLUMNS + """
                , c.secondary_count, c.bridges, c.bridge_ties, c.bridge_strengths,
                  ARRAY(SELECT (SELECT o.size FROM analytics_community o WHERE o.run_id = c.run_id AND o.id = b.id)
                        FROM unnest(c.bridges) WITH ORDINALITY b(id, n) ORDER BY b.n) AS bridge_sizes,
                  ARRAY(SELECT k.id FROM analytics_community k WHERE k.run_id = c.run_id AND k.parent_id = c.id
                        ORDER BY k.size DESC, k.id LIMIT 100) AS children
                FROM analytics_community c WHERE c.run_id = ? AND c.id = ?""", List.of(run, id), r -> {
            Long secondary = (Long) r.getObject("secondary_count");
            List<Bridge> bridges = new ArrayList<>();
            if (secondary != null) {
                Long[] others = (Long[]) r.getArray("bridges").getArray();
                Long[] ties = (Long[]) r.getArray("bridge_ties").getArray();
                Double[] strengths = (Double[]) r.getArray("bridge_strengths").getArray();
                Integer[] sizes = (Integer[]) r.getArray("bridge_sizes").getArray();
                for (int i = 0; i < others.length; i++) {
                    bridges.add(new Bridge(others[i], sizes[i], ties[i], strengths[i], null));
                }
            }
            return new Detail(community(r), List.of((Long[]) r.getArray("children").getArray()), bridges, secondary);
        }).stream().findFirst();
    }

    /** A community's summary with its children, bridges and secondary member count. */
    record Detail(Community summary, List<Long> children, List<Bridge> bridges, Long secondaryCount) {
    }

    /** The members a community's detail shows, each list in order and at most as long as shown. */
    record Listed(List<Member> top, List<Member> bridging, List<SecondaryMember> secondary) {
    }

    /**
     * The members a community's detail shows, from the lists the snapshot wrote: their names now, their kinds, scores
     * and shares from the run, and a secondary member's primary community at the community's level. Erasure takes a
     * contact out of the lists and deletes its scores. Each lookup is a LATERAL with LIMIT 1 (see ACTIVE_EDGES): a
     * plain join let the planner hash-join the community's whole membership, or the run's scores, for fifty rows.
     */
    Listed listed(UUID run, long community) {
        Map<String, List<Object>> lists = new HashMap<>();
        query("""
                SELECT x.list, x.id, c.display_name, s.kind, s.pagerank, s.rank_pagerank, s.betweenness,
                       s.rank_betweenness, m.share, p.community_id
                FROM analytics_community k
                CROSS JOIN LATERAL (
                    SELECT 'top' AS list, u.id, u.n FROM unnest(k.top_members) WITH ORDINALITY u(id, n)
                    UNION ALL SELECT 'bridging', u.id, u.n FROM unnest(k.bridging_members) WITH ORDINALITY u(id, n)
                    UNION ALL SELECT 'secondary', u.id, u.n FROM unnest(k.secondary_members) WITH ORDINALITY u(id, n)
                ) x
                CROSS JOIN LATERAL (SELECT s.kind, s.pagerank, s.rank_pagerank, s.betweenness, s.rank_betweenness
                                    FROM analytics_score s WHERE s.run_id = k.run_id AND s.contact_id = x.id
                                    LIMIT 1) s
                LEFT JOIN LATERAL (SELECT display_name FROM contact c WHERE c.id = x.id LIMIT 1) c ON true
                LEFT JOIN LATERAL (SELECT m.share FROM analytics_membership m WHERE x.list = 'secondary'
                                   AND m.run_id = k.run_id AND m.contact_id = x.id AND m.community_id = k.id
                                   LIMIT 1) m ON true
                LEFT JOIN LATERAL (SELECT p.community_id FROM analytics_membership p WHERE x.list = 'secondary'
                                   AND p.run_id = k.run_id AND p.contact_id = x.id AND p.level = k.level
                                   AND p.is_primary LIMIT 1) p ON true
                WHERE k.run_id = ? AND k.id = ?
                ORDER BY x.list, x.n""", List.of(run, community), r -> {
            String list = r.getString(1);
            UUID id = r.getObject(2, UUID.class);
            Object item = "secondary".equals(list)
                    ? new SecondaryMember(id, r.getString(3), r.getString(4), r.getLong(10), r.getDouble(9))
                    : new Member(id, r.getString(3), r.getString(4), r.getDouble(5), r.getInt(6), r.getDouble(7),
                    r.getInt(8));
            lists.computeIfAbsent(list, k -> new ArrayList<>()).add(item);
            return null;
        });
        return new Listed(shown(lists, "top", CommunityDetails.TOP),
                shown(lists, "bridging", CommunityDetails.BRIDGING),
                shown(lists, "secondary", CommunityDetails.SECONDARY));
    }

    /** The first {@code shown} of a list (the rest are spares for erasures). */
    @SuppressWarnings("unchecked")
    private static <T> List<T> shown(Map<String, List<Object>> lists, String list, int shown) {
        List<Object> found = lists.getOrDefault(list, List.of());
        return (List<T>) List.copyOf(found.subList(0, Math.min(shown, found.size())));
    }

    List<Membership> memberships(UUID run, UUID contact) {
        return query("""
                SELECT m.community_id, m.level, m.is_primary, m.share, c.size
                FROM analytics_membership m JOIN analytics_community c ON c.run_id = m.run_id AND c.id = m.community_id
                WHERE m.run_id = ? AND m.contact_id = ?
                ORDER BY m.level, m.is_primary DESC, m.share DESC NULLS LAST, m.community_id""", List.of(run, contact),
                r -> new Membership(r.getLong(1), r.getInt(2), r.getBoolean(3), (Double) r.getObject(4), r.getInt(5),
                        null));
    }

    /** Primary members of a community by PageRank, for maps. */
    List<UUID> memberIds(UUID run, long community, int limit) {
        return query("""
                SELECT m.contact_id FROM analytics_membership m
                JOIN analytics_score s ON s.run_id = m.run_id AND s.contact_id = m.contact_id
                WHERE m.run_id = ? AND m.community_id = ? AND m.is_primary
                ORDER BY s.rank_pagerank LIMIT ?""", List.of(run, community, limit), r -> r.getObject(1, UUID.class));
    }

    /** Those of the contacts that have been erased (the erasure register). */
    java.util.Set<UUID> erased(java.util.Collection<UUID> contacts) {
        return new java.util.HashSet<>(query("SELECT contact_id FROM contact_erasure WHERE contact_id = ANY(?)",
                List.of((Object) contacts.toArray(new UUID[0])), r -> r.getObject(1, UUID.class)));
    }

    boolean contactExists(UUID contact) {
        return !query("SELECT 1 FROM contact WHERE id = ?", List.of(contact), r -> 1).isEmpty();
    }

    private Community community(ResultSet r) throws SQLException {
        return new Community(r.getLong("id"), r.getInt("level"), (Long) r.getObject("parent_id"), r.getInt("size"),
                read(r.getString("kind_mix"), new TypeReference<LinkedHashMap<String, Integer>>() { }),
                r.getDouble("density"), r.getLong("internal_ties"), r.getDouble("internal_strength"),
                r.getDouble("external_strength"), r.getDouble("modularity_contribution"),
                read(r.getString("languages"), new TypeReference<List<ValueCount>>() { }),
                read(r.getString("postal_codes"), new TypeReference<List<ValueCount>>() { }),
                null, null, null, false, 0, List.of());
    }

    private <T> T read(String value, TypeReference<T> type) {
        try {
            return json.readValue(value, type);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> List<T> query(String sql, List<Object> params, Sql.Row<T> row) {
        return Sql.query(dataSource, sql, params, row);
    }
}
