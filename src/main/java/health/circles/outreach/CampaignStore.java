package health.circles.outreach;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The campaign store: campaigns, their seeds, targets (the pending list among them) and outcomes. */
@ApplicationScoped
public class CampaignStore {

    private static final String COLUMNS = """
            id, name, segment_id, channel, state, hops, include_unknown, predicted_coverage, excluded, created_by,
            created_at, closed_at""";

    private final AgroalDataSource dataSource;
    private final EntityManager em;
    private final ObjectMapper json;

    CampaignStore(AgroalDataSource dataSource, ObjectMapper json, EntityManager em) {
        this.em = em;
        this.dataSource = dataSource;
        this.json = json;
    }

    /** A campaign's own row. */
    record Row(UUID id, String name, UUID segmentId, Channel channel, String state, int hops, boolean includeUnknown,
               Double predictedCoverage, SegmentExclusions excluded, String createdBy, Instant createdAt,
               Instant closedAt) {
        boolean active() {
            return "ACTIVE".equals(state);
        }
    }

    /** A target as the report groups it. */
    record Target(UUID contactId, String kind, String status, Long community, boolean reached, boolean responded,
                  boolean declined) {
    }

    /** A contact's standing on a channel now. */
    record Consent(boolean doNotContact, String status) {
    }

    void insert(Row c) {
        update("""
                INSERT INTO campaign (id, name, segment_id, channel, state, hops, include_unknown, predicted_coverage,
                                      excluded, created_by, created_at, updated_at)
                VALUES (?, ?, ?, ?, 'ACTIVE', ?, ?, ?, CAST(? AS jsonb), ?, ?, ?)""",
                List.of(c.id(), c.name(), c.segmentId() == null ? Sql.NULL : c.segmentId(), c.channel().name(), c.hops(), c.includeUnknown(),
                        c.predictedCoverage() == null ? Sql.NULL : c.predictedCoverage(), write(c.excluded()),
                        c.createdBy() == null ? Sql.NULL : c.createdBy(), c.createdAt(), c.createdAt()));
    }

    void insertSeeds(UUID campaign, List<CampaignView.Seed> seeds) {
        for (int i = 0; i < seeds.size(); i++) {
            CampaignView.Seed s = seeds.get(i);
            update("INSERT INTO campaign_seed (campaign_id, contact_id, expected_reach, position) VALUES (?, ?, ?, ?)",
                    List.of(campaign, s.contactId(), s.expectedReach() == null ? Sql.NULL : s.expectedReach(), i));
        }
    }

    int insertTargets(UUID campaign, List<UUID> contacts, Instant now) {
        return update("""
                INSERT INTO campaign_target (campaign_id, contact_id, status, sort_name, updated_at)
                SELECT ?, c.id, 'PENDING', c.sort_name, ? FROM contact c WHERE c.id = ANY(?::uuid[])""",
                List.of(campaign, now, contacts.toArray(new UUID[0])));
    }

    Optional<Row> find(UUID id, boolean forUpdate) {
        return query("SELECT " + COLUMNS + " FROM campaign WHERE id = ?" + (forUpdate ? " FOR UPDATE" : ""),
                List.of(id), this::row).stream().findFirst();
    }

    /**
     * The campaign under a share lock to the end of the transaction: outcomes take it side by side, and a close (FOR
     * UPDATE) waits for those in flight, so none is recorded on a campaign closed meanwhile.
     */
    Optional<Row> findShared(UUID id) {
        return query("SELECT " + COLUMNS + " FROM campaign WHERE id = ? FOR SHARE", List.of(id), this::row).stream()
                .findFirst();
    }

    long count(String state) {
        return state == null
                ? query("SELECT count(*) FROM campaign", List.of(), r -> r.getLong(1)).get(0)
                : query("SELECT count(*) FROM campaign WHERE state = ?", List.of(state), r -> r.getLong(1)).get(0);
    }

