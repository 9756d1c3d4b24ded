package health.circles.outreach;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.Fixtures;
import health.circles.sync.GraphRelay;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

/** The influence graph holds every contact, and one or two arcs per active tie by its type's flow, as stored. */
@QuarkusTest
@AsRole("admin")
class InfluenceTieGraphTest {

    @Inject
    InfluenceTieGraph reader;

    @Inject
    InfluenceGraphs graphs;

    @Inject
    GraphRelay relay;

    @Inject
    AgroalDataSource db;

    @Inject
    Driver driver;

    @Test
    void arcsFollowEachActiveTieByItsFlowAndEndedTiesAreLeftOut() throws Exception {
        UUID a = contact("Ada");
        UUID b = contact("Ben");
        UUID c = contact("Cleo");
        UUID d = contact("Dev");
        UUID e = contact("Eli");
        UUID alone = contact("Fay");
        Fixtures.tie(a, b).type("FRIEND_OF").declaredStrength(0.5).create();          // both ways
        Fixtures.tie(a, c).type("CARES_FOR").declaredStrength(1.0).create();          // from -> to
        Fixtures.tie(d, a).type("FOLLOWS_ONLINE").create();                           // to -> from: a reaches d
        Fixtures.tie(b, e).type("FRIEND_OF").since("2020-01-01").until(LocalDate.now().minusDays(1).toString())
                .create();                                                            // ended: no arc, no degree
        caughtUp();

        InfluenceGraph graph = reader.load(graphs.version());

        assertEquals(Map.of(b, 1, c, 1, d, 1), out(graph, a), "a's word reaches b, c and d");
        assertEquals(Map.of(a, 1), out(graph, b));
        assertEquals(Map.of(), out(graph, c), "the cared-for does not advise the carer");
        assertEquals(Map.of(), out(graph, d), "a follower is not heard by the one it follows");
        assertEquals(Map.of(), out(graph, e));
        assertEquals(Map.of(b, 1), in(graph, a));
        assertEquals(Map.of(a, 1), in(graph, d));
        assertEquals(3, graph.degree[graph.node(a)]);
        assertEquals(1, graph.degree[graph.node(b)], "the ended tie is not counted");
        assertEquals(0, graph.degree[graph.node(e)]);
        assertTrue(graph.node(alone) >= 0, "a contact without ties is in the graph");
        assertEquals(0, graph.degree[graph.node(alone)]);
        for (int i = 1; i < graph.size(); i++) {
            assertTrue(graph.id(i - 1).compareTo(graph.id(i)) < 0, "contacts are numbered in id order");
        }
        int arc = graph.outStart[graph.node(a)];
        while (graph.outTo[arc] != graph.node(b)) {
            arc++;
        }
        assertTrue(graph.outStrength[arc] > 0, "an arc carries its tie's strength");
    }

    @Test
    void aChangedGraphIsBroughtUpToDateByReadingOnlyTheContactsWhoseTiesChanged() throws Exception {
        UUID a = contact("Gia");
        UUID b = contact("Hal");
        UUID c = contact("Ivo");
        UUID d = contact("Jo");
        Fixtures.tie(a, b).type("FRIEND_OF").create();
        Fixtures.Created cared = Fixtures.tie(a, c).type("CARES_FOR").declaredStrength(0.8).create();
        Fixtures.tie(d, b).type("FRIEND_OF").create();
        Fixtures.tie(c, d).type("FRIEND_OF").create(); // leaves with d: its removal may be purged with d's rows
        caughtUp();
        InfluenceGraph before = graphs.current();

        UUID e = contact("Kai");
        Fixtures.tie(e, a).type("CARES_FOR").declaredStrength(0.6).create();
        given().header("If-Match", cared.etag()).when().delete("/api/v1/ties/" + cared.id()).then().statusCode(204);
        given().when().post("/api/v1/contacts/{id}/erasure", d).then().statusCode(204);
        caughtUp();
        InfluenceGraph after = graphs.current();

        assertEquals(InfluenceGraph.Read.CHANGES, after.read, "only the changed contacts were read again");
        assertTrue(after.reread < before.size(), "not every contact was read again: " + after.reread);
        assertEquals(before.loadedAt, after.loadedAt, "the whole read's age still bounds the graph's");
        assertEquals(-1, after.node(d), "the erased contact is gone");
        assertEquals(Map.of(a, 1), out(after, e), "the carer's word reaches the one it cares for");
        assertEquals(Map.of(b, 1, e, 1), in(after, a), "a hears b and its carer, no longer anyone through c");
        assertEquals(Map.of(), out(after, c), "c's tie to the erased contact left with it");
        same(reader.load(graphs.version()), after);
    }

    @Test
    void aWriteThatChangesNoContactOrTieKeepsTheGraphItStampsAnew() throws Exception {
        UUID member = contact("Quin");
        caughtUp();
        InfluenceGraph before = graphs.current();
        Fixtures.group("HOUSEHOLD").named("Stamped anew").member(member, "head").create();
        caughtUp();

        InfluenceGraph after = graphs.current();

        assertTrue(after.version.appliedBatches() > before.version.appliedBatches(), "the version moved");
        assertEquals(InfluenceGraph.Read.CHANGES, after.read);
        assertEquals(0, after.reread);
        assertSame(before.outTo, after.outTo, "the same arrays");
    }

    @Test
    void aGraphAskedForIsKeptWarmSoThatTheNextRequestFindsItCurrent() throws Exception {
        UUID a = contact("Rae");
        UUID b = contact("Sol");
        caughtUp();
        graphs.current();
        Fixtures.tie(a, b).type("FRIEND_OF").create();
        caughtUp();
        assertTrue(!graphs.isCached(), "behind after the write");

        graphs.keepWarm();

        assertTrue(graphs.isCached(), "brought up to date without a request");
        assertEquals(Map.of(b, 1), out(graphs.current(), a));
    }

