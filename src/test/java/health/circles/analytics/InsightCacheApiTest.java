package health.circles.analytics;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.Fixtures;
import health.circles.TestTokens;
import health.circles.sync.GraphRelay;
import health.circles.web.ReusableBodies;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The in-memory cache of influencer pages and community details (InsightCache): answers come from it, yet a renamed
 * community or contact, an erased contact (through this replica or another) and a caller's role are all honoured as
 * if every answer were computed afresh, and no read waits while communities are being named.
 */
@QuarkusTest
@AsRole("admin")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InsightCacheApiTest {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    GraphRelay relay;

    @Inject
    InsightCache cache;

    @Inject
    AnalyticsConfig analyticsConfig;

    @Inject
    ReusableBodies bodies;

    /** A hub tied to six neighbours, two of which are tied to each other; made once, then one run. */
    private String hub;
    private final List<String> neighbours = new ArrayList<>();

    @BeforeEach
    void network() throws SQLException {
        if (hub != null) {
            return;
        }
        String tag = Fixtures.uniqueTag();
        hub = Fixtures.contact().communityLeader().named("Hubert", "Cache" + tag).create().id();
        for (int i = 0; i < 6; i++) {
            String n = Fixtures.contact().patient().named("Nadia" + i, "Cache" + tag).create().id();
            neighbours.add(n);
            Fixtures.tie(hub, n).type("FRIEND_OF").declaredStrength(0.5 + i / 20.0).create();
        }
        Fixtures.tie(neighbours.get(0), neighbours.get(1)).type("FAMILY_OF").declaredStrength(0.9).create();
        assertTrue(relay.awaitApplied(count("SELECT coalesce(max(position), 0) FROM outbox"), Duration.ofMinutes(2)));
        Fixtures.analyticsRun(Duration.ofMinutes(5));
    }

    @Test
    void aSecondReadIsServedFromTheCacheAndEqualsAFreshlyComputedOne() {
        cache.clear();
        String first = influencer(hub).prettify();
        long hits = cache.hits();
        String second = influencer(hub).prettify();
        assertEquals(hits + 1, cache.hits(), "the second read came from the cache");
        assertEquals(first, second);
        cache.clear();
        assertEquals(first, influencer(hub).prettify(), "what the cache served is what is computed");
    }

    @Test
    void aCachedAnswerIsSentAsTheBytesItsFirstCallWrote() {
        cache.clear();
        long community = influencer(hub).getLong("items[0].community");
        // Any change another test's background work commits meanwhile empties the cache (by design), and the second
        // reads are then written afresh: such a pass is tried again, up to three times.
        long reused = 0;
        for (int pass = 0; pass < 3 && (pass == 0 || bodies.reused() != reused + 2); pass++) {
            cache.clear();
            String influencers = given().queryParam("contact", hub).get("/api/v1/influencers").then()
                    .statusCode(200).extract().asString();
            String detail = given().get("/api/v1/communities/" + community).then().statusCode(200).extract()
                    .asString();
            reused = bodies.reused();
            assertEquals(influencers, given().queryParam("contact", hub).get("/api/v1/influencers").then()
                    .statusCode(200).contentType(ContentType.JSON).extract().asString());
            assertEquals(detail, given().get("/api/v1/communities/" + community).then().statusCode(200)
                    .contentType(ContentType.JSON).extract().asString());
        }
        assertEquals(reused + 2, bodies.reused(), "both second reads sent the kept bytes");
        // A new answer (the cache emptied by a rename) is written afresh, with what changed.
        String etag = given().get("/api/v1/communities/" + community + "/name").then().statusCode(200)
                .extract().header("ETag");
        String chosen = "Bytes circle " + System.nanoTime() % 100000;
        given().contentType(ContentType.JSON).header("If-Match", etag).body(Map.of("name", chosen))
                .put("/api/v1/communities/" + community + "/name").then().statusCode(200);
        assertTrue(given().get("/api/v1/communities/" + community).then().statusCode(200).extract().asString()
                .contains(chosen));
    }

    @Test
    void theCacheKeepsNoMoreNamedContactsThanItsBoundHoweverManyLargePagesAreAskedFor() {
        // Pages asked with many cursors or limits are as many answers; what bounds the memory they hold is the
        // contacts they name (each answer weighs those), not how many answers there are.
        cache.clear();
        UUID run = UUID.randomUUID();
        int bound = analyticsConfig.readCache().maxNamed();
        int perAnswer = bound / 4 + 1;
        for (int i = 0; i < 12; i++) {
            List<UUID> named = java.util.stream.IntStream.range(0, perAnswer).mapToObj(n -> UUID.randomUUID()).toList();
            cache.get(new InsightCache.Key(run, "test-page", List.of(i)), () -> named, answer -> answer);
            assertTrue(cache.weight() <= bound || cache.size() == 1, "weight " + cache.weight() + " over " + bound);
        }
        assertEquals(3, cache.size(), "three answers of a quarter of the bound each, and the newest always kept");
        cache.clear();
        assertEquals(0, cache.weight());
    }

    @Test
    void renamingTheCommunityOrAContactShowsAtOnce() {
        long community = influencer(hub).getLong("items[0].community");
        given().get("/api/v1/communities/" + community).then().statusCode(200);
        influencer(hub);
        String etag = given().get("/api/v1/communities/" + community + "/name").then().statusCode(200)
                .extract().header("ETag");
        String chosen = "Cache circle " + System.nanoTime() % 100000;
        given().contentType(ContentType.JSON).header("If-Match", etag).body(Map.of("name", chosen))
                .put("/api/v1/communities/" + community + "/name").then().statusCode(200);
        given().get("/api/v1/communities/" + community).then().statusCode(200).body("summary.name", equalTo(chosen));
        assertEquals(chosen, influencer(hub).getString("items[0].communityName"));

        // The hub's strongest tie is to the last neighbour; that neighbour takes another name.
        String strongest = neighbours.get(5);
        assertEquals(strongest, influencer(hub).getString("items[0].explanation.strongestNeighbours[0].contactId"));
        String contactEtag = given().get("/api/v1/contacts/" + strongest).then().statusCode(200).extract()
                .header("ETag");
        given().contentType("application/merge-patch+json").header("If-Match", contactEtag)
                .body(Map.of("givenName", "Renamed")).patch("/api/v1/contacts/" + strongest).then().statusCode(200);
        assertTrue(influencer(hub).getString("items[0].explanation.strongestNeighbours[0].displayName")
                .startsWith("Renamed "), "the new name, not the cached one");
    }

    @Test
    void anErasedContactIsNeverServedFromTheCache() {
        String erased = neighbours.get(4);
        long community = influencer(hub).getLong("items[0].community");
        assertTrue(influencer(hub).prettify().contains(erased), "named among the hub's strongest ties");
        given().get("/api/v1/communities/" + community).then().statusCode(200);
        given().post("/api/v1/contacts/" + erased + "/erasure").then().statusCode(204);
        assertFalse(influencer(hub).prettify().contains(erased));
        assertFalse(given().get("/api/v1/communities/" + community).then().statusCode(200).extract().asString()
                .contains(erased));
        given().queryParam("contact", erased).get("/api/v1/influencers").then().statusCode(200)
                .body("items.size()", equalTo(0));
    }

    @Test
    void anAnswerNamingAContactErasedThroughAnotherReplicaIsNotServedFromTheCache() throws SQLException {
        // Another replica erased the contact: the register says so here, but no event of this replica emptied the
        // cache. (Only the register row is written, so that this database stays whole for the other tests.)
        String other = neighbours.get(2);
        String before = influencer(hub).prettify();
        assertTrue(before.contains(other));
        influencer(hub);
        long size = cache.size();
        long misses = cache.misses();
        try (Connection c = dataSource.getConnection()) {
            update(c, "INSERT INTO contact_erasure (contact_id, erased_at, erased_by) VALUES (?, now(), 'replica-b')",
                    other);
            try {
                assertEquals(size, cache.size(), "nothing here emptied the cache");
                influencer(hub);
                assertEquals(misses + 1, cache.misses(), "the kept answer names an erased contact: computed again");
            } finally {
                update(c, "DELETE FROM contact_erasure WHERE contact_id = ? AND erased_by = 'replica-b'", other);
            }
        }
    }

    @Test
    void everyRoleAllowedGetsTheSameAnswerAndNoOtherRoleGetsIt() {
        long community = influencer(hub).getLong("items[0].community");
        String admin = given().get("/api/v1/communities/" + community).then().statusCode(200).extract().asString();
        for (String role : List.of("analyst", "outreach", "clinician")) {
            assertEquals(admin, TestTokens.as(role).get("/api/v1/communities/" + community).then().statusCode(200)
                    .extract().asString(), role);
        }
        assertEquals(admin, TestTokens.asClinician("test-cache-clinician", UUID.fromString(hub))
                .get("/api/v1/communities/" + community).then().statusCode(200).extract().asString());
        // The cache sits behind the role check: a role that may not read it is refused, cached or not.
        TestTokens.as("integration").get("/api/v1/communities/" + community).then().statusCode(403);
        TestTokens.as("integration").queryParam("contact", hub).get("/api/v1/influencers").then().statusCode(403);
    }

    @Test
    void readsDoNotWaitWhileCommunitiesAreBeingNamed() throws SQLException {
        long community = influencer(hub).getLong("items[0].community");
        String name = given().get("/api/v1/communities/" + community).then().statusCode(200).extract()
                .path("summary.name");
        assertNotNull(name);
        String run = given().get("/api/v1/communities/" + community).then().extract().path("runId");
        try (Connection naming = dataSource.getConnection()) {
            update(naming, "DELETE FROM analytics_community_naming WHERE run_id = ?::uuid", run);
            naming.setAutoCommit(false);
            // Someone is naming (the runner, another replica): it holds the naming lock for as long as it takes.
            try (Statement s = naming.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(hashtext('analytics_community_naming'))");
            }
            cache.clear();
            // Read on another thread: a read that waited for the lock would wait for this test, so it is given
            // ten seconds and the lock is released whatever happens.
            java.util.concurrent.CompletableFuture<String> read = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> {
                        String n = given().get("/api/v1/communities/" + community).then().statusCode(200).extract()
                                .path("summary.name");
                        influencer(hub);
                        return n;
                    });
            String during;
            try {
                during = read.get(10, java.util.concurrent.TimeUnit.SECONDS);
                given().get("/api/v1/analytics/runs/" + run).then().statusCode(200).body("namedAt", equalTo(null));
            } catch (java.util.concurrent.TimeoutException | InterruptedException
                     | java.util.concurrent.ExecutionException e) {
                throw new AssertionError("the reads did not answer while the naming lock was held", e);
            } finally {
                naming.rollback();
            }
            assertEquals(name, during, "the stored name, while naming goes on");
        }
        // The read started naming in the background; it finishes once the lock is free.
        Awaitility.await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).until(() ->
                given().get("/api/v1/analytics/runs/" + run).then().statusCode(200).extract().path("namedAt") != null);
    }

    private JsonPath influencer(String contact) {
        return given().queryParam("contact", contact).get("/api/v1/influencers").then().statusCode(200)
                .extract().jsonPath();
    }

    private void update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i] instanceof String v && v.length() == 36 && !sql.contains("?::uuid")
                        ? UUID.fromString(v) : params[i]);
            }
            s.executeUpdate();
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
