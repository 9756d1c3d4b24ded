package health.circles.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A snapshot's two parts meet by contact: the communities streamed beside betweenness and the scores streamed after it
 * come from the same projection, in whatever order each stream gives.
 */
class SnapshotPartsTest {

    private static AlgorithmGraph.NodeResult node(String id, double betweenness, long... levels) {
        return new AlgorithmGraph.NodeResult(id, "PATIENT", 0.1, betweenness, 1, 1, levels, null, 0);
    }

    @Test
    void scoresArePutInTheOrderOfTheCommunitiesPart() {
        List<AlgorithmGraph.NodeResult> communities = List.of(node("a", Double.NaN, 1, 5), node("b", Double.NaN, 2, 5),
                node("c", Double.NaN, 2, 6));
        List<AlgorithmGraph.NodeResult> scored = List.of(node("c", 3.0, 2, 6), node("a", 1.0, 1, 5),
                node("b", 2.0, 2, 5));

        List<AlgorithmGraph.NodeResult> sorted = SnapshotStore.inOrderOf(communities, scored);

        assertEquals(List.of("a", "b", "c"), sorted.stream().map(AlgorithmGraph.NodeResult::id).toList());
        assertEquals(List.of(1.0, 2.0, 3.0), sorted.stream().map(AlgorithmGraph.NodeResult::betweenness).toList());
    }

    @Test
    void aContactMissingOrInOtherCommunitiesIsAFault() {
        List<AlgorithmGraph.NodeResult> communities = List.of(node("a", Double.NaN, 1), node("b", Double.NaN, 2));

        assertThrows(IllegalStateException.class,
                () -> SnapshotStore.inOrderOf(communities, List.of(node("a", 1.0, 1))));
        assertThrows(IllegalStateException.class,
                () -> SnapshotStore.inOrderOf(communities, List.of(node("a", 1.0, 1), node("c", 1.0, 2))));
        assertThrows(IllegalStateException.class,
                () -> SnapshotStore.inOrderOf(communities, List.of(node("a", 1.0, 1), node("b", 1.0, 3))));
    }
}
