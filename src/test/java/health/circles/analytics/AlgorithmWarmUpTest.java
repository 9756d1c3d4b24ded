package health.circles.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        assertEquals(List.of(), warmUpGraphs(), "the generated graph is dropped");
        long[] after = storeCounts();
        assertEquals(before[0], after[0], "no node written to the store");
        assertEquals(before[1], after[1], "no relationship written to the store");
        assertEquals(before[2], after[2], "no PageRank or community property written to a contact");
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
