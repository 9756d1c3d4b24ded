package health.circles.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/**
 * Dates and times are taken from the first day of 1900 to the last of 2200 (UTC), whatever their type or size; text
 * without what no store, no XML and no person has (NUL, controls, lone surrogates, noncharacters).
 */
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

    @Test
    void noncharactersOfEveryPlaneAreRefusedInNamesAndInFreeText() {
        for (String text : new String[] {"Ana\uFFFF", "\uFFFEAna", "A\uFDD0na", "Ana\uFDEF",
                "Ana" + Character.toString(0x1FFFE), "Ana" + Character.toString(0x10FFFF)}) {
            for (boolean freeText : new boolean[] {false, true}) {
                String problem = InputRules.textProblem(text, freeText);
                assertNotNull(problem, text.codePoints().mapToObj(Integer::toHexString).toList().toString());
                assertTrue(problem.contains("noncharacter"), problem);
            }
        }
    }

    @Test
    void theCharactersBesideTheNoncharactersAreText() {
        for (String text : new String[] {"\uFDCF", "\uFDF0", "\uFFFD", "\uFFFC", Character.toString(0x1FFFD),
                Character.toString(0x20000), "\u00E9\u4E2D\uD83D\uDE00"}) {
            assertNull(InputRules.textProblem("Ana " + text, false), text);
        }
    }

    @Test
    void scrubbedTextHoldsNoNoncharacter() {
        assertEquals("Ana\uFFFD\uFFFD", InputRules.scrub("Ana\uFFFF" + Character.toString(0x2FFFE)));
    }

    @Test
    void aCursorKeyStoredBeforeNoncharactersWereRefusedStillPages() {
        String key = "Ana\uFFFF";
        Cursor cursor = new Cursor(key, new java.util.UUID(0, 1));
        assertEquals(key, Cursor.decode(cursor.encode()).key());
    }
}
