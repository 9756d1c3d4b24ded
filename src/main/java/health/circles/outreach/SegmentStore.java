package health.circles.outreach;

import health.circles.failure.Conflict;
import health.circles.Sql;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.circles.contact.Channel;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/** The segment store: saved segments, and the SQL that turns a filter into consenting members. */
@ApplicationScoped
public class SegmentStore {

    private static final String COLUMNS = """
            id, name, description, filter, include_unknown, created_by, created_at, updated_at, version""";

    /** Who may be asked on the channel (parameter: include UNKNOWN). Do-not-contact and DENIED never are. */
    static final String ELIGIBLE = """
            (NOT c.do_not_contact AND (cc.status = 'GRANTED' OR (? AND cc.status IS NULL) OR (? AND cc.status = 'UNKNOWN')))""";

    /** A group membership {@code gm} not ended on the date bound to its one parameter (UTC today). */
    private static final String CURRENT_MEMBER = "coalesce(gm.until, 'infinity'::date) > ?";

    private final AgroalDataSource dataSource;
    private final EntityManager em;
    private final ObjectMapper json;

    SegmentStore(AgroalDataSource dataSource, ObjectMapper json, EntityManager em) {
        this.em = em;
        this.dataSource = dataSource;
        this.json = json;
    }

    /** A filter made concrete: the analytics run it reads, and the contacts near the anchor when it names one. */
    record Match(SegmentFilter filter, UUID run, Collection<UUID> near, Channel channel, boolean includeUnknown) {
    }

    /** The matching contacts of one listing position. */
    record Found(UUID id, String sortName) {
    }

    void insert(SegmentView s) {
        update("""
                INSERT INTO segment (id, name, description, filter, include_unknown, created_by, created_at, updated_at, version)
                VALUES (?, ?, ?, CAST(? AS jsonb), ?, ?, ?, ?, ?)""",
                List.of(s.id(), s.name(), nullable(s.description()), write(s.filter()), s.includeUnknown(),
                        nullable(s.createdBy()), Timestamp.from(s.createdAt()), Timestamp.from(s.updatedAt()), s.version()));
    }

    /** Replaces a segment's definition when it is still at {@code version}; false when it moved on meanwhile. */
    boolean replace(SegmentView s, long version) {
        return update("""
                UPDATE segment SET name = ?, description = ?, filter = CAST(? AS jsonb), include_unknown = ?,
                                   updated_at = ?, version = version + 1
                WHERE id = ? AND version = ?""",
                List.of(s.name(), nullable(s.description()), write(s.filter()), s.includeUnknown(),
                        Timestamp.from(s.updatedAt()), s.id(), version)) == 1;
    }

    boolean delete(UUID id) {
        return update("DELETE FROM segment WHERE id = ?", List.of(id)) == 1;
    }

    Optional<SegmentView> find(UUID id, boolean forUpdate) {
        return query("SELECT " + COLUMNS + " FROM segment WHERE id = ?" + (forUpdate ? " FOR UPDATE" : ""),
                List.of(id), this::segment).stream().findFirst();
    }

    boolean nameTaken(String name, UUID self) {
        return !query("SELECT 1 FROM segment WHERE lower(name) = ? AND id <> ?",
                List.of(name.toLowerCase(Locale.ROOT), self == null ? new UUID(0, 0) : self), r -> 1).isEmpty();
    }

    /** Segments by name, keyset-paged. */
    List<SegmentView> list(String afterName, UUID afterId, int limit) {
        List<Object> params = new ArrayList<>();
        String where = "";
        if (afterId != null) {
            where = " WHERE (name, id) > (?, ?)";
            params.add(afterName);
            params.add(afterId);
        }
        params.add(limit);
        return query("SELECT " + COLUMNS + " FROM segment" + where + " ORDER BY name, id LIMIT ?", params, this::segment);
    }

    long count() {
        return query("SELECT count(*) FROM segment", List.of(), r -> r.getLong(1)).get(0);
    }

    boolean usedByCampaign(UUID segment) {
        return !query("SELECT 1 FROM campaign WHERE segment_id = ? LIMIT 1", List.of(segment), r -> 1).isEmpty();
    }

    /** The communities among {@code ids} that the run does not have. */
    List<Long> unknownCommunities(UUID run, List<Long> ids) {
        return query("""
                SELECT x FROM unnest(?::bigint[]) AS x
                WHERE NOT EXISTS (SELECT 1 FROM analytics_community c WHERE c.run_id = ? AND c.id = x) ORDER BY x""",
                List.of(ids.toArray(new Long[0]), run), r -> r.getLong(1));
    }