    List<Row> list(String state, Instant beforeCreated, UUID beforeId, int limit) {
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM campaign WHERE true");
        if (state != null) {
            sql.append(" AND state = ?");
            params.add(state);
        }
        if (beforeId != null) {
            sql.append(" AND (created_at, id) < (?, ?)");
            params.add(beforeCreated);
            params.add(beforeId);
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
        params.add(limit);
        return query(sql.toString(), params, this::row);
    }

    /** The campaign's seeds in order, each with whether its consent on the campaign's channel still lets it be asked. */
    List<CampaignView.Seed> seeds(UUID campaign) {
        return query("""
                SELECT s.contact_id, s.expected_reach,
                       c.id IS NOT NULL AND NOT c.do_not_contact AND coalesce(cc.status, 'UNKNOWN') <> 'DENIED'
                FROM campaign_seed s
                JOIN campaign k ON k.id = s.campaign_id
                LEFT JOIN contact c ON c.id = s.contact_id
                LEFT JOIN contact_consent cc ON cc.contact_id = s.contact_id AND cc.channel = k.channel
                WHERE s.campaign_id = ? ORDER BY s.position""",
                List.of(campaign), r -> new CampaignView.Seed(r.getObject(1, UUID.class), (Integer) r.getObject(2),
                        r.getBoolean(3)));
    }

    CampaignView.Counts counts(UUID campaign) {
        return query("""
                SELECT count(*), count(*) FILTER (WHERE t.status = 'PENDING'),
                       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM campaign_outcome o
                                                      WHERE o.campaign_id = t.campaign_id AND o.contact_id = t.contact_id)),
                       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM campaign_outcome o WHERE o.campaign_id = t.campaign_id
                                                      AND o.contact_id = t.contact_id AND o.outcome = 'RESPONDED')),
                       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM campaign_outcome o WHERE o.campaign_id = t.campaign_id
                                                      AND o.contact_id = t.contact_id AND o.outcome = 'DECLINED')),
                       count(*) FILTER (WHERE t.status = 'OPTED_OUT'), count(*) FILTER (WHERE t.status = 'REMOVED')
                FROM campaign_target t WHERE t.campaign_id = ?""", List.of(campaign),
                r -> new CampaignView.Counts(r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5),
                        r.getLong(6), r.getLong(7))).get(0);
    }

    /** The target's status, its row locked; empty when the contact is not a target. */
    Optional<String> lockTarget(UUID campaign, UUID contact) {
        return query("SELECT status FROM campaign_target WHERE campaign_id = ? AND contact_id = ? FOR UPDATE",
                List.of(campaign, contact), r -> r.getString(1)).stream().findFirst();
    }

    void setTarget(UUID campaign, UUID contact, String status, Instant now) {
        update("UPDATE campaign_target SET status = ?, updated_at = ? WHERE campaign_id = ? AND contact_id = ?",
                List.of(status, now, campaign, contact));
    }

    /**
     * Takes an opted-out contact off every other active campaign (whatever its channel, and whether or not staff had
     * already reached them there: nothing more is recorded against them); returns how many.
     */
    int removeFromPendingLists(UUID contact, UUID except, String reason, Instant now) {
        return update("""
                UPDATE campaign_target t SET status = 'REMOVED', reason = ?, updated_at = ?
                WHERE t.contact_id = ? AND t.status NOT IN ('OPTED_OUT', 'REMOVED') AND t.campaign_id <> ?
                  AND EXISTS (SELECT 1 FROM campaign c WHERE c.id = t.campaign_id AND c.state = 'ACTIVE')""",
                List.of(reason, now, contact, except));
    }

