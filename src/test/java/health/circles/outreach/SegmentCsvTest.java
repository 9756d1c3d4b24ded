package health.circles.outreach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import health.circles.contact.Channel;
import health.circles.contact.ConsentStatus;
import health.circles.contact.ContactKind;
import health.circles.contact.ContactView;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The segment CSV as a spreadsheet would open it: with our comma, and with the semicolon Excel splits on in most of
 * Europe. No cell either way begins a formula.
 */
class SegmentCsvTest {

    private static final String FORMULA = "=+-@";

    @Test
    void aLeadingFormulaCharacterGetsAnApostrophe() {
        assertEquals("'=HYPERLINK(1)", SegmentCsv.cell("=HYPERLINK(1)"));
        assertEquals("'+1 555 0100", SegmentCsv.cell("+1 555 0100"));
        assertEquals("' @SUM(A1)", SegmentCsv.cell(" @SUM(A1)"));
        assertEquals("Ana Lima", SegmentCsv.cell("Ana Lima"));
        assertEquals("", SegmentCsv.cell(""));
    }

    @Test
    void aFormulaAfterASemicolonOrCommaIsDefusedToo() {
        assertEquals("x;'=HYPERLINK(\"http://evil.example\")", SegmentCsv.cell("x;=HYPERLINK(\"http://evil.example\")"));
        assertEquals("Lima;'  -2+3", SegmentCsv.cell("Lima;  -2+3"));
        assertEquals("Lima,'=1", SegmentCsv.cell("Lima,=1"));
        assertEquals("Lima; Ana", SegmentCsv.cell("Lima; Ana"));
        assertEquals("a-b=c", SegmentCsv.cell("a-b=c"));
    }

    @Test
    void everyCellIsQuotedAndNoCellStartsAFormulaWhereverTheLineIsSplit() throws IOException {
        String csv = write(contact("x;=HYPERLINK(\"http://evil.example\",\"Click\")", "=cmd|' /C calc'!A0",
                "+1 555 0100", "Comma, Quote\""), contact("Ana Lima", null, null, ""));
        List<String> lines = List.of(csv.split("\r\n"));
        assertEquals(3, lines.size(), csv);
        assertEquals("\"id\",\"kind\",\"displayName\",\"email\",\"phone\",\"postalCode\",\"city\",\"languages\",\"tags\","
                + "\"consent\",\"doNotContact\"", lines.get(0));
        for (String line : lines) {
            for (String separator : List.of(",", ";")) {
                // Split as a reader that ignores quotes would; a quoted "=1" is still a formula to Excel.
                for (String piece : line.split(separator, -1)) {
                    String bare = piece.replaceFirst("^[\" ]+", "");
                    assertFalse(!bare.isEmpty() && FORMULA.indexOf(bare.charAt(0)) >= 0,
                            "a cell split on '" + separator + "' starts a formula: " + piece + " in " + line);
                }
            }
        }
        // Read back as RFC 4180: the text is all there, each cell quoted, the formulas behind an apostrophe.
        List<List<String>> rows = read(csv);
        assertEquals(List.of("x;'=HYPERLINK(\"http://evil.example\",\"Click\")", "'=cmd|' /C calc'!A0",
                "'+1 555 0100", "90110", "Comma, Quote\""), rows.get(1).subList(2, 7));
        assertEquals("", rows.get(2).get(6));
        assertTrue(lines.stream().allMatch(l -> l.startsWith("\"") && l.endsWith("\"")), csv);
    }

    @Test
    void anEmptySegmentStillHasItsHeader() throws IOException {
        assertEquals(List.of(SegmentCsv.HEADER), read(write()));
    }

    private static ContactView contact(String displayName, String email, String phone, String city) {
        return new ContactView(UUID.randomUUID(), ContactKind.PATIENT, null, null, null, displayName, email, phone,
                "90110", city, List.of("es", "en"), List.of(), List.of("=tag"),
                Map.of(Channel.EMAIL, new ContactView.ConsentView(ConsentStatus.GRANTED, Instant.EPOCH, "form")), false,
                null, Instant.EPOCH, Instant.EPOCH, 1);
    }

    private static String write(ContactView... contacts) throws IOException {
        SegmentMembers members = new SegmentMembers(Channel.EMAIL, false, contacts.length, null, List.of(contacts),
                null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new SegmentCsv().writeTo(members, SegmentMembers.class, SegmentMembers.class, null, null, null, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static List<List<String>> read(String csv) throws IOException {
        CsvMapper mapper = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);
        try (MappingIterator<List<String>> rows = mapper.readerForListOf(String.class).readValues(csv)) {
            return rows.readAll();
        }
    }
}