    boolean contactExists(UUID id) {
        return !query("SELECT 1 FROM contact WHERE id = ?", List.of(id), r -> 1).isEmpty();
    }

    /** Consenting members in all, and the matching contacts left out for each reason. */
    SegmentExclusions count(Match m, long[] eligible) {
        List<Object> params = new ArrayList<>();
        String from = from(m, params);
        List<Object> all = new ArrayList<>(List.of(m.includeUnknown(), m.includeUnknown()));
        all.add(!m.includeUnknown());
        all.addAll(params);
        return query("SELECT count(*) FILTER (WHERE " + ELIGIBLE + "), "
                        + "count(*) FILTER (WHERE c.do_not_contact), "
                        + "count(*) FILTER (WHERE NOT c.do_not_contact AND cc.status = 'DENIED'), "
                        + "count(*) FILTER (WHERE NOT c.do_not_contact AND ? AND coalesce(cc.status, 'UNKNOWN') = 'UNKNOWN') "
                        + from,
                all, r -> {
                    eligible[0] = r.getLong(1);
                    return new SegmentExclusions(r.getLong(2), r.getLong(3), r.getLong(4));
                }).get(0);
    }

    /** Consenting members by name after the given position; {@code limit} null for all of them. */
    List<Found> members(Match m, String afterName, UUID afterId, Integer limit) {
        List<Object> params = new ArrayList<>();
        String from = from(m, params);
        StringBuilder sql = new StringBuilder("SELECT c.id, c.sort_name ").append(from).append(" AND ").append(ELIGIBLE);
        params.add(m.includeUnknown());
        params.add(m.includeUnknown());
        if (afterId != null) {
            sql.append(" AND (c.sort_name, c.id) > (?, ?)");
            params.add(afterName);
            params.add(afterId);
        }
        sql.append(" ORDER BY c.sort_name, c.id");
        if (limit != null) {
            sql.append(" LIMIT ?");
            params.add(limit);
        }
        return query(sql.toString(), params, r -> new Found(r.getObject(1, UUID.class), r.getString(2)));
    }

    /** FROM and WHERE of the contacts a filter matches, whatever their consent; every value a parameter. */
    private static String from(Match m, List<Object> params) {
        SegmentFilter f = m.filter();
        StringBuilder sql = new StringBuilder("""
                FROM contact c LEFT JOIN contact_consent cc ON cc.contact_id = c.id AND cc.channel = ? WHERE true""");
        params.add(m.channel().name());
        if (f.contacts() != null) {
            // Empty only when erasure took the last picked contact out: the list then picks nobody, never everyone.
            sql.append(" AND c.id = ANY(?::uuid[])");
            params.add(f.contacts().toArray(new UUID[0]));
        }
        if (f.kinds() != null && !f.kinds().isEmpty()) {
            sql.append(" AND c.kind = ANY(?::text[])");
            params.add(f.kinds().stream().map(Enum::name).toArray(String[]::new));
        }
        if (f.tags() != null && !f.tags().isEmpty()) {
            sql.append(" AND c.tags && ?::text[]");
            params.add(f.tags().stream().map(t -> t.strip().toLowerCase(Locale.ROOT)).toArray(String[]::new));
        }
        if (f.languages() != null && !f.languages().isEmpty()) {
            sql.append(" AND c.languages && ?::text[]");
            params.add(f.languages().stream().map(String::strip).toArray(String[]::new));
        }
        if (f.postalCodes() != null && !f.postalCodes().isEmpty()) {
            sql.append(" AND c.postal_code = ANY(?::text[])");
            params.add(f.postalCodes().stream().map(p -> p.strip().toUpperCase(Locale.ROOT)).toArray(String[]::new));
        }
        if (f.communities() != null && !f.communities().isEmpty()) {
            sql.append(" AND EXISTS (SELECT 1 FROM analytics_membership am WHERE am.run_id = ? AND am.contact_id = c.id"
                    + " AND am.community_id = ANY(?::bigint[])");
            params.add(m.run());
            params.add(f.communities().toArray(new Long[0]));
            if (f.membership() == SegmentFilter.Membership.PRIMARY) {
                sql.append(" AND am.is_primary");
            }
            sql.append(")");
        }
        if (f.influence() != null) {
            SegmentFilter.Influence in = f.influence();
            sql.append(" AND EXISTS (SELECT 1 FROM analytics_score s WHERE s.run_id = ? AND s.contact_id = c.id");
            params.add(m.run());
            if (in.maxRank() != null) {
                sql.append(" AND s.").append(rankColumn(in)).append(" <= ?");
                params.add(in.maxRank());
            }
            if (in.minScore() != null) {
                sql.append(" AND s.").append(scoreColumn(in)).append(" >= ?");
                params.add(in.minScore());
            }
            sql.append(")");
        }
        if (f.groups() != null && !f.groups().isEmpty()) {
            sql.append(" AND EXISTS (SELECT 1 FROM group_membership gm WHERE gm.contact_id = c.id"
                    + " AND gm.group_id = ANY(?::uuid[]) AND " + CURRENT_MEMBER + ")");
            params.add(f.groups().toArray(new UUID[0]));
            params.add(java.time.LocalDate.now(java.time.ZoneOffset.UTC));
        }
        if (f.groupKinds() != null && !f.groupKinds().isEmpty()) {
            sql.append(" AND EXISTS (SELECT 1 FROM group_membership gm JOIN contact_group g ON g.id = gm.group_id"
                    + " WHERE gm.contact_id = c.id AND g.kind = ANY(?::text[]) AND " + CURRENT_MEMBER + ")");
            params.add(f.groupKinds().stream().map(Enum::name).toArray(String[]::new));
            params.add(java.time.LocalDate.now(java.time.ZoneOffset.UTC));
        }
        if (f.tieTo() != null) {
            sql.append(" AND c.id = ANY(?::uuid[])");
            params.add(m.near().toArray(new UUID[0]));
        }
        return sql.toString();
    }

