package health.circles.analytics;

import health.circles.network.ActiveTie;

import health.circles.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes a run's results into PostgreSQL: scores with ranks, community memberships per level under stable ids,
 * community summaries, links between communities and the overlapping (secondary) memberships. The aggregates are
 * SQL over the snapshot and the tie table, inside the caller's transaction, so readers see a run whole or not at all.
 */
@ApplicationScoped
public class SnapshotStore {

    private static final int CHUNK = 20_000;

    private final CommunityIdentity identity;
    private final EntityManager em;

    SnapshotStore(CommunityIdentity identity, EntityManager em) {
        this.identity = identity;
        this.em = em;
    }

    /** What the snapshot found, for the run's quality figures, and the community ids for Neo4j. */
    record Result(List<Integer> communityCounts, List<Integer> nonSingletonCounts, int kept, long secondary,
                  List<Map<String, Object>> graphRows) {
    }

    Result write(Connection c, UUID run, UUID previous, List<AlgorithmGraph.NodeResult> nodes, RunParameters p)
            throws SQLException {
        int levels = nodes.stream().mapToInt(n -> n.levels().length).max().orElse(1);
        // Public level 0 is the coarsest partition, GDS's last; deeper levels are finer.
        long[][] publicIds = new long[nodes.size()][levels];
        List<Integer> counts = new ArrayList<>();
        List<Integer> nonSingletons = new ArrayList<>();
        int kept = 0;
        for (int level = 0; level < levels; level++) {
            long[] raw = new long[nodes.size()];
            for (int i = 0; i < nodes.size(); i++) {
                long[] own = nodes.get(i).levels();
                raw[i] = own[Math.max(0, own.length - 1 - level)];
            }
            Map<UUID, Long> before = previous == null ? Map.of() : previousMembership(c, previous, level);
            Map<Long, Integer> beforeSizes = previous == null ? Map.of() : previousSizes(c, previous, level);
            CommunityIdentity.Assignment assigned = identity.assign(nodes, raw, before, beforeSizes,
                    p.identityOverlap(), k -> newIds(c, k));
            kept += assigned.kept();
            counts.add(assigned.communities());
            nonSingletons.add(assigned.nonSingletons());
            for (int i = 0; i < nodes.size(); i++) {
                publicIds[i][level] = assigned.ids()[i];
            }
        }
        insertMemberships(c, run, nodes, publicIds);
        insertScores(c, run, nodes, publicIds);
        // The aggregates below read whole tables: hash joins. Statistics taken before this run's rows existed
        // would otherwise suggest nested loops over what they think is a handful of rows.
        Sql.execute(c, "SET LOCAL enable_nestloop = off", List.of());
        Sql.execute(c, "SELECT analytics_analyze_scores()", List.of()); // as the tables' owner: V13__audit_chain.sql
        summarise(c, run, p.resolution());
        long secondary = overlap(c, run, p.overlapShare());
        Sql.execute(c, "SET LOCAL enable_nestloop = on", List.of());
        // Fresh statistics for the readers (ANALYZE counts this transaction's own rows).
        Sql.execute(c, "SELECT analytics_analyze_communities()", List.of());
        List<Map<String, Object>> graphRows = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            List<Long> ids = new ArrayList<>(levels);
            for (long id : publicIds[i]) {
                ids.add(id);
            }
            graphRows.add(Map.of("id", nodes.get(i).id(), "community", publicIds[i][0], "levels", ids));
        }
        return new Result(counts, nonSingletons, kept, secondary, graphRows);
    }

    private Map<UUID, Long> previousMembership(Connection c, UUID previous, int level) throws SQLException {
        Map<UUID, Long> out = new HashMap<>();
        Sql.query(c, """
                SELECT contact_id, community_id FROM analytics_membership
                WHERE run_id = ? AND level = ? AND is_primary""", List.of(previous, level), r -> {
            out.put(r.getObject(1, UUID.class), r.getLong(2));
            return null;
        });
        return out;
    }

    private Map<Long, Integer> previousSizes(Connection c, UUID previous, int level) throws SQLException {
        Map<Long, Integer> out = new HashMap<>();
        Sql.query(c, "SELECT id, size FROM analytics_community WHERE run_id = ? AND level = ?",
                List.of(previous, level), r -> {
                    out.put(r.getLong(1), r.getInt(2));
                    return null;
                });
        return out;
    }

    private long[] newIds(Connection c, int count) {
        long[] out = new long[count];
        if (count == 0) {
            return out;
        }
        List<Long> ids = Sql.query(c, "SELECT nextval('analytics_community_id') FROM generate_series(1, ?)",
                List.of(count), r -> r.getLong(1));
        for (int i = 0; i < ids.size(); i++) {
            out[i] = ids.get(i);
        }
        return out;
    }

    private static final String INSERT_MEMBERSHIPS = """
            INSERT INTO analytics_membership (run_id, contact_id, level, community_id, is_primary)
            SELECT ?, u.contact, u.level, u.community, true
            FROM unnest(?::uuid[], ?::int[], ?::bigint[]) AS u(contact, level, community)
            WHERE NOT EXISTS (SELECT 1 FROM contact_erasure e WHERE e.contact_id = u.contact)""";

    private void insertMemberships(Connection c, UUID run, List<AlgorithmGraph.NodeResult> nodes, long[][] ids)
            throws SQLException {
        List<UUID> contacts = new ArrayList<>();
        List<Integer> levels = new ArrayList<>();
        List<Long> communities = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            UUID contact = UUID.fromString(nodes.get(i).id());
            for (int level = 0; level < ids[i].length; level++) {
                contacts.add(contact);
                levels.add(level);
                communities.add(ids[i][level]);
            }
            if (contacts.size() >= CHUNK || i == nodes.size() - 1) {
                Sql.update(c, INSERT_MEMBERSHIPS, List.of(run, contacts.toArray(new UUID[0]),
                        levels.toArray(new Integer[0]), communities.toArray(new Long[0])));
                contacts.clear();
                levels.clear();
                communities.clear();
            }
        }
    }

    private void insertScores(Connection c, UUID run, List<AlgorithmGraph.NodeResult> nodes, long[][] ids)
            throws SQLException {
        int n = nodes.size();
        UUID[] contact = new UUID[n];
        String[] kind = new String[n];
        Double[] pagerank = new Double[n];
        Double[] betweenness = new Double[n];
        Double[] degree = new Double[n];
        Double[] strength = new Double[n];
        Long[] community = new Long[n];
        for (int i = 0; i < n; i++) {
            AlgorithmGraph.NodeResult r = nodes.get(i);
            contact[i] = UUID.fromString(r.id());
            kind[i] = r.kind();
            pagerank[i] = r.pagerank();
            betweenness[i] = r.betweenness();
            degree[i] = r.degree();
            strength[i] = r.strength();
            community[i] = ids[i][0];
        }
        Sql.update(c, """
                INSERT INTO analytics_score (run_id, contact_id, kind, pagerank, betweenness, degree, strength,
                                             rank_pagerank, rank_betweenness, rank_degree, rank_strength, community_id)
                SELECT ?, u.contact, u.kind, u.pagerank, u.betweenness, u.degree, u.strength,
                       row_number() OVER (ORDER BY u.pagerank DESC, u.contact),
                       row_number() OVER (ORDER BY u.betweenness DESC, u.contact),
                       row_number() OVER (ORDER BY u.degree DESC, u.contact),
                       row_number() OVER (ORDER BY u.strength DESC, u.contact),
                       u.community
                FROM unnest(?::uuid[], ?::text[], ?::float8[], ?::float8[], ?::float8[], ?::float8[], ?::bigint[])
                     AS u(contact, kind, pagerank, betweenness, degree, strength, community)
                -- A contact erased while the run computed: the graph still had it, the snapshot must not.
                WHERE NOT EXISTS (SELECT 1 FROM contact_erasure e WHERE e.contact_id = u.contact)""",
                List.of(run, contact, kind, pagerank, betweenness, degree, strength, community));
    }

    /**
     * Community summaries and links from the active ties. Modularity contribution of a community c is
     * in_c / W − γ · (vol_c / 2W)², with W the total strength and vol_c = 2·in_c + out_c: summed over a level it is
     * that level's modularity.
     */
    private void summarise(Connection c, UUID run, double gamma) throws SQLException {
        Sql.execute(c, "DROP TABLE IF EXISTS analytics_pairs", List.of());
        Sql.execute(c, """
                CREATE TEMP TABLE analytics_pairs ON COMMIT DROP AS
                WITH m AS (SELECT contact_id, level, community_id FROM analytics_membership
                           WHERE run_id = ? AND is_primary)
                SELECT ma.level, ma.community_id AS ca, mb.community_id AS cb, count(*) AS ties, sum(t.strength) AS strength
                FROM tie t
                JOIN m ma ON ma.contact_id = t.from_id
                JOIN m mb ON mb.contact_id = t.to_id AND mb.level = ma.level
                WHERE %s
                GROUP BY 1, 2, 3""".formatted(ActiveTie.ACTIVE_TODAY_SQL), List.of(run));
        insertCommunities(c, run);
        Sql.update(c, """
                INSERT INTO analytics_community_link (run_id, level, a, b, ties, strength)
                SELECT ?, level, least(ca, cb), greatest(ca, cb), sum(ties), sum(strength)
                FROM analytics_pairs WHERE ca <> cb GROUP BY 2, 3, 4""", List.of(run));
        measureCommunities(c, run, gamma);
        Sql.update(c, """
                UPDATE analytics_community c SET parent_id = p.parent
                FROM (SELECT DISTINCT ON (f.community_id) f.community_id AS child, g.community_id AS parent
                      FROM analytics_membership f
                      JOIN analytics_membership g ON g.run_id = f.run_id AND g.contact_id = f.contact_id
                           AND g.level = f.level - 1 AND g.is_primary
                      WHERE f.run_id = ? AND f.is_primary
                      GROUP BY f.community_id, g.community_id
                      ORDER BY f.community_id, count(*) DESC, g.community_id) p
                WHERE c.run_id = ? AND c.id = p.child""", List.of(run, run));
    }

    /** One summary row per community of the run: its size and its kind, language and postal-code mixes. */
    private static void insertCommunities(Connection c, UUID run) throws SQLException {
        Sql.update(c, """
                INSERT INTO analytics_community (run_id, id, level, size, internal_ties, internal_strength,
                       external_strength, density, modularity_contribution, kind_mix, languages, postal_codes)
                WITH m AS (SELECT contact_id, level, community_id FROM analytics_membership WHERE run_id = ? AND is_primary),
                sizes AS (SELECT level, community_id, count(*) AS size FROM m GROUP BY 1, 2),
                kinds AS (SELECT community_id, jsonb_object_agg(kind, n ORDER BY kind) AS mix
                          FROM (SELECT m.community_id, s.kind, count(*) AS n FROM m
                                JOIN analytics_score s ON s.run_id = ? AND s.contact_id = m.contact_id
                                GROUP BY 1, 2) k GROUP BY 1),
                langs AS (SELECT community_id, jsonb_agg(jsonb_build_object('value', v, 'count', n) ORDER BY n DESC, v) AS top
                          FROM (SELECT community_id, v, n, row_number() OVER (PARTITION BY community_id ORDER BY n DESC, v) AS r
                                FROM (SELECT m.community_id, l AS v, count(*) AS n FROM m JOIN contact ct ON ct.id = m.contact_id
                                      CROSS JOIN unnest(ct.languages) AS l GROUP BY 1, 2) x) y
                          WHERE r <= 5 GROUP BY 1),
                postal AS (SELECT community_id, jsonb_agg(jsonb_build_object('value', v, 'count', n) ORDER BY n DESC, v) AS top
                           FROM (SELECT community_id, v, n, row_number() OVER (PARTITION BY community_id ORDER BY n DESC, v) AS r
                                 FROM (SELECT m.community_id, ct.postal_code AS v, count(*) AS n FROM m
                                       JOIN contact ct ON ct.id = m.contact_id
                                       WHERE ct.postal_code IS NOT NULL GROUP BY 1, 2) x) y
                           WHERE r <= 5 GROUP BY 1)
                SELECT ?, sizes.community_id, sizes.level, sizes.size, 0, 0, 0, 0, 0,
                       coalesce(kinds.mix, '{}'::jsonb), coalesce(langs.top, '[]'::jsonb), coalesce(postal.top, '[]'::jsonb)
                FROM sizes
                LEFT JOIN kinds ON kinds.community_id = sizes.community_id
                LEFT JOIN langs ON langs.community_id = sizes.community_id
                LEFT JOIN postal ON postal.community_id = sizes.community_id""", List.of(run, run, run));
    }

    /** Ties, strength, density and modularity contribution of each community, from the pairs table. */
    private static void measureCommunities(Connection c, UUID run, double gamma) throws SQLException {
        Sql.update(c, """
                WITH total AS (SELECT level, sum(strength) AS w FROM analytics_pairs GROUP BY level),
                inside AS (SELECT ca AS id, sum(ties) AS ties, sum(strength) AS strength FROM analytics_pairs
                           WHERE ca = cb GROUP BY 1),
                outside AS (SELECT id, sum(strength) AS strength FROM (
                                SELECT ca AS id, strength FROM analytics_pairs WHERE ca <> cb
                                UNION ALL SELECT cb, strength FROM analytics_pairs WHERE ca <> cb) o GROUP BY 1)
                UPDATE analytics_community c SET
                    internal_ties = coalesce(i.ties, 0),
                    internal_strength = coalesce(i.strength, 0),
                    external_strength = coalesce(o.strength, 0),
                    density = CASE WHEN c.size > 1 THEN coalesce(i.ties, 0) / (c.size * (c.size - 1) / 2.0) ELSE 0 END,
                    modularity_contribution = CASE WHEN coalesce(t.w, 0) = 0 THEN 0 ELSE
                        coalesce(i.strength, 0) / t.w
                        - ? * power((2 * coalesce(i.strength, 0) + coalesce(o.strength, 0)) / (2 * t.w), 2) END
                FROM analytics_community c2
                LEFT JOIN inside i ON i.id = c2.id
                LEFT JOIN outside o ON o.id = c2.id
                LEFT JOIN total t ON t.level = c2.level
                WHERE c.run_id = ? AND c2.run_id = c.run_id AND c2.id = c.id""", List.of(gamma, run));
    }

    /**
     * Overlapping membership: the share of each contact's tie strength that each community at each level holds.
     * The own community's share is stored with the primary membership; every other community at or above
     * {@code threshold} becomes a secondary membership. Returns how many secondary memberships there are. Shares
     * are rounded to nine decimals: PostgreSQL may sum in any order, and the last bits must not tell runs apart.
     */
    private long overlap(Connection c, UUID run, double threshold) throws SQLException {
        Sql.execute(c, """
                CREATE TEMP TABLE analytics_shares ON COMMIT DROP AS
                WITH m AS (SELECT contact_id, level, community_id FROM analytics_membership WHERE run_id = ? AND is_primary),
                e AS (SELECT t.from_id AS a, t.to_id AS b, t.strength FROM tie t WHERE %1$s
                      UNION ALL
                      SELECT t.to_id, t.from_id, t.strength FROM tie t WHERE %1$s),
                w AS (SELECT e.a AS contact_id, mb.level, mb.community_id, sum(e.strength) AS w
                      FROM e JOIN m mb ON mb.contact_id = e.b GROUP BY 1, 2, 3)
                SELECT w.contact_id, w.level, w.community_id,
                       round((w.w / nullif(sum(w.w) OVER (PARTITION BY w.contact_id, w.level), 0))::numeric, 9)::float8
                           AS share
                FROM w""".formatted(ActiveTie.ACTIVE_TODAY_SQL), List.of(run));
        Sql.update(c, """
                UPDATE analytics_membership am SET share = coalesce(sh.share, 0)
                FROM analytics_shares sh
                WHERE am.run_id = ? AND am.is_primary AND sh.contact_id = am.contact_id AND sh.level = am.level
                  AND sh.community_id = am.community_id""", List.of(run));
        return Sql.update(c, """
                INSERT INTO analytics_membership (run_id, contact_id, level, community_id, is_primary, share)
                SELECT ?, sh.contact_id, sh.level, sh.community_id, false, sh.share
                FROM analytics_shares sh
                JOIN analytics_membership own ON own.run_id = ? AND own.contact_id = sh.contact_id
                     AND own.level = sh.level AND own.is_primary
                WHERE sh.share >= ? AND sh.community_id <> own.community_id""", List.of(run, run, threshold));
    }

    /**
     * Takes an erased contact out of every snapshot, inside the erasure transaction: its scores and memberships go,
     * and the communities it was a primary member of count one member less.
     */
    void forget(UUID contact) {
        em.createNativeQuery("""
                        UPDATE analytics_community c SET size = greatest(c.size - 1, 0)
                        FROM analytics_membership m
                        WHERE m.contact_id = :id AND m.is_primary AND c.run_id = m.run_id AND c.id = m.community_id""")
                .setParameter("id", contact).executeUpdate();
        em.createNativeQuery("DELETE FROM analytics_membership WHERE contact_id = :id")
                .setParameter("id", contact).executeUpdate();
        em.createNativeQuery("DELETE FROM analytics_score WHERE contact_id = :id")
                .setParameter("id", contact).executeUpdate();
    }
}
