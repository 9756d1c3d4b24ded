package health.circles.outreach;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import health.circles.failure.RuleRefused;
import health.circles.sync.GraphVersion;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Where a seed request's target lands on the influence graph, and what the caller is told when it lands nowhere. */
class SeedPlacementTest {

    private static final UUID A = new UUID(0, 1);
    private static final UUID B = new UUID(0, 2);
    private static final UUID ABSENT = new UUID(0, 3);

    @Test
    void theNetworkOnAnEmptyGraphSaysTheGraphIsNotFilledYet() {
        RuleRefused refused = assertThrows(RuleRefused.class,
                () -> SeedService.place(graph(), target(null), new SeedService.Trace()));
        assertEquals("empty-target", refused.code());
        assertEquals("The graph holds no contacts yet; retry once the contacts written have reached it",
                refused.detail());
    }

    @Test
    void anEmptyListIsAnEmptyTarget() {
        RuleRefused refused = assertThrows(RuleRefused.class,
                () -> SeedService.place(graph(A, B), target(List.of()), new SeedService.Trace()));
        assertEquals("The target has no contacts", refused.detail());
    }

    @Test
    void contactsNoneOfWhichIsInTheGraphAreNamedAsSuch() {
        RuleRefused refused = assertThrows(RuleRefused.class,
                () -> SeedService.place(graph(A, B), target(List.of(ABSENT)), new SeedService.Trace()));
        assertEquals("None of the target's 1 contacts is in the graph yet; retry once the graph has them",
                refused.detail());
    }

    @Test
    void theNetworkIsEveryNodeAndAListOnlyItsContactsInTheGraph() {
        InfluenceGraph g = graph(A, B);
        SeedService.Placed network = SeedService.place(g, target(null), new SeedService.Trace());
        assertArrayEquals(new int[] {0, 1}, network.nodes());
        assertEquals(2, network.size());

        SeedService.Placed some = SeedService.place(g, target(List.of(B, ABSENT, B)), new SeedService.Trace());
        assertArrayEquals(new int[] {g.node(B)}, some.nodes());
        assertEquals(3, some.size());
        assertEquals(1, some.notInGraph());
    }

    private static SeedService.Target target(List<UUID> members) {
        return new SeedService.Target(members == null ? "NETWORK" : "CONTACTS", null, null, null, members);
    }

    /** Contacts without ties. */
    private static InfluenceGraph graph(UUID... contacts) {
        Map<UUID, StoredTies.Out> none = new HashMap<>();
        for (UUID id : contacts) {
            none.put(id, new StoredTies.Out(new UUID[0], new byte[0], new float[0]));
        }
        return StoredTies.EMPTY.with(contacts, none)
                .graph(new GraphVersion(0, null, LocalDate.now()), Instant.now(), 0, InfluenceGraph.Read.FULL, 0);
    }
}