    // Column names come from this switch over an enum, never from request text.
    private static String rankColumn(SegmentFilter.Influence in) {
        return switch (in.metric()) {
            case PAGERANK -> "rank_pagerank";
            case BETWEENNESS -> "rank_betweenness";
            case DEGREE -> "rank_degree";
            case STRENGTH -> "rank_strength";
        };
    }

    private static String scoreColumn(SegmentFilter.Influence in) {
        return switch (in.metric()) {
            case PAGERANK -> "pagerank";
            case BETWEENNESS -> "betweenness";
            case DEGREE -> "degree";
            case STRENGTH -> "strength";
        };
    }

    private SegmentView segment(ResultSet r) throws SQLException {
        try {
            return new SegmentView(r.getObject(1, UUID.class), r.getString(2), r.getString(3),
                    json.readValue(r.getString(4), SegmentFilter.class), r.getBoolean(5), r.getString(6),
                    r.getTimestamp(7).toInstant(), r.getTimestamp(8).toInstant(), r.getLong(9), null);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable filter of segment " + r.getString(1), e);
        }
    }

    private String write(SegmentFilter filter) {
        try {
            return json.writeValueAsString(filter);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object nullable(Object value) {
        return value == null ? Sql.NULL : value;
    }

    <T> List<T> query(String sql, List<?> params, Sql.Row<T> row) {
        return Sql.query(dataSource, sql, params, row);
    }

    int update(String sql, List<?> params) {
        try {
            return Sql.update(dataSource, sql, params);
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof SQLException q && "23505".equals(q.getSQLState())) {
                // the unique name index: another request saved the name first
                throw new Conflict("duplicate-name", "Another segment already has this name");
            }
            throw e;
        }
    }

    /**
     * Takes an erased contact out of the saved filters, inside the erasure transaction: a segment anchored at it
     * ("tie to this contact within k hops") loses the anchor and from then on matches nobody; a hand-picked list
     * keeps the others, and once it has lost them all, stays an empty list, which matches nobody.
     */
    void forget(UUID contact) {
        em.createNativeQuery("""
                        UPDATE segment SET filter = jsonb_set(filter, '{tieTo,contactId}', 'null'::jsonb),
                                           version = version + 1, updated_at = now()
                        WHERE filter -> 'tieTo' ->> 'contactId' = :id""")
                .setParameter("id", contact.toString())
                .executeUpdate();
        em.createNativeQuery("""
                        UPDATE segment SET filter = jsonb_set(filter, '{contacts}',
                                   (SELECT coalesce(jsonb_agg(e), '[]'::jsonb) FROM jsonb_array_elements(filter -> 'contacts') e
                                    WHERE e <> to_jsonb(CAST(:id AS text)))),
                               version = version + 1, updated_at = now()
                        WHERE jsonb_exists(filter -> 'contacts', :id)""")
                .setParameter("id", contact.toString())
                .executeUpdate();
    }
}
