package health.circles.analytics;

import health.circles.Sql;
import health.circles.network.ActiveTie;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The names of communities in PostgreSQL: what over-represents each community of a run against the whole network
 * (read from the finished snapshot, the contacts, their ties to organisations and their groups), the generated names
 * and the names staff chose, keyed by the stable community id.
 */
@ApplicationScoped
public class CommunityNameStore {

    private final AgroalDataSource dataSource;

    CommunityNameStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** One attribute value inside one community, with how often it occurs there and in the whole run. */
    record Trait(long community, int level, int size, String category, String value, UUID ref, int inside,
                 int overall, int contacts) {
    }

    /**
     * Each attribute value a contact of the run has (postal code, city, language, tag, kind, the organisation it works
     * at or is a member of through an active tie, the groups it belongs to now), counted per community and over the
     * run; only values at least two members share, and the five most over-represented of each category per community.
     */
    private static final String TRAITS = """
            WITH run_contacts AS (
                SELECT s.contact_id, s.kind FROM analytics_score s
                WHERE s.run_id = ? AND NOT EXISTS (SELECT 1 FROM contact_erasure e WHERE e.contact_id = s.contact_id)),
            attrs AS (
                SELECT DISTINCT contact_id, category, value, ref FROM (
                    SELECT r.contact_id, 'POSTAL_CODE' AS category, ct.postal_code AS value, NULL::uuid AS ref
                    FROM run_contacts r JOIN contact ct ON ct.id = r.contact_id
                    WHERE coalesce(ct.postal_code, '') <> ''
                    UNION ALL
                    SELECT r.contact_id, 'CITY', ct.city, NULL FROM run_contacts r JOIN contact ct ON ct.id = r.contact_id
                    WHERE coalesce(ct.city, '') <> ''
                    UNION ALL
                    SELECT r.contact_id, 'LANGUAGE', l, NULL FROM run_contacts r JOIN contact ct ON ct.id = r.contact_id
                    CROSS JOIN unnest(ct.languages) AS l
                    UNION ALL
                    SELECT r.contact_id, 'TAG', g, NULL FROM run_contacts r JOIN contact ct ON ct.id = r.contact_id
                    CROSS JOIN unnest(ct.tags) AS g
                    UNION ALL
                    SELECT r.contact_id, 'KIND', r.kind, NULL FROM run_contacts r WHERE r.kind IS NOT NULL
                    UNION ALL
                    -- An organisation goes with those who work at it or belong to it.
                    SELECT r.contact_id, 'ORGANISATION', o.display_name, o.id FROM run_contacts r
                    JOIN contact o ON o.id = r.contact_id AND o.kind = 'ORGANIZATION'
                    UNION ALL
                    SELECT r.contact_id, 'ORGANISATION', o.display_name, o.id FROM run_contacts r
                    JOIN tie t ON t.from_id = r.contact_id AND t.type IN ('WORKS_AT', 'MEMBER_OF') AND %1$s
                    JOIN contact o ON o.id = t.to_id AND o.kind = 'ORGANIZATION'
                    UNION ALL
                    SELECT r.contact_id, 'ORGANISATION', o.display_name, o.id FROM run_contacts r
                    JOIN tie t ON t.to_id = r.contact_id AND t.type IN ('WORKS_AT', 'MEMBER_OF') AND %1$s
                    JOIN contact o ON o.id = t.from_id AND o.kind = 'ORGANIZATION'
                    UNION ALL
                    SELECT r.contact_id, 'GROUP', g.name, g.id FROM run_contacts r
                    JOIN group_membership gm ON gm.contact_id = r.contact_id
                         AND coalesce(gm.since, '-infinity'::date) <= current_date
                         AND coalesce(gm.until, 'infinity'::date) > current_date
                    JOIN contact_group g ON g.id = gm.group_id) a
                WHERE NOT EXISTS (SELECT 1 FROM contact_erasure e WHERE e.contact_id = a.ref)),
            everyone AS (SELECT count(*) AS n FROM run_contacts),
            totals AS (SELECT category, value, ref, count(*) AS n FROM attrs GROUP BY 1, 2, 3),
            m AS (SELECT contact_id, community_id FROM analytics_membership WHERE run_id = ? AND is_primary),
            inside AS (SELECT m.community_id, a.category, a.value, a.ref, count(*) AS n
                       FROM m JOIN attrs a ON a.contact_id = m.contact_id GROUP BY 1, 2, 3, 4),
            ranked AS (
                SELECT i.community_id, c.level, c.size, i.category, i.value, i.ref, i.n AS inside, t.n AS overall,
                       row_number() OVER (PARTITION BY i.community_id, i.category
                                          ORDER BY (i.n::float8 / c.size) * ln(1 + (i.n::float8 / c.size)
                                                   / (t.n::float8 / e.n)) DESC, i.n DESC, i.value) AS r
                FROM inside i
                JOIN totals t ON t.category = i.category AND t.value = i.value
                     AND t.ref IS NOT DISTINCT FROM i.ref
                JOIN analytics_community c ON c.run_id = ? AND c.id = i.community_id
                CROSS JOIN everyone e
                WHERE i.n >= 2)
            SELECT r.community_id, r.level, r.size, r.category, r.value, r.ref, r.inside, r.overall, e.n
            FROM ranked r CROSS JOIN everyone e WHERE r.r <= 5
            ORDER BY r.community_id, r.category, r.r""".formatted(ActiveTie.ACTIVE_TODAY_SQL);

