package health.circles.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The deliverer's rounds: one owner's slow subscriptions take about {@link WebhookDeliverer#OWNER_BUDGET} of a round,
 * not their number times the request timeout, and none of them starves behind its siblings. Time is the test's: each
 * turn moves a clock on by as long as a slow target would take.
 */
class WebhookRoundTest {

    private static final long SLOW = Duration.ofSeconds(6).toNanos();

    @Test
    void onceAnOwnersBudgetIsSpentTheirOtherSubscriptionsWaitForTheNextRound() {
        List<WebhookStore.Subscription> due = List.of(sub("a", "a1"), sub("a", "a2"), sub("a", "a3"),
                sub("a", "a4"), sub("a", "a5"), sub("b", "b1"));
        List<String> took = new ArrayList<>();
        long[] now = {0};
        boolean progress = WebhookDeliverer.round(due, 0, () -> now[0], () -> false, (s, deadline) -> {
            took.add(s.description());
            now[0] += SLOW;
            return true;
        });
        assertTrue(progress);
        // Owners take turns: a1 (a has spent 6 s), b1, a2 (12 s: a's budget is spent), and a3 to a5 wait.
        assertEquals(List.of("a1", "b1", "a2"), took);
    }

    @Test
    void aTurnEndsWhereItsOwnersBudgetDoes() {
        List<WebhookStore.Subscription> due = List.of(sub("a", "a1"), sub("a", "a2"));
        List<Long> deadlines = new ArrayList<>();
        long[] now = {0};
        WebhookDeliverer.round(due, 0, () -> now[0], () -> false, (s, deadline) -> {
            deadlines.add(deadline);
            now[0] += Duration.ofSeconds(4).toNanos();
            return false;
        });
        long budget = WebhookDeliverer.OWNER_BUDGET.toNanos();
        assertEquals(List.of(budget, budget), deadlines, "the second starts at 4 s with 6 s of the owner's 10 left");
    }

    @Test
    void eachOfAnOwnersSubscriptionsGoesFirstInTurn() {
        List<WebhookStore.Subscription> due = List.of(sub("a", "a1"), sub("a", "a2"), sub("a", "a3"),
                sub("a", "a4"), sub("a", "a5"), sub("b", "b1"));
        List<String> first = new ArrayList<>();
        Set<String> served = new HashSet<>();
        for (long round = 0; round < 5; round++) {
            long[] now = {0};
            List<String> took = new ArrayList<>();
            WebhookDeliverer.round(due, round, () -> now[0], () -> false, (s, deadline) -> {
                took.add(s.description());
                now[0] += SLOW;
                return true;
            });
            first.add(took.get(0));
            served.addAll(took);
        }
        assertEquals(List.of("a1", "a2", "a3", "a4", "a5"), first);
        assertEquals(Set.of("a1", "a2", "a3", "a4", "a5", "b1"), served, "none starves");
        assertEquals(List.of("a3", "b1", "a4", "a5", "a1", "a2"),
                WebhookDeliverer.inTurn(due, 7).stream().map(WebhookStore.Subscription::description).toList());
    }

    @Test
    void aTurnThatFailsDoesNotStopTheRoundAndStoppingDoes() {
        List<WebhookStore.Subscription> due = List.of(sub("a", "a1"), sub("b", "b1"), sub("c", "c1"));
        List<String> took = new ArrayList<>();
        boolean[] stop = {false};
        WebhookDeliverer.round(due, 0, () -> 0L, () -> stop[0], (s, deadline) -> {
            took.add(s.description());
            if (s.description().equals("a1")) {
                throw new IllegalStateException("a store hiccup");
            }
            stop[0] = true;
            return true;
        });
        assertEquals(List.of("a1", "b1"), took);
    }

    private static WebhookStore.Subscription sub(String owner, String label) {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        return new WebhookStore.Subscription(UUID.randomUUID(), owner, List.of("integration"),
                "https://93.184.215.14/" + label, List.of("*"), label, false, true, null, null, "whsec_x", null, null,
                0, 0, null, t, t, 1);
    }
}
