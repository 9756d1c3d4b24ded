package health.circles.outreach;

import health.circles.Sql;
import health.circles.contact.Channel;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.sql.Array;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The experiment store: the communities of a run that can be randomised, their consenting members, and an
 * experiment's assignment (communities to arms), targets and seeds. Outcomes are the campaign's ({@link CampaignStore}).
 */
@ApplicationScoped
public class ExperimentStore {

    /** Primary members of a run's communities at a level, with their consent for a channel (bound first). */
    private static final String MEMBERS = """
            FROM analytics_membership am JOIN contact c ON c.id = am.contact_id
            LEFT JOIN contact_consent cc ON cc.contact_id = c.id AND cc.channel = ?
            WHERE am.run_id = ? AND am.level = ? AND am.is_primary""";

    private final AgroalDataSource dataSource;
    private final EntityManager em;

    ExperimentStore(AgroalDataSource dataSource, EntityManager em) {
        this.dataSource = dataSource;
        this.em = em;
    }

    /** A community of a run at a level: its primary members, and how many of them may be approached on a channel. */
    record Candidate(long id, int size, long approachable) {
    }

    /** An experiment's own row. */
    record Row(UUID campaignId, UUID run, int level, List<SeedStrategy> arms, int k, long randomSeed) {
    }

    /** An assigned community as stored. */
    record Assigned(long communityId, int size, int stratum, SeedStrategy arm) {
    }

    /** A target or seed of an experiment, with its community and, for a target, whether it responded. */
    record Member(UUID contactId, long communityId, boolean target, boolean seed, boolean responded) {
    }

    /** Every community of the run at the level, by id. */
    List<Candidate> communities(UUID run, int level, Channel channel, boolean includeUnknown) {
        return query("SELECT am.community_id, count(*), count(*) FILTER (WHERE " + SegmentStore.ELIGIBLE + ") "
                        + MEMBERS + " GROUP BY am.community_id ORDER BY am.community_id",
                List.of(includeUnknown, includeUnknown, channel.name(), run, level),
                r -> new Candidate(r.getLong(1), r.getInt(2), r.getLong(3)));
    }

    /** The consenting primary members of the communities, by name, each with its community. */
    List<Member> targets(UUID run, int level, List<Long> communities, Channel channel, boolean includeUnknown) {
        return query("SELECT c.id, am.community_id " + MEMBERS + " AND am.community_id = ANY(?) AND "
                        + SegmentStore.ELIGIBLE + " ORDER BY c.sort_name, c.id",
                List.of(channel.name(), run, level, communities.toArray(new Long[0]), includeUnknown, includeUnknown),
                r -> new Member(r.getObject(1, UUID.class), r.getLong(2), true, false, false));
    }

    /** Members of the communities left out of the targets, per reason (each once, under the first that applies). */
    SegmentExclusions excluded(UUID run, int level, List<Long> communities, Channel channel, boolean includeUnknown) {
        return query("""
                SELECT count(*) FILTER (WHERE c.do_not_contact),
                       count(*) FILTER (WHERE NOT c.do_not_contact AND cc.status = 'DENIED'),
                       count(*) FILTER (WHERE NOT c.do_not_contact AND ? AND coalesce(cc.status, 'UNKNOWN') = 'UNKNOWN')
                """ + MEMBERS + " AND am.community_id = ANY(?)",
                List.of(!includeUnknown, channel.name(), run, level, communities.toArray(new Long[0])),
                r -> new SegmentExclusions(r.getLong(1), r.getLong(2), r.getLong(3))).get(0);
    }

    void insert(Row e, List<Assigned> communities, List<Member> members) {
        update("INSERT INTO campaign_experiment (campaign_id, run_id, level, arms, k, random_seed) VALUES (?, ?, ?, ?, ?, ?)",
                List.of(e.campaignId(), e.run(), e.level(), e.arms().stream().map(SeedStrategy::code).toArray(String[]::new),
                        e.k(), e.randomSeed()));
        for (Assigned a : communities) {
            update("INSERT INTO experiment_community (campaign_id, community_id, size, stratum, arm) VALUES (?, ?, ?, ?, ?)",
                    List.of(e.campaignId(), a.communityId(), a.size(), a.stratum(), a.arm().code()));
        }
        for (Member m : members) {
            update("INSERT INTO experiment_member (campaign_id, contact_id, community_id, target, seed) VALUES (?, ?, ?, ?, ?)",
                    List.of(e.campaignId(), m.contactId(), m.communityId(), m.target(), m.seed()));
        }
    }

    Optional<Row> find(UUID campaign) {
        return query("SELECT campaign_id, run_id, level, arms, k, random_seed FROM campaign_experiment WHERE campaign_id = ?",
                List.of(campaign), r -> {
                    Array arms = r.getArray(4);
                    List<SeedStrategy> list = new ArrayList<>();
                    for (Object code : (Object[]) arms.getArray()) {
                        list.add(SeedStrategy.of((String) code));
                    }
                    return new Row(r.getObject(1, UUID.class), r.getObject(2, UUID.class), r.getInt(3), list,
                            r.getInt(5), r.getLong(6));
                }).stream().findFirst();
    }

    /** The assigned communities, largest first (ties by id), as the assignment ordered them. */
    List<Assigned> communities(UUID campaign) {
        return query("""
                SELECT community_id, size, stratum, arm FROM experiment_community WHERE campaign_id = ?
                ORDER BY size DESC, community_id""",
                List.of(campaign), r -> new Assigned(r.getLong(1), r.getInt(2), r.getInt(3), SeedStrategy.of(r.getString(4))));
    }

    /** The targets and seeds, each with whether it responded (a RESPONDED outcome in the campaign). */
    List<Member> members(UUID campaign) {
        return query("""
                SELECT m.contact_id, m.community_id, m.target, m.seed,
                       EXISTS (SELECT 1 FROM campaign_outcome o WHERE o.campaign_id = m.campaign_id
                               AND o.contact_id = m.contact_id AND o.outcome = 'RESPONDED')
                FROM experiment_member m WHERE m.campaign_id = ? ORDER BY m.contact_id""",
                List.of(campaign), r -> new Member(r.getObject(1, UUID.class), r.getLong(2), r.getBoolean(3),
                        r.getBoolean(4), r.getBoolean(5)));
    }

    /** Takes an erased contact out of every experiment, inside the erasure transaction (as a target and as a seed). */
    void forget(UUID contact) {
        em.createNativeQuery("DELETE FROM experiment_member WHERE contact_id = :id").setParameter("id", contact)
                .executeUpdate();
    }

    private <T> List<T> query(String sql, List<?> params, Sql.Row<T> row) {
        return Sql.query(dataSource, sql, params, row);
    }

    private int update(String sql, List<?> params) {
        return Sql.update(dataSource, sql, params);
    }
}
