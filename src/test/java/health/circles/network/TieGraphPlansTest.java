package health.circles.network;

import static health.circles.GraphPlans.assertSeeksOnly;

import health.circles.Anonymous;
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
        assertSeeksOnly(driver, "DELETE", TieGraph.DELETE);
    }
}
