package health.circles.analytics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Values;

/** A run sends the graph only the nodes whose community ids differ from what they hold. */
class GraphRowsTest {

    private static AlgorithmGraph.NodeResult node(String id, long[] written) {
        return new AlgorithmGraph.NodeResult(id, "PATIENT", 0.1, 0, 1, 1, new long[] {7, 3}, written, 0);
    }

    @Test
    void onlyNodesHoldingOtherIdsOrNoneAreWritten() {
        List<AlgorithmGraph.NodeResult> nodes = List.of(
                node("same", new long[] {3, 7}),
                node("none", null),
                node("other coarsest", new long[] {4, 7}),
                node("other finer", new long[] {3, 8}),
                node("fewer levels", new long[] {3}),
                node("more levels", new long[] {3, 7, 9}));
        long[][] ids = new long[nodes.size()][];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = new long[] {3, 7};
        }

        List<Map<String, Object>> rows = SnapshotStore.graphRows(nodes, ids, 2);

        assertEquals(List.of("none", "other coarsest", "other finer", "fewer levels", "more levels"),
                rows.stream().map(r -> r.get("id")).toList());
        assertEquals(Map.of("id", "none", "community", 3L, "levels", List.of(3L, 7L)), rows.get(0));
    }

    @Test
    void whatANodeHoldsIsReadAsTheDriverGivesIt() {
        assertArrayEquals(new long[] {3, 7}, AlgorithmGraph.written(Values.value(3L), Values.value(new long[] {3, 7})));
        assertArrayEquals(new long[] {3, 7}, AlgorithmGraph.written(Values.value(3L), Values.value(List.of(3L, 7L))));
        assertArrayEquals(new long[] {3}, AlgorithmGraph.written(Values.value(3), Values.value(List.of(3))));
        assertNull(AlgorithmGraph.written(Values.NULL, Values.value(List.of(3L, 7L))), "no community");
        assertNull(AlgorithmGraph.written(Values.value(3L), Values.NULL), "no levels");
        assertNull(AlgorithmGraph.written(Values.value(4L), Values.value(List.of(3L, 7L))), "not the coarsest");
        assertNull(AlgorithmGraph.written(Values.value(3L), Values.value(List.of())), "no level");
        assertNull(AlgorithmGraph.written(Values.value(3L), Values.value("3")), "levels not a list");
        assertNull(AlgorithmGraph.written(Values.value("3"), Values.value(List.of(3L))), "community not a number");
        assertNull(AlgorithmGraph.written(Values.value(3L), Values.value(List.of(3L, "7"))), "a level not a number");
        assertNull(AlgorithmGraph.written(Values.value(3L), Values.value(List.of(3L, 7.5))), "a level not whole");
    }

    @Test
    void aSteadyGraphWritesNothing() {
        List<AlgorithmGraph.NodeResult> nodes = List.of(node("a", new long[] {1, 2}), node("b", new long[] {1, 5}));

        assertEquals(List.of(), SnapshotStore.graphRows(nodes, new long[][] {{1, 2}, {1, 5}}, 2));
    }
}