    @Test
    void aRemovalThatDoesNotNameItsContactHasTheGraphReadWhole() throws Exception {
        contact("Lu");
        caughtUp();
        graphs.current();
        try (Connection conn = db.getConnection(); Statement s = conn.createStatement()) {
            // As removals were recorded before they named their ends (V11): the tie's id and version only.
            s.executeUpdate("""
                    INSERT INTO outbox (type, aggregate_id, version, payload)
                    SELECT 'tie.deleted', x.id, 1, json_build_object('id', x.id::text, 'version', 1)
                    FROM (SELECT gen_random_uuid() AS id) x""");
        }
        caughtUp();

        assertEquals(InfluenceGraph.Read.FULL, graphs.current().read);
    }

    @Test
    void aContactTheOutboxDoesNotNameHasTheGraphReadWhole() throws Exception {
        contact("Mo");
        caughtUp();
        graphs.current();
        UUID unnamed = UUID.randomUUID();
        try (Session session = driver.session()) {
            // A node no outbox row brought (as a repair by reconcile does): the counts no longer agree.
            session.executeWrite(tx -> tx.run("CREATE (:Contact {id: $id})", Map.of("id", unnamed.toString()))
                    .consume());
            contact("Nia");
            caughtUp();

            InfluenceGraph graph = graphs.current();

            assertEquals(InfluenceGraph.Read.FULL, graph.read);
            assertTrue(graph.node(unnamed) >= 0);
        } finally {
            try (Session session = driver.session()) {
                session.executeWrite(tx -> tx.run("MATCH (c:Contact {id: $id}) DETACH DELETE c",
                        Map.of("id", unnamed.toString())).consume());
            }
        }
    }

    @Test
    void aChangeAppliedBehindALaterPositionStillReachesTheGraphHeld() throws Exception {
        UUID x = contact("Oli");
        UUID y = contact("Pia");
        Fixtures.Created tie = Fixtures.tie(x, y).type("CARES_FOR").create();
        caughtUp();
        assertEquals(Map.of(y, 1), out(graphs.current(), x));
        long appliedBefore = graphs.version().appliedPosition();

        // As a transaction that drew its position before others committed does: its row reaches the graph after
        // rows with later positions, so the highest position applied does not move.
        long position;
        try (Connection conn = db.getConnection(); Statement s = conn.createStatement()) {
            s.executeUpdate("DELETE FROM tie WHERE id = '" + tie.id() + "'");
            try (ResultSet r = s.executeQuery("""
                    INSERT INTO outbox (position, type, aggregate_id, version, payload)
                    SELECT -(SELECT count(*) + 1 FROM outbox WHERE position < 0), 'tie.deleted', '%1$s', 2,
                           json_build_object('id', '%1$s', 'from', '%2$s', 'to', '%3$s', 'version', 2)
                    RETURNING position""".formatted(tie.id(), x, y))) {
                r.next();
                position = r.getLong(1);
            }
        }
        assertTrue(relay.awaitApplied(position, Duration.ofSeconds(60)), "the relay applied the late row");
        assertEquals(appliedBefore, graphs.version().appliedPosition(), "the highest position applied did not move");

        InfluenceGraph graph = graphs.current();

        assertEquals(InfluenceGraph.Read.CHANGES, graph.read);
        assertEquals(Map.of(), out(graph, x), "the removal reached the graph held");
    }

    /** Two graphs hold the same contacts, ties and arcs. */
    private static void same(InfluenceGraph expected, InfluenceGraph actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.id(i), actual.id(i));
        }
        assertEquals(expected.ties, actual.ties);
        assertArrayEquals(expected.degree, actual.degree);
        assertArrayEquals(expected.outStart, actual.outStart);
        assertArrayEquals(expected.outTo, actual.outTo);
        assertArrayEquals(expected.outStrength, actual.outStrength);
        assertArrayEquals(expected.inStart, actual.inStart);
        assertArrayEquals(expected.inFrom, actual.inFrom);
        assertArrayEquals(expected.inStrength, actual.inStrength);
    }

    private static UUID contact(String given) {
        return Fixtures.contact().kind("PATIENT").named(given, "Influence").create().uuid();
    }

    private static Map<UUID, Integer> out(InfluenceGraph graph, UUID from) {
        return arcs(graph, graph.outStart, graph.outTo, from);
    }

    private static Map<UUID, Integer> in(InfluenceGraph graph, UUID to) {
        return arcs(graph, graph.inStart, graph.inFrom, to);
    }

    /** The contacts at the other end of {@code contact}'s arcs in one direction, with how many arcs each. */
    private static Map<UUID, Integer> arcs(InfluenceGraph graph, int[] start, int[] other, UUID contact) {
        Map<UUID, Integer> found = new TreeMap<>();
        int node = graph.node(contact);
        for (int i = start[node]; i < start[node + 1]; i++) {
            found.merge(graph.id(other[i]), 1, Integer::sum);
        }
        return found;
    }

    private void caughtUp() throws Exception {
        long latest;
        try (Connection conn = db.getConnection(); Statement s = conn.createStatement();
             ResultSet r = s.executeQuery("SELECT coalesce(max(position), 0) FROM outbox")) {
            r.next();
            latest = r.getLong(1);
        }
        assertTrue(relay.awaitApplied(latest, Duration.ofSeconds(60)), "the relay applied the outbox");
    }
}
