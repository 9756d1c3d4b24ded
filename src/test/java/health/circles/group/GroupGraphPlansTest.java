package health.circles.group;

import static health.circles.GraphPlans.assertSeeksOnly;

import health.circles.Anonymous;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;

/** The relay's group statements seek their indexes for every row, as the tie statements do (TieGraphPlansTest). */
@QuarkusTest
@Anonymous
class GroupGraphPlansTest {

    @Inject
    Driver driver;

    @Test
    void everyGroupStatementSeeksItsIndexes() {
        assertSeeksOnly(driver, "UPSERT", GroupGraph.UPSERT);
        assertSeeksOnly(driver, "DELETE", GroupGraph.DELETE);
        assertSeeksOnly(driver, "UPDATE_MEMBERS", GroupGraph.UPDATE_MEMBERS);
        assertSeeksOnly(driver, "CREATE_MEMBERS", GroupGraph.CREATE_MEMBERS);
        assertSeeksOnly(driver, "DELETE_MEMBERS", GroupGraph.DELETE_MEMBERS);
    }
}
