package health.circles.outreach;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import health.circles.contact.Channel;
import health.circles.contact.ContactView;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

/**
 * Segment members as CSV (RFC 4180), one contact per row, with the fields the caller's view holds, every cell quoted.
 * Text that a spreadsheet would run as a formula is defused with an apostrophe: at the start of a cell, and after a
 * semicolon or comma, where a spreadsheet that splits on another separator than ours (Excel in most of Europe splits
 * on ';') would start a cell of its own.
 */
@Provider
@Produces(SegmentCsv.MEDIA_TYPE)
public class SegmentCsv implements MessageBodyWriter<SegmentMembers> {

    public static final String MEDIA_TYPE = "text/csv";

    static final List<String> HEADER = List.of("id", "kind", "displayName", "email", "phone", "postalCode", "city",
            "languages", "tags", "consent", "doNotContact");

    /**
     * Every cell quoted, the empty ones too: a quoted cell is text to every reader that honours quotes, whatever it
     * would make of the same characters bare. Jackson closes nothing: the stream is the container's.
     */
    private static final CsvMapper CSV = CsvMapper.builder()
            .enable(CsvGenerator.Feature.ALWAYS_QUOTE_STRINGS)
            .enable(CsvGenerator.Feature.ALWAYS_QUOTE_EMPTY_STRINGS)
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();
    /** Rows of cells by position; the header is written as the first row, so that an empty segment still has it. */
    private static final CsvSchema ROWS = CsvSchema.emptySchema().withLineSeparator("\r\n");

    /** What starts a formula (or, for tab and carriage return, what some spreadsheets skip before one). */
    private static final String FORMULA_START = "=+-@\t\r";
    /** Where a reader splitting on another separator, or on lines, would start a new cell. */
    private static final String CELL_BREAKS = ";,\t\r\n";

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return SegmentMembers.class.isAssignableFrom(type) && mediaType.getType().equals("text")
                && mediaType.getSubtype().equals("csv");
    }

    @Override
    public void writeTo(SegmentMembers members, Class<?> type, Type genericType, Annotation[] annotations,
                        MediaType mediaType, MultivaluedMap<String, Object> headers, OutputStream out)
            throws IOException, WebApplicationException {
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        try (SequenceWriter rows = CSV.writer(ROWS).writeValues(w)) {
            rows.write(HEADER);
            for (ContactView c : members.items()) {
                rows.write(row(c, members.channel()));
            }
        }
        w.flush();
    }

    /** One contact's cells, in the order of {@link #HEADER}, each defused. */
    static List<String> row(ContactView c, Channel channel) {
        ContactView.ConsentView consent = c.consent().get(channel);
        return Stream.of(c.id().toString(), c.kind().name(), text(c.displayName()), text(c.email()),
                text(c.phone()), text(c.postalCode()), text(c.city()), String.join("|", c.languages()),
                String.join("|", c.tags()), consent == null ? "UNKNOWN" : consent.status().name(),
                Boolean.toString(c.doNotContact())).map(SegmentCsv::cell).toList();
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }

    /**
     * The cell's text, defused (quoting is the writer's): an apostrophe before a leading formula character, and after
     * every semicolon or comma (or line break) that spaces and a formula character follow, which begins a cell
     * wherever the text is split there. "Smith; =1+1" becomes "Smith;' =1+1".
     */
    static String cell(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2);
        if (startsFormula(value, 0)) {
            out.append('\'');
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            out.append(c);
            if (CELL_BREAKS.indexOf(c) >= 0 && startsFormula(value, i + 1)) {
                out.append('\'');
            }
        }
        return out.toString();
    }

    /** Whether a cell beginning at {@code from} would be a formula: a formula character, perhaps after spaces. */
    private static boolean startsFormula(String value, int from) {
        int i = from;
        while (i < value.length() && value.charAt(i) == ' ') {
            i++;
        }
        return i < value.length() && FORMULA_START.indexOf(value.charAt(i)) >= 0;
    }
}