    /** The traits of every community of the run. */
    List<Trait> traits(UUID run) {
        return Sql.query(dataSource, TRAITS, List.of(run, run, run), r -> new Trait(r.getLong(1), r.getInt(2),
                r.getInt(3), r.getString(4), r.getString(5), r.getObject(6, UUID.class), r.getInt(7), r.getInt(8),
                r.getInt(9)));
    }

    /** Every community of the run with its level and size, so that one with no trait is named too. */
    List<long[]> communities(UUID run) {
        return Sql.query(dataSource, "SELECT id, level, size FROM analytics_community WHERE run_id = ? ORDER BY id",
                List.of(run), r -> new long[] {r.getLong(1), r.getInt(2), r.getInt(3)});
    }

    /** Serialises naming: one naming of one run at a time, across replicas (in the caller's transaction). */
    void lockNaming() {
        Sql.query(dataSource, "SELECT pg_advisory_xact_lock(hashtext('analytics_community_naming'))", List.of(),
                r -> 1);
    }

    boolean named(UUID run) {
        return !Sql.query(dataSource, "SELECT 1 FROM analytics_community_naming WHERE run_id = ?", List.of(run),
                r -> 1).isEmpty();
    }

    /** A generated name to store. */
    record Generated(long community, int level, String name, String summary, String facts) {
    }

    /** Stores the run's generated names (staff's names stay) and records the run as named. */
    void saveGenerated(UUID run, List<Generated> names) {
        int n = names.size();
        Long[] ids = new Long[n];
        Integer[] levels = new Integer[n];
        String[] generated = new String[n];
        String[] summaries = new String[n];
        String[] facts = new String[n];
        for (int i = 0; i < n; i++) {
            Generated g = names.get(i);
            ids[i] = g.community();
            levels[i] = g.level();
            generated[i] = g.name();
            summaries[i] = g.summary();
            facts[i] = g.facts();
        }
        Sql.update(dataSource, """
                INSERT INTO analytics_community_name (community_id, level, generated_name, summary, facts, named_run)
                SELECT u.id, u.level, u.name, u.summary, u.facts::jsonb, ?
                FROM unnest(?::bigint[], ?::int[], ?::text[], ?::text[], ?::text[]) AS u(id, level, name, summary, facts)
                ON CONFLICT (community_id) DO UPDATE SET level = excluded.level,
                    generated_name = excluded.generated_name, summary = excluded.summary, facts = excluded.facts,
                    named_run = excluded.named_run""", List.of(run, ids, levels, generated, summaries, facts));
        Sql.update(dataSource, """
                INSERT INTO analytics_community_naming (run_id, named_at) VALUES (?, now())
                ON CONFLICT (run_id) DO NOTHING""", List.of(run));
    }

