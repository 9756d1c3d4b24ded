package health.circles.analytics;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import health.circles.AsRole;
import health.circles.Fixtures;
import health.circles.Sql;
import health.circles.analytics.InsightViews.Bridge;
import health.circles.analytics.InsightViews.CommunityDetail;
import health.circles.analytics.InsightViews.Member;
import health.circles.analytics.InsightViews.SecondaryMember;
import health.circles.sync.GraphRelay;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A community's detail as the run's snapshot writes it (CommunityDetails) equals, field for field and in order, what
 * SQL over the snapshot's memberships, scores and links computes, the way details were computed on their first read
 * before: for every community of a run on a network with overlapping memberships and bridges, and again after
 * erasures took contacts out of the lists.
 */
@QuarkusTest
@AsRole("admin")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CommunityDetailTest {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ObjectMapper json;

    @Inject
    GraphRelay relay;

    @Inject
    InsightService insights;

    @Inject
    InsightCache cache;

    private UUID run;

    /** Made once, before the first test (REST calls need a test's set-up, which {@code @BeforeAll} lacks). */
    @BeforeEach
    void network() throws Exception {
        if (run != null) {
            return;
        }
        // Twelve groups of sixty at rising mixing (many secondary memberships, many links), a hub in three groups and
        // a second part joined to the first by one contact.
        PlantedGraph graph = new PlantedGraph(11);
        double[] mixing = new double[12];
        for (int g = 0; g < mixing.length; g++) {
            mixing[g] = 0.1 + 0.04 * g;
        }
        List<List<PlantedGraph.Node>> main = graph.component("detail-main", 60, 14, mixing);
        List<List<PlantedGraph.Node>> apart = graph.component("detail-apart", 80, 12, 0.05, 0.05);
        graph.hub("Hub of details", main, 12, 12, 12);
        graph.bridge("Bridge of details", main.get(3), apart.get(0));
        long position = graph.write(dataSource, json);
        assertTrue(relay.awaitApplied(position, Duration.ofMinutes(5)), "the relay projected the planted graph");
        Fixtures.analyticsRun(Duration.ofMinutes(5), "{\"overlapShare\": 0.15, \"samplingSize\": 200}");
        run = insights.latestRun();
    }

    @Test
    @Order(1)
    void everyCommunitysDetailEqualsWhatSqlOverTheSnapshotComputes() {
        List<Long> communities = communities();
        assertTrue(communities.size() > 12, "the run found the planted groups: " + communities.size());
        int secondaries = 0;
        int bridging = 0;
        int cutSecondary = 0;
        int cutBridges = 0;
        int cutTop = 0;
        for (long id : communities) {
            CommunityDetail detail = compareWithSql(id);
            secondaries += detail.secondaryMembers().size();
            bridging += detail.bridgeContacts().size();
            cutSecondary += detail.secondaryMemberCount() > CommunityDetails.SECONDARY ? 1 : 0;
            cutBridges += detail.bridges().size() == CommunityDetails.BRIDGES ? 1 : 0;
            cutTop += detail.topInfluencers().size() == CommunityDetails.TOP ? 1 : 0;
        }
        assertTrue(secondaries > 0 && bridging > 0 && cutSecondary > 0 && cutBridges > 0 && cutTop > 0,
                "the network exercises every list: " + secondaries + " secondary, " + bridging + " bridging; cut: "
                        + cutSecondary + " secondary lists, " + cutBridges + " bridge lists, " + cutTop + " top lists");
    }

    @Test
    @Order(2)
    void afterErasuresTheDetailsStillEqualWhatSqlComputes() {
        // The community with the most secondary members loses its first member by PageRank, its first bridging
        // member and its first secondary member.
        long busiest = communities().stream().max(java.util.Comparator.comparingLong(
                id -> detail(id).secondaryMemberCount())).orElseThrow();
        CommunityDetail before = detail(busiest);
        List<UUID> erased = new ArrayList<>(List.of(before.topInfluencers().get(0).contactId(),
                before.bridgeContacts().get(0).contactId(), before.secondaryMembers().get(0).contactId()));
        for (UUID id : new java.util.LinkedHashSet<>(erased)) {
            given().post("/api/v1/contacts/" + id + "/erasure").then().statusCode(204);
        }
        CommunityDetail after = compareWithSql(busiest);
        assertEquals(before.topInfluencers().stream().filter(m -> !erased.contains(m.contactId())).findFirst()
                .orElseThrow(), after.topInfluencers().get(0), "the next member moved up");
        assertEquals(CommunityDetails.TOP, after.topInfluencers().size(), "a spare filled the list");
        assertEquals(CommunityDetails.SECONDARY, after.secondaryMembers().size(), "a spare filled the list");
        assertTrue(after.secondaryMemberCount() < before.secondaryMemberCount());
        for (long id : communities()) {
            compareWithSql(id);
        }
        assertEquals(0L, Sql.query(dataSource, """
                SELECT count(*) FROM analytics_community WHERE top_members && ?::uuid[] OR bridging_members && ?::uuid[]
                    OR secondary_members && ?::uuid[]""", List.of(erased.toArray(new UUID[0]),
                erased.toArray(new UUID[0]), erased.toArray(new UUID[0])), r -> r.getLong(1)).get(0),
                "erased contacts left every list");
    }

    @Test
    @Order(3)
    void aRunWrittenBeforeDetailsWereKeptAnswers409() {
        long id = communities().get(0);
        Sql.update(dataSource, "UPDATE analytics_community SET secondary_count = NULL WHERE run_id = ? AND id = ?",
                List.of(run, id));
        try {
            cache.clear();
            given().get("/api/v1/communities/" + id).then().statusCode(409).contentType("application/problem+json")
                    .body("type", containsString("analytics-run-outdated"))
                    .body("detail", containsString("POST /api/v1/analytics/runs"));
        } finally {
            Sql.update(dataSource, """
                    UPDATE analytics_community c SET secondary_count = (SELECT count(*) FROM analytics_membership m
                        WHERE m.run_id = c.run_id AND m.community_id = c.id AND NOT m.is_primary)
                    WHERE run_id = ? AND id = ?""", List.of(run, id));
            cache.clear();
        }
    }

    private List<Long> communities() {
        return Sql.query(dataSource, "SELECT id FROM analytics_community WHERE run_id = ? ORDER BY id", List.of(run),
                r -> r.getLong(1));
    }

    private CommunityDetail detail(long id) {
        cache.clear();
        return insights.community(id);
    }

    /** The detail as served, checked list by list against the SQL; returns it. */
    private CommunityDetail compareWithSql(long id) {
        CommunityDetail served = detail(id);
        String of = "community " + id;
        assertEquals(run, served.runId());
        assertEquals(children(id), served.children(), of);
        assertEquals(members(id, "rank_pagerank", false, CommunityDetails.TOP), served.topInfluencers(), of);
        assertEquals(bridges(id), served.bridges().stream()
                .map(b -> new Bridge(b.communityId(), b.size(), b.ties(), b.strength(), null)).toList(), of);
        assertEquals(members(id, "rank_betweenness", true, CommunityDetails.BRIDGING), served.bridgeContacts(), of);
        assertEquals(secondaryCount(id), served.secondaryMemberCount(), of);
        assertEquals(secondaryMembers(id), served.secondaryMembers(), of);
        return served;
    }

    // What follows is how details were computed on a read before they were written with the snapshot.

    private List<Long> children(long id) {
        return Sql.query(dataSource, "SELECT id FROM analytics_community WHERE run_id = ? AND parent_id = ? "
                + "ORDER BY size DESC, id LIMIT 100", List.of(run, id), r -> r.getLong(1));
    }

    private List<Member> members(long community, String rank, boolean bridging, int limit) {
        String sql = "SELECT s.contact_id, c.display_name, s.kind, s.pagerank, s.rank_pagerank, s.betweenness, "
                + "s.rank_betweenness FROM analytics_membership m "
                + "JOIN analytics_score s ON s.run_id = m.run_id AND s.contact_id = m.contact_id "
                + "LEFT JOIN contact c ON c.id = m.contact_id "
                + "WHERE m.run_id = ? AND m.community_id = ? AND m.is_primary"
                + (bridging ? " AND EXISTS (SELECT 1 FROM analytics_membership o WHERE o.run_id = m.run_id "
                + "AND o.contact_id = m.contact_id AND o.level = m.level AND NOT o.is_primary)" : "")
                + " ORDER BY s." + rank + " LIMIT ?";
        return Sql.query(dataSource, sql, List.of(run, community, limit), r -> new Member(r.getObject(1, UUID.class),
                r.getString(2), r.getString(3), r.getDouble(4), r.getInt(5), r.getDouble(6), r.getInt(7)));
    }

    private List<Bridge> bridges(long community) {
        return Sql.query(dataSource, """
                SELECT CASE WHEN l.a = ? THEN l.b ELSE l.a END AS other, c.size, l.ties, l.strength
                FROM analytics_community_link l
                JOIN analytics_community c ON c.run_id = l.run_id AND c.id = CASE WHEN l.a = ? THEN l.b ELSE l.a END
                WHERE l.run_id = ? AND (l.a = ? OR l.b = ?)
                ORDER BY l.strength DESC, other LIMIT ?""",
                List.of(community, community, run, community, community, CommunityDetails.BRIDGES),
                r -> new Bridge(r.getLong(1), r.getInt(2), r.getLong(3), r.getDouble(4), null));
    }

    private long secondaryCount(long community) {
        return Sql.query(dataSource, "SELECT count(*) FROM analytics_membership WHERE run_id = ? AND community_id = ? "
                + "AND NOT is_primary", List.of(run, community), r -> r.getLong(1)).get(0);
    }

    private List<SecondaryMember> secondaryMembers(long community) {
        return Sql.query(dataSource, """
                SELECT m.contact_id, c.display_name, s.kind, p.community_id, m.share
                FROM analytics_membership m
                JOIN analytics_membership p ON p.run_id = m.run_id AND p.contact_id = m.contact_id AND p.level = m.level
                     AND p.is_primary
                JOIN analytics_score s ON s.run_id = m.run_id AND s.contact_id = m.contact_id
                LEFT JOIN contact c ON c.id = m.contact_id
                WHERE m.run_id = ? AND m.community_id = ? AND NOT m.is_primary
                ORDER BY m.share DESC, m.contact_id LIMIT ?""", List.of(run, community, CommunityDetails.SECONDARY),
                r -> new SecondaryMember(r.getObject(1, UUID.class), r.getString(2), r.getString(3), r.getLong(4),
                        r.getDouble(5)));
    }
}
