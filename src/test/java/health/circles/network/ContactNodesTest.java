package health.circles.network;

import static health.circles.Fixtures.contact;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.contact.ContactNodes;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A tie's write finds its ends by the node ids their contacts' writes returned (ContactNodes), and only trusts a hint
 * whose node is that contact: a wrong, stale or missing hint still joins the right two contacts, or fails as a tie
 * whose end is missing.
 */
@QuarkusTest
@AsRole("admin")
class ContactNodesTest {

    @Inject
    GraphProbe graph;

    @Inject
    ContactNodes nodes;

    @Inject
    TieGraph ties;

    private long nodeOf(String contactId) {
        return graph.count("MATCH (c:Contact {id: $id}) RETURN id(c)", Map.of("id", contactId));
    }

    private static Map<String, Object> tie(String id, String from, String to) {
        Map<String, Object> row = new HashMap<>(Map.of("id", id, "from", from, "to", to, "type", "FRIEND_OF",
                "symmetric", true, "strength", 0.4, "version", 1L));
        row.put("since", null);
        row.put("until", null);
        return row;
    }

    private void assertJoins(String tieId, String from, String to) {
        Map<String, Object> edge = graph.edge(tieId);
        assertEquals(from, edge.get("from"));
        assertEquals(to, edge.get("to"));
        assertEquals(1L, graph.count("MATCH ()-[t:TIE {id: $id}]->() RETURN count(t)", Map.of("id", tieId)));
    }

    @Test
    void theRelayRemembersWhereItWroteEachContact() {
        String a = contact().patient().create().id();
        graph.caughtUp();
        assertEquals(nodeOf(a), nodes.find(a));
        assertEquals(ContactNodes.UNKNOWN, nodes.find(UUID.randomUUID().toString()));
    }

    @Test
    void aTieJoinsItsContactsByTheirHints() {
        String a = contact().patient().create().id();
        String b = contact().caregiver().create().id();
        graph.caughtUp();
        String id = UUID.randomUUID().toString();
        graph.apply(ties, TieGraph.UPSERTED, List.of(tie(id, a, b)));
        assertJoins(id, a, b);
    }

    @Test
    void aWrongHintIsNotTrustedAndTheTieJoinsTheRightContacts() {
        String a = contact().patient().create().id();
        String b = contact().caregiver().create().id();
        String c = contact().patient().create().id();
        graph.caughtUp();
        // a's hint names c's node (as after a rebuild renumbered the nodes), b's a node that is not there.
        nodes.remember(a, nodeOf(c));
        nodes.remember(b, 987_654_321L);
        String id = UUID.randomUUID().toString();
        graph.apply(ties, TieGraph.UPSERTED, List.of(tie(id, a, b)));
        assertJoins(id, a, b);
        assertEquals(0L, graph.count("MATCH (:Contact {id: $id})-[t:TIE]-() RETURN count(t)", Map.of("id", c)));
    }

    @Test
    void aTieWhoseEndIsMissingFailsWhateverItsHintSays() {
        String a = contact().patient().create().id();
        String other = contact().patient().create().id();
        graph.caughtUp();
        String absent = UUID.randomUUID().toString();
        nodes.remember(absent, nodeOf(other)); // a hint to a real node of another contact
        String id = UUID.randomUUID().toString();
        var failure = assertThrows(TieGraph.MissingEndException.class,
                () -> graph.apply(ties, TieGraph.UPSERTED, List.of(tie(id, a, absent))));
        assertTrue(failure.getMessage().contains(id), failure.getMessage());
        assertEquals(0L, graph.count("MATCH ()-[t:TIE {id: $id}]->() RETURN count(t)", Map.of("id", id)));
    }

    @Test
    void aBatchMixesHintedAndUnhintedRowsAndRelayingItAgainChangesNothing() {
        String a = contact().patient().create().id();
        String b = contact().caregiver().create().id();
        String c = contact().patient().create().id();
        graph.caughtUp();
        nodes.forget(c); // as for a contact written before this process started
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();
        String third = UUID.randomUUID().toString();
        nodes.remember(b, nodeOf(c)); // wrong for b
        List<Map<String, Object>> batch = List.of(tie(first, a, b), tie(second, b, c), tie(third, c, a));
        graph.apply(ties, TieGraph.UPSERTED, batch);
        graph.apply(ties, TieGraph.UPSERTED, batch);
        assertJoins(first, a, b);
        assertJoins(second, b, c);
        assertJoins(third, c, a);
        assertNotEquals(ContactNodes.UNKNOWN, nodes.find(a));
    }
}