    /** A community's name as stored. */
    record Stored(long community, String generatedName, String summary, String facts, String customName,
                  String renamedBy, Instant renamedAt, long version) {

        String name() {
            return customName != null ? customName : generatedName;
        }
    }

    private static final String STORED = """
            SELECT community_id, generated_name, summary, facts::text, custom_name, renamed_by, renamed_at, version
            FROM analytics_community_name""";

    Map<Long, Stored> byIds(List<Long> ids) {
        Map<Long, Stored> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        Sql.query(dataSource, STORED + " WHERE community_id = ANY(?)", List.of((Object) ids.toArray(new Long[0])),
                r -> {
                    Stored s = stored(r);
                    out.put(s.community(), s);
                    return null;
                });
        return out;
    }

    /** The row, locked for a change in the caller's transaction. */
    Optional<Stored> forUpdate(long community) {
        return Sql.query(dataSource, STORED + " WHERE community_id = ? FOR UPDATE", List.of(community),
                CommunityNameStore::stored).stream().findFirst();
    }

    /** Sets (or, with null, clears) the name staff chose; one version more. */
    void rename(long community, String name, String by) {
        Sql.update(dataSource, """
                UPDATE analytics_community_name SET custom_name = ?, renamed_by = ?, renamed_at = now(),
                       version = version + 1
                WHERE community_id = ?""", List.of(name == null ? Sql.NULL : name, by, community));
    }

    /**
     * An erased contact leaves the generated names it appears in (an organisation is named by its contact): those
     * names fall back to the plain id, their facts go, and every run is named again on its next read.
     */
    void forget(UUID contact) {
        // Waits for a naming in progress, which may have read the contact's traits before this erasure and would
        // otherwise store them after it; a naming that starts later reads the erasure.
        lockNaming();
        int touched = Sql.update(dataSource, """
                UPDATE analytics_community_name SET generated_name = 'Community ' || community_id, summary = '',
                       facts = '[]'::jsonb
                WHERE facts @> jsonb_build_array(jsonb_build_object('ref', ?::text))""", List.of(contact.toString()));
        if (touched > 0) {
            Sql.update(dataSource, "DELETE FROM analytics_community_naming", List.of());
        }
    }

    /**
     * Deletes what the runs past the snapshot retention leave behind: the record that they were named, and every
     * generated name of a community that no kept snapshot holds (no read can show it any more, and a community id
     * that has left the latest run never comes back). A name staff chose stays with its community id. Under the
     * naming lock, so that a naming in progress is not half pruned.
     */
    int prune(int keep) {
        lockNaming();
        return Sql.update(dataSource, """
                WITH kept AS (SELECT id FROM analytics_run WHERE state = 'SUCCEEDED' ORDER BY finished_at DESC LIMIT ?),
                runs AS (DELETE FROM analytics_community_naming WHERE run_id NOT IN (SELECT id FROM kept))
                DELETE FROM analytics_community_name n
                WHERE n.custom_name IS NULL
                  AND NOT EXISTS (SELECT 1 FROM analytics_community c
                                  WHERE c.id = n.community_id AND c.run_id IN (SELECT id FROM kept))""",
                List.of(keep));
    }

    private static Stored stored(java.sql.ResultSet r) throws java.sql.SQLException {
        OffsetDateTime at = r.getObject(7, OffsetDateTime.class);
        return new Stored(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                r.getString(6), at == null ? null : at.withOffsetSameInstant(ZoneOffset.UTC).toInstant(),
                r.getLong(8));
    }

    static List<Long> ids(List<long[]> rows) {
        List<Long> out = new ArrayList<>(rows.size());
        rows.forEach(r -> out.add(r[0]));
        return out;
    }
}
