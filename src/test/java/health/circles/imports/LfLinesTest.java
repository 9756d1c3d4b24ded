package health.circles.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

/** The import file scrub cuts rows where the importer does: at line feeds only. */
class LfLinesTest {

    @Test
    void aCarriageReturnIsPartOfItsLineAndACrLfEndingIsKept() throws IOException {
        try (ImportErasure.LfLines lines = new ImportErasure.LfLines(new StringReader("a\r\nb\rc\n\n{}\nlast"))) {
            assertEquals("a\r", lines.next());
            assertTrue(lines.endedWithLineFeed());
            assertEquals("b\rc", lines.next());
            assertEquals("", lines.next());
            assertEquals("{}", lines.next());
            assertTrue(lines.endedWithLineFeed());
            assertEquals("last", lines.next());
            assertFalse(lines.endedWithLineFeed(), "the text's last line had no line feed");
            assertNull(lines.next());
        }
    }

    @Test
    void linesLongerThanTheBufferAndAnEmptyText() throws IOException {
        String longLine = "x".repeat(200_000);
        try (ImportErasure.LfLines lines = new ImportErasure.LfLines(new StringReader(longLine + "\n" + longLine))) {
            assertEquals(longLine, lines.next());
            assertEquals(longLine, lines.next());
            assertNull(lines.next());
        }
        try (ImportErasure.LfLines lines = new ImportErasure.LfLines(new StringReader(""))) {
            assertNull(lines.next());
        }
    }
}
