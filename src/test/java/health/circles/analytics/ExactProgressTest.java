package health.circles.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExactProgressTest {

    @Test
    void gdsProgressTextReadsAsAPercentOrNothing() {
        assertEquals(12.34, ExactProgress.percent("12.34%"));
        assertEquals(0.0, ExactProgress.percent(" 0.00% "));
        assertEquals(100.0, ExactProgress.percent("100%"));
        assertNull(ExactProgress.percent("n/a"));
        assertNull(ExactProgress.percent(null));
        assertNull(ExactProgress.percent("%"));
        assertNull(ExactProgress.percent("abc%"));
        assertNull(ExactProgress.percent("-1%"));
        assertNull(ExactProgress.percent("NaN%"));
        assertNull(ExactProgress.percent("Infinity%"));
        assertNull(ExactProgress.percent("1e999%"));
        assertNull(ExactProgress.percent("12\u0000%"));
    }

    @Test
    void theEndIsEstimatedFromThePaceSoFar() {
        Instant now = Instant.parse("2026-12-06T05:00:00Z");
        ExactProgress quarter = ExactProgress.of(25.0, now, Duration.ofMinutes(30));
        assertEquals(Instant.parse("2026-12-06T04:30:00Z"), quarter.startedAt());
        assertEquals(Instant.parse("2026-12-06T06:30:00Z"), quarter.estimatedEndAt(), "four times the half hour taken");
        assertEquals(25.0, quarter.percent());

        ExactProgress barelyBegun = ExactProgress.of(0.001, now, Duration.ofSeconds(3));
        assertNull(barelyBegun.estimatedEndAt(), "too early to tell");
        assertEquals(Instant.parse("2026-12-06T04:59:57Z"), barelyBegun.startedAt());
        ExactProgress unknown = ExactProgress.of(null, now, Duration.ofSeconds(3));
        assertNull(unknown.percent());
        assertNull(unknown.estimatedEndAt());
        assertEquals(now, ExactProgress.of(100.0, now, Duration.ofHours(2)).estimatedEndAt(), "done: now");
        assertEquals(now, ExactProgress.of(150.0, now, Duration.ofHours(2)).estimatedEndAt(), "never past 100 %");
    }
}
