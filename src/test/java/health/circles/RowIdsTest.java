package health.circles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RowIdsTest {

    @Test
    void idsAreVersionSevenOrderedByTheMillisecondTheyWereMadeInAndOtherwiseRandom() {
        long start = System.currentTimeMillis();
        Set<UUID> seen = new HashSet<>();
        UUID previous = RowIds.next();
        int sameMillisecond = 0;
        int counted = 0;
        for (int i = 0; i < 100_000; i++) {
            UUID id = RowIds.next();
            assertEquals(7, id.version());
            assertEquals(2, id.variant());
            assertTrue(seen.add(id));
            // PostgreSQL compares uuids byte by byte, unsigned: the leading 48 bits (the time) never go back.
            assertTrue(Long.compareUnsigned(millis(previous), millis(id)) <= 0, previous + " then " + id);
            if (millis(previous) == millis(id)) {
                sameMillisecond++;
                if (id.getLeastSignificantBits() - previous.getLeastSignificantBits() == 1) {
                    counted++;
                }
            }
            previous = id;
        }
        long millis = millis(previous);
        assertTrue(millis >= start && millis <= System.currentTimeMillis(), "the id's time is its creation time");
        assertTrue(sameMillisecond > 1000, "enough ids shared a millisecond to tell: " + sameMillisecond);
        assertEquals(0, counted, "ids of one millisecond are not counted up from each other");
    }

    private static long millis(UUID id) {
        return id.getMostSignificantBits() >>> 16;
    }
}