    void insertOutcome(UUID id, UUID campaign, UUID contact, CampaignOutcome outcome, UUID via, UUID touchpoint,
                       Instant at, Instant now) {
        update("""
                INSERT INTO campaign_outcome (id, campaign_id, contact_id, outcome, via, touchpoint_id, occurred_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                List.of(id, campaign, contact, outcome.name(), via, touchpoint, at, now));
    }

    void close(UUID campaign, Instant now) {
        update("UPDATE campaign SET state = 'CLOSED', closed_at = ?, updated_at = ? WHERE id = ? AND state = 'ACTIVE'",
                List.of(now, now, campaign));
    }

    Optional<Consent> consent(UUID contact, Channel channel) {
        return query("""
                SELECT c.do_not_contact, coalesce(cc.status, 'UNKNOWN') FROM contact c
                LEFT JOIN contact_consent cc ON cc.contact_id = c.id AND cc.channel = ? WHERE c.id = ?""",
                List.of(channel.name(), contact), r -> new Consent(r.getBoolean(1), r.getString(2))).stream().findFirst();
    }

    /** Pending targets that may still be asked now (consent read again), by name after a position. */
    List<SegmentStore.Found> pending(Row c, String afterName, UUID afterId, int limit) {
        List<Object> params = new ArrayList<>(List.of(c.channel().name(), c.id(), c.includeUnknown(), c.includeUnknown()));
        StringBuilder sql = new StringBuilder("""
                SELECT t.contact_id, t.sort_name FROM campaign_target t JOIN contact c ON c.id = t.contact_id
                LEFT JOIN contact_consent cc ON cc.contact_id = c.id AND cc.channel = ?
                WHERE t.campaign_id = ? AND t.status = 'PENDING' AND """).append(SegmentStore.ELIGIBLE);
        if (afterId != null) {
            sql.append(" AND (t.sort_name, t.contact_id) > (?, ?)");
            params.add(afterName);
            params.add(afterId);
        }
        sql.append(" ORDER BY t.sort_name, t.contact_id LIMIT ?");
        params.add(limit);
        return query(sql.toString(), params, r -> new SegmentStore.Found(r.getObject(1, UUID.class), r.getString(2)));
    }

    /** Pending targets that may be asked now, and those whose consent changed since the campaign started. */
    SegmentExclusions pendingCount(Row c, long[] eligible) {
        return query("SELECT count(*) FILTER (WHERE " + SegmentStore.ELIGIBLE + "), "
                        + "count(*) FILTER (WHERE c.do_not_contact), "
                        + "count(*) FILTER (WHERE NOT c.do_not_contact AND cc.status = 'DENIED'), "
                        + "count(*) FILTER (WHERE NOT c.do_not_contact AND ? AND coalesce(cc.status, 'UNKNOWN') = 'UNKNOWN') "
                        + """
                        FROM campaign_target t JOIN contact c ON c.id = t.contact_id
                        LEFT JOIN contact_consent cc ON cc.contact_id = c.id AND cc.channel = ?
                        WHERE t.campaign_id = ? AND t.status = 'PENDING'""",
                List.of(c.includeUnknown(), c.includeUnknown(), !c.includeUnknown(), c.channel().name(), c.id()), r -> {
                    eligible[0] = r.getLong(1);
                    return new SegmentExclusions(r.getLong(2), r.getLong(3), r.getLong(4));
                }).get(0);
    }

    /** Every target with its kind, status, outcomes and primary community (coarsest level) in the run, if any. */
    List<Target> targets(UUID campaign, UUID run) {
        return query("""
                SELECT t.contact_id, c.kind, t.status, am.community_id,
                       EXISTS (SELECT 1 FROM campaign_outcome o WHERE o.campaign_id = t.campaign_id AND o.contact_id = t.contact_id),
                       EXISTS (SELECT 1 FROM campaign_outcome o WHERE o.campaign_id = t.campaign_id AND o.contact_id = t.contact_id
                               AND o.outcome = 'RESPONDED'),
                       EXISTS (SELECT 1 FROM campaign_outcome o WHERE o.campaign_id = t.campaign_id AND o.contact_id = t.contact_id
                               AND o.outcome = 'DECLINED')
                FROM campaign_target t JOIN contact c ON c.id = t.contact_id
                LEFT JOIN analytics_membership am ON am.run_id = ? AND am.contact_id = t.contact_id AND am.level = 0
                                                 AND am.is_primary
                WHERE t.campaign_id = ? ORDER BY t.sort_name, t.contact_id""",
                List.of(run == null ? new UUID(0, 0) : run, campaign),
                r -> new Target(r.getObject(1, UUID.class), r.getString(2), r.getString(3), (Long) r.getObject(4),
                        r.getBoolean(5), r.getBoolean(6), r.getBoolean(7)));
    }

    /** Outcomes recorded through each contact named as via. */
    Map<UUID, Long> outcomesVia(UUID campaign) {
        Map<UUID, Long> out = new HashMap<>();
        query("SELECT via, count(*) FROM campaign_outcome WHERE campaign_id = ? AND via IS NOT NULL GROUP BY via",
                List.of(campaign), r -> out.put(r.getObject(1, UUID.class), r.getLong(2)));
        return out;
    }

    /** Contacts taking part in an active campaign: its seeds and targets, except those who opted out or were removed. */
    Set<UUID> inActiveCampaigns() {
        return new LinkedHashSet<>(query("""
                SELECT t.contact_id FROM campaign_target t JOIN campaign c ON c.id = t.campaign_id
                WHERE c.state = 'ACTIVE' AND t.status NOT IN ('OPTED_OUT', 'REMOVED')
                UNION
                SELECT s.contact_id FROM campaign_seed s JOIN campaign c ON c.id = s.campaign_id WHERE c.state = 'ACTIVE'""",
                List.of(), r -> r.getObject(1, UUID.class)));
    }

    private Row row(ResultSet r) throws SQLException {
        try {
            Timestamp closed = r.getTimestamp(12);
            return new Row(r.getObject(1, UUID.class), r.getString(2), r.getObject(3, UUID.class),
                    Channel.valueOf(r.getString(4)), r.getString(5), r.getInt(6), r.getBoolean(7),
                    (Double) r.getObject(8), json.readValue(r.getString(9), SegmentExclusions.class), r.getString(10),
                    r.getTimestamp(11).toInstant(), closed == null ? null : closed.toInstant());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable exclusions of campaign " + r.getString(1), e);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    <T> List<T> query(String sql, List<?> params, Sql.Row<T> row) {
        return Sql.query(dataSource, sql, params, row);
    }

    int update(String sql, List<?> params) {
        return Sql.update(dataSource, sql, params);
    }

    /**
     * Takes an erased contact out of every campaign, inside the erasure transaction: as target, as seed and with its
     * outcomes; outcomes it brought about forget who reached them.
     */
    void forget(UUID contact) {
        for (String sql : new String[] {
                "DELETE FROM campaign_outcome WHERE contact_id = :id",
                "UPDATE campaign_outcome SET via = NULL WHERE via = :id",
                "DELETE FROM campaign_target WHERE contact_id = :id",
                "DELETE FROM campaign_seed WHERE contact_id = :id"}) {
            em.createNativeQuery(sql).setParameter("id", contact).executeUpdate();
        }
    }
}
