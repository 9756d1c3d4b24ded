package health.circles.graph;

import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.Anonymous;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.gds.utils.GdsFeatureToggles;

/**
 * The in-process Neo4j's Graph Data Science holds projected graphs' adjacency lists uncompressed
 * ({@code circles.neo4j.embedded.uncompressed-adjacency}, on by default): 8 bytes a relationship at least, so the
 * same graph takes at least 4 bytes a relationship more than in GDS's compressed lists, which store a neighbour as its
 * distance from the previous one, 1 to 3 bytes on this graph (measured: 34.5 MB against 5.2 MB).
 */
@QuarkusTest
@Anonymous
class InProcessNeo4jTest {

    private static final int NODES = 10_000;
    private static final int RELATIONSHIPS = 100_000;

    @Inject
    Driver neo4j;

    @Test
    void projectedGraphsHoldTheirAdjacencyListsUncompressed() throws Exception {
        assertTrue(GdsFeatureToggles.USE_UNCOMPRESSED_ADJACENCY_LIST.isEnabled(), "the setting's default is on");

        long uncompressed = projectedSize("circles-test-uncompressed");
        long[] compressed = new long[1];
        GdsFeatureToggles.USE_UNCOMPRESSED_ADJACENCY_LIST.disableAndRun(
                () -> compressed[0] = projectedSize("circles-test-compressed"));

        assertTrue(GdsFeatureToggles.USE_UNCOMPRESSED_ADJACENCY_LIST.isEnabled(), "the switch is back on");
        assertTrue(uncompressed - compressed[0] >= 4L * RELATIONSHIPS,
                "uncompressed " + uncompressed + " bytes against compressed " + compressed[0]);
    }

    /** Projects a graph of numbered nodes and scattered relationships, and returns its size as GDS reports it. */
    private long projectedSize(String name) {
        try (Session session = neo4j.session()) {
            session.run("""
                    UNWIND range(0, $relationships - 1) AS i
                    WITH gds.graph.project($name, i % $nodes, (i * 7919 + i / $nodes) % $nodes) AS g
                    RETURN g.relationshipCount AS relationships""",
                    Map.of("name", name, "nodes", NODES, "relationships", RELATIONSHIPS)).consume();
            try {
                return session.run("CALL gds.graph.list($name) YIELD sizeInBytes RETURN sizeInBytes",
                        Map.of("name", name)).single().get(0).asLong();
            } finally {
                session.run("CALL gds.graph.drop($name, false) YIELD graphName RETURN graphName",
                        Map.of("name", name)).consume();
            }
        }
    }
}
