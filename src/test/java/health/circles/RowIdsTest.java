package health.circles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RowIdsTest {

    @Test
    void idsAreVersionSevenAndGrowInTheOrderTheyWereMade() {
        UUID before = RowIds.next();
        long start = System.currentTimeMillis();
        Set<UUID> seen = new HashSet<>();
        UUID previous = before;
        for (int i = 0; i < 100_000; i++) {
            UUID id = RowIds.next();
            assertEquals(7, id.version());
            assertEquals(2, id.variant());
            // PostgreSQL compares uuids byte by byte, unsigned: the order of the index the id lands in.
            assertTrue(compareUnsigned(previous, id) < 0, previous + " then " + id);
            assertTrue(seen.add(id));
            previous = id;
        }
        long millis = previous.getMostSignificantBits() >>> 16;
        assertTrue(millis >= start - 1 && millis <= System.currentTimeMillis(), "the id's time is its creation time");
    }

    private static int compareUnsigned(UUID a, UUID b) {
        int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return high != 0 ? high : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    }
}
