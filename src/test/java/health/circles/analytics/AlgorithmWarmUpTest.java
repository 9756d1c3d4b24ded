package health.circles.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import health.circles.Anonymous;
import health.circles.sync.GraphRelay;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;

/** The warm-up at start runs the algorithms on a graph of its own and leaves nothing behind, in GDS or the store. */
@QuarkusTest
@Anonymous // calls the warm-up itself, no HTTP
class AlgorithmWarmUpTest {

    @Inject
    AlgorithmWarmUp warmUp;

    @Inject
    AnalyticsConfig config;

    @Inject
    Driver driver;

    @Inject
    GraphRelay relay;

    @Test
    void theWarmUpRunsBothAlgorithmsOnAGeneratedGraphAndLeavesNothingBehind() {
        assertTrue(relay.awaitCommitted(Duration.ofMinutes(2)), "earlier tests' changes are in the graph");
        long[] before = storeCounts();

        AlgorithmWarmUp.Done done = warmUp.warmUp();

        assertNotNull(done);
        assertEquals(config.warmUp().contacts(), done.contacts());
        assertTrue(done.generateMillis() >= 0 && done.pageRankMillis() >= 0 && done.communitiesMillis() >= 0,
                () -> "every step timed: " + done);
        assertTrue(done.levels() >= 2, () -> "the community algorithm climbed levels, as on a real network: " + done);
        assertEquals(List.of(), warmUpGraphs(), "the generated graph is dropped");
        long[] after = storeCounts();
        assertEquals(before[0], after[0], "no node written to the store");
        assertEquals(before[1], after[1], "no relationship written to the store");
        assertEquals(before[2], after[2], "no PageRank or community property written to a contact");
    }

    @Test
    void theGeneratedGraphIsMadeOfCirclesTheSameForTheSameSeed() {
        int nodes = 20_000;
        List<List<Object>> ties = AlgorithmGraph.clusteredTies(nodes, 10, 42);

        assertEquals(ties, AlgorithmGraph.clusteredTies(nodes, 10, 42), "the same graph every start");
        assertNotEquals(ties, AlgorithmGraph.clusteredTies(nodes, 10, 43));
        assertTrue(ties.size() > nodes * 10 / 2 * 0.99 && ties.size() <= nodes * 10 / 2, () -> ties.size() + " ties");
        long near = 0;
        for (List<Object> tie : ties) {
            int from = (Integer) tie.get(0);
            int to = (Integer) tie.get(1);
            double strength = (Double) tie.get(2);
            assertTrue(from >= 0 && from < nodes && to >= 0 && to < nodes && from != to, () -> "a tie " + tie);
            assertTrue(strength >= 0.1 && strength <= 1.0, () -> "a strength " + tie);
            // A group is a run of at most 400 consecutive contacts: a tie inside it joins two such numbers.
            near += Math.abs(from - to) < 400 ? 1 : 0;
        }
        double inside = (double) near / ties.size();
        assertTrue(inside > 0.8 && inside < 0.95, () -> "most ties stay inside their circle, some bridge: " + inside);
    }

    @Test
    void everyIteratorOfTheHashCollectionsLeidenGoesThroughIsLoadedBeforeItIsCompiled() {
        // HPPC 0.7 has a keys, values and entries iterator for each of its many typed maps and sets.
        int loaded = AlgorithmWarmUp.loadIterators();
        assertTrue(loaded > 100, () -> loaded + " iterator classes");
        assertEquals(loaded, AlgorithmWarmUp.loadIterators(), "the same classes, loaded once");
    }

    @Test
    void theWarmUpIsOffInTheTestsSoThatNoGraphOfItsOwnIsHeldBesideThem() {
        assertEquals(false, config.warmUp().enabled());
        assertEquals(List.of(), warmUpGraphs());
    }

    private List<String> warmUpGraphs() {
        try (Session session = driver.session()) {
            return session.run("CALL gds.graph.list() YIELD graphName "
                    + "WHERE graphName STARTS WITH 'circles-warm-up-' RETURN graphName").list(r -> r.get(0).asString());
        }
    }

    /** Nodes, relationships, and contacts holding a PageRank or community levels. */
    private long[] storeCounts() {
        try (Session session = driver.session()) {
            Record r = session.run("""
                    RETURN COUNT { MATCH (n) } AS nodes, COUNT { MATCH ()-[t]->() } AS relationships,
                           COUNT { MATCH (c:Contact) WHERE c.pagerank IS NOT NULL OR c.communityLevels IS NOT NULL
                                   } AS scored""").single();
            return new long[] {r.get("nodes").asLong(), r.get("relationships").asLong(), r.get("scored").asLong()};
        }
    }
}
