package health.circles.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** Dates and times are taken from the first day of 1900 to the last of 2200 (UTC), whatever their type or size. */
class InputRulesTest {

    @Test
    void timesAtTheEndsOfWhatJavaHoldsAreOutOfRangeNotAFailure() {
        for (Object far : new Object[] {Instant.MAX, Instant.MIN, OffsetDateTime.MAX, OffsetDateTime.MIN,
                LocalDate.MAX, LocalDate.MIN, LocalDateTime.MAX, LocalDateTime.MIN,
                ZonedDateTime.of(LocalDateTime.MAX, ZoneOffset.MIN), ZonedDateTime.of(LocalDateTime.MIN, ZoneOffset.MAX),
                Instant.parse("+1000000000-12-31T23:59:59.999999999Z")}) {
            assertEquals(InputRules.DATE_RANGE, InputRules.dateProblem(far), far.toString());
        }
    }

    @Test
    void theRangeRunsFromTheFirstInstantOf1900ToTheLastOf2200InUtc() {
        assertNull(InputRules.dateProblem(Instant.parse("1900-01-01T00:00:00Z")));
        assertEquals(InputRules.DATE_RANGE, InputRules.dateProblem(Instant.parse("1899-12-31T23:59:59.999Z")));
        assertNull(InputRules.dateProblem(Instant.parse("2200-12-31T23:59:59.999999999Z")));
        assertEquals(InputRules.DATE_RANGE, InputRules.dateProblem(Instant.parse("2201-01-01T00:00:00Z")));
        // An offset counts by the instant it names: 2201-01-01T00:30+01:00 is still 2200 in UTC.
        assertNull(InputRules.dateProblem(OffsetDateTime.parse("2201-01-01T00:30:00+01:00")));
        assertEquals(InputRules.DATE_RANGE,
                InputRules.dateProblem(ZonedDateTime.of(1900, 1, 1, 0, 30, 0, 0, ZoneId.of("+01:00"))));
        assertNull(InputRules.dateProblem(LocalDate.of(1900, 1, 1)));
        assertNull(InputRules.dateProblem(LocalDate.of(2200, 12, 31)));
        assertEquals(InputRules.DATE_RANGE, InputRules.dateProblem(LocalDate.of(2201, 1, 1)));
        assertNull(InputRules.dateProblem("not a date"));
    }

    @Test
    void aQueryParameterBeyondJavasDatesIsA400NamingIt() {
        ApiProblem problem = org.junit.jupiter.api.Assertions.assertThrows(ApiProblem.class,
                () -> QueryParams.instant("from", "+1000000000-12-31T23:59:59.999999999Z"));
        assertEquals(400, problem.status());
    }
}
