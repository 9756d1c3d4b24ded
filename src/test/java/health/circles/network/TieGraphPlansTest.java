package health.circles.network;

import static health.circles.GraphPlans.assertSeeksOnly;

import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.Anonymous;
import health.circles.GraphPlans;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;

/**
 * The relay's tie statements seek the ties' and contacts' indexes for every row, whatever statistics Neo4j plans them
 * from: a plan that scanned the TIE(id) index per row stalled imports (TieGraph).
 */
@QuarkusTest
@Anonymous
class TieGraphPlansTest {

    @Inject
    Driver driver;

    @Test
    void everyTieStatementSeeksItsIndexes() {
        assertSeeksOnly(driver, "UPSERT", TieGraph.UPSERT);
        assertSeeksOnly(driver, "UPSERT_BY_NODE", TieGraph.UPSERT_BY_NODE);
        assertTrue(GraphPlans.operators(driver, TieGraph.UPSERT_BY_NODE).stream().anyMatch(o -> o.contains("NodeByIdSeek")),
                () -> "UPSERT_BY_NODE finds the ends by node id: " + GraphPlans.operators(driver, TieGraph.UPSERT_BY_NODE));
        assertSeeksOnly(driver, "DELETE", TieGraph.DELETE);
    }
}
