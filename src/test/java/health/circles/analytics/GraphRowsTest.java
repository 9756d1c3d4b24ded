package health.circles.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A run sends the graph only the nodes whose community ids differ from what they hold. */
class GraphRowsTest {

    private static AlgorithmGraph.NodeResult node(String id, long[] written) {
        return new AlgorithmGraph.NodeResult(id, "PATIENT", 0.1, 0, 1, 1, new long[] {7, 3}, written);
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
    void aSteadyGraphWritesNothing() {
        List<AlgorithmGraph.NodeResult> nodes = List.of(node("a", new long[] {1, 2}), node("b", new long[] {1, 5}));

        assertEquals(List.of(), SnapshotStore.graphRows(nodes, new long[][] {{1, 2}, {1, 5}}, 2));
    }
}
