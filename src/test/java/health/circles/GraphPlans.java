package health.circles;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Driver;
import org.neo4j.driver.summary.Plan;

/** The plans Neo4j makes for the service's graph statements, read with EXPLAIN (nothing is executed). */
public final class GraphPlans {

    private GraphPlans() {
    }

    /** Every operator of the statement's plan, as Neo4j names it, with its details. */
    public static List<String> operators(Driver driver, String cypher) {
        try (var session = driver.session()) {
            Plan plan = session.run("EXPLAIN " + cypher, Map.of("rows", List.of())).consume().plan();
            List<String> operators = new ArrayList<>();
            collect(plan, operators);
            return operators;
        }
    }

    /**
     * The statement finds what each row names by seeking an index, never by scanning an index, a label, a type or
     * the whole store: a scan per row of a batch is quadratic in the graph's size.
     */
    public static void assertSeeksOnly(Driver driver, String name, String cypher) {
        List<String> operators = operators(driver, cypher);
        assertTrue(operators.stream().anyMatch(o -> o.contains("IndexSeek")), name + " seeks an index: " + operators);
        assertTrue(operators.stream().noneMatch(o -> o.split("@")[0].contains("Scan")),
                name + " scans nothing: " + operators);
    }

    private static void collect(Plan plan, List<String> into) {
        into.add(plan.operatorType() + " " + plan.arguments().getOrDefault("Details", org.neo4j.driver.Values.value(""))
                .asString());
        for (Plan child : plan.children()) {
            collect(child, into);
        }
    }
}
