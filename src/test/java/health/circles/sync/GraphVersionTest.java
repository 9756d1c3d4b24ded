package health.circles.sync;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** When a copy of the graph read at one version may answer for another, and when it is behind for good. */
class GraphVersionTest {

    private static final Instant REBUILT = Instant.parse("2026-11-30T10:00:00Z");
    private static final LocalDate DAY = LocalDate.of(2026, 11, 30);

    @Test
    void aCopyCoversItsOwnAndEarlierPositionsOfTheSameRebuild() {
        GraphVersion copy = new GraphVersion(100, REBUILT, DAY);
        assertTrue(copy.covers(new GraphVersion(100, REBUILT, DAY)));
        assertTrue(copy.covers(new GraphVersion(99, REBUILT, DAY.plusDays(1))), "the day is not a change");
        assertFalse(copy.covers(new GraphVersion(101, REBUILT, DAY)));
        assertFalse(copy.covers(new GraphVersion(100, REBUILT.plusSeconds(1), DAY)), "a later rebuild");
        assertFalse(copy.covers(new GraphVersion(100, null, DAY)), "read before any rebuild finished");
        assertFalse(new GraphVersion(100, null, DAY).covers(new GraphVersion(100, REBUILT, DAY)));
        assertTrue(new GraphVersion(0, null, DAY).covers(new GraphVersion(0, null, DAY)));
    }

    @Test
    void aCopyIsBehindALaterPositionOrRebuildButNotAnEarlierOne() {
        GraphVersion copy = new GraphVersion(100, REBUILT, DAY);
        assertTrue(copy.behind(new GraphVersion(101, REBUILT, DAY)));
        assertTrue(copy.behind(new GraphVersion(100, REBUILT.plusSeconds(1), DAY)));
        assertTrue(new GraphVersion(100, null, DAY).behind(new GraphVersion(100, REBUILT, DAY)));
        assertFalse(copy.behind(new GraphVersion(99, REBUILT, DAY)), "a question that read the version just before");
        assertFalse(copy.behind(new GraphVersion(100, null, DAY)));
        assertFalse(copy.behind(new GraphVersion(100, REBUILT.minusSeconds(1), DAY)));
        assertFalse(copy.behind(copy));
    }

    @Test
    void batchesAppliedBehindTheHighestPositionAndRepairsCountAsChanges() {
        GraphVersion copy = new GraphVersion(100, REBUILT, DAY, 7, null);
        assertFalse(copy.covers(new GraphVersion(100, REBUILT, DAY, 8, null)), "a batch applied behind position 100");
        assertTrue(copy.behind(new GraphVersion(100, REBUILT, DAY, 8, null)));
        assertTrue(copy.covers(new GraphVersion(100, REBUILT, DAY, 6, null)), "a question that read the count first");
        assertFalse(copy.behind(new GraphVersion(100, REBUILT, DAY, 6, null)));
        Instant repaired = REBUILT.plusSeconds(60);
        assertFalse(copy.covers(new GraphVersion(100, REBUILT, DAY, 7, repaired)), "a reconcile repaired the graph");
        assertTrue(copy.behind(new GraphVersion(100, REBUILT, DAY, 7, repaired)));
        GraphVersion afterRepair = new GraphVersion(100, REBUILT, DAY, 7, repaired);
        assertFalse(afterRepair.behind(new GraphVersion(100, REBUILT, DAY, 7, repaired)));
        assertFalse(afterRepair.behind(new GraphVersion(100, REBUILT, DAY, 7, REBUILT)), "an older repair");
    }
}
