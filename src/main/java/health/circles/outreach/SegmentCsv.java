package health.circles.outreach;

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

/**
 * Segment members as CSV (RFC 4180), one contact per row, with the fields the caller's view holds. Cells that a
 * spreadsheet would run as a formula are prefixed with an apostrophe.
 */
@Provider
@Produces(SegmentCsv.MEDIA_TYPE)
public class SegmentCsv implements MessageBodyWriter<SegmentMembers> {

    public static final String MEDIA_TYPE = "text/csv";

    static final List<String> HEADER = List.of("id", "kind", "displayName", "email", "phone", "postalCode", "city",
            "languages", "tags", "consent", "doNotContact");

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
        w.write(String.join(",", HEADER));
        w.write("\r\n");
        for (ContactView c : members.items()) {
            ContactView.ConsentView consent = c.consent().get(members.channel());
            List<String> cells = List.of(c.id().toString(), c.kind().name(), text(c.displayName()), text(c.email()),
                    text(c.phone()), text(c.postalCode()), text(c.city()), String.join("|", c.languages()),
                    String.join("|", c.tags()), consent == null ? "UNKNOWN" : consent.status().name(),
                    Boolean.toString(c.doNotContact()));
            for (int i = 0; i < cells.size(); i++) {
                if (i > 0) {
                    w.write(',');
                }
                w.write(cell(cells.get(i)));
            }
            w.write("\r\n");
        }
        w.flush();
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }

    static String cell(String value) {
        String v = value;
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
            v = "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }
}
