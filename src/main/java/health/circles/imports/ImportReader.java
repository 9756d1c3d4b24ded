package health.circles.imports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an uploaded file row by row as JSON objects in the NDJSON record shape, whatever its format, with the row
 * number and how far into the file it ends. CSV rows are turned into that shape: lists split on '|', consent columns
 * {@code consent.EMAIL} … into a consent object.
 */
abstract class ImportReader implements Closeable {

    /** A row: its JSON object, or why it could not be read. */
    record Row(long number, long end, ObjectNode node, RowError error) {
    }

    /** The next row, or null at the end of the file. */
    abstract Row next() throws IOException;

    static ImportReader open(Path file, ImportFormat format, String recordType, ObjectMapper json) throws IOException {
        return format == ImportFormat.CSV ? new Csv(file, recordType, json) : new Ndjson(file, json);
    }

    /**
     * Checks a CSV header before a job is created; returns what is wrong with it, or null. Columns must be those of
     * the record type ({@link ImportColumns}); with no type given, a {@code record} column must say it.
     */
    static String checkCsvHeader(List<String> header, String recordType) {
        Set<String> known = new HashSet<>();
        known.add(ImportColumns.RECORD);
        if (recordType == null) {
            if (!header.contains(ImportColumns.RECORD)) {
                return "without ?type=contact|tie|touchpoint the CSV needs a 'record' column";
            }
            known.addAll(ImportColumns.CONTACT_COLUMNS);
            known.addAll(ImportColumns.TIE_COLUMNS);
            known.addAll(ImportColumns.TOUCHPOINT_COLUMNS);
        } else {
            known.addAll(ImportColumns.of(recordType));
        }
        for (String column : header) {
            if (!known.contains(column)) {
                return "unknown column '" + column + "'" + (recordType == null ? "" : " for " + recordType + " rows");
            }
        }
        return null;
    }

    /** One JSON object per line; blank lines are skipped but keep their number. */
    private static final class Ndjson extends ImportReader {

        private final InputStream in;
        private final ObjectMapper json;
        /** What was read from the file and not yet consumed: {@code buffer[position, limit)}. */
        private final byte[] buffer = new byte[1 << 16];
        private int position;
        private int limit;
        private byte[] line = new byte[4096];
        private long offset;
        private long number;

        Ndjson(Path file, ObjectMapper json) throws IOException {
            this.in = Files.newInputStream(file);
            this.json = json;
        }

        @Override
        Row next() throws IOException {
            while (true) {
                int length = 0;
                boolean newline = false;
                // A line is copied out of the buffer a run at a time (up to the newline or the buffer's end): a
                // synchronized read() per byte was 7 % of the service's CPU during an import.
                while (!newline) {
                    if (position == limit && !fill()) {
                        break;
                    }
                    int start = position;
                    while (position < limit && buffer[position] != '\n') {
                        position++;
                    }
                    int run = position - start;
                    if (length + run > line.length) {
                        line = Arrays.copyOf(line, Math.max(line.length * 2, length + run));
                    }
                    System.arraycopy(buffer, start, line, length, run);
                    length += run;
                    if (position < limit) {
                        position++; // the newline
                        newline = true;
                    }
                }
                if (!newline && length == 0) {
                    return null;
                }
                offset += length + (newline ? 1 : 0);
                number++;
                int end = length;
                while (end > 0 && (line[end - 1] == '\r' || line[end - 1] == ' ' || line[end - 1] == '\t')) {
                    end--;
                }
                if (end == 0) {
                    continue;
                }
                try {
                    JsonNode node = json.readTree(line, 0, end);
                    if (node instanceof ObjectNode object) {
                        return new Row(number, offset, object, null);
                    }
                    return new Row(number, offset, null, new RowError(number, null, "a row must be a JSON object"));
                } catch (JsonProcessingException e) {
                    return new Row(number, offset, null, new RowError(number, null,
                            "not well-formed JSON: " + e.getOriginalMessage()));
                }
            }
        }

        /** Reads the next part of the file into the buffer; false at its end. */
        private boolean fill() throws IOException {
            int n = in.read(buffer, 0, buffer.length);
            position = 0;
            limit = Math.max(n, 0);
            return n > 0;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** A header row, then one record per row; the record type from ?type= or a {@code record} column. */
    private static final class Csv extends ImportReader {

        private final MappingIterator<Map<String, String>> rows;
        private final String recordType;
        private final ObjectMapper json;
        private long number;

        Csv(Path file, String recordType, ObjectMapper json) throws IOException {
            CsvMapper csv = new CsvMapper();
            this.rows = csv.readerForMapOf(String.class)
                    .with(CsvSchema.emptySchema().withHeader())
                    .with(CsvParser.Feature.TRIM_SPACES)
                    .readValues(Files.newInputStream(file));
            this.recordType = recordType;
            this.json = json;
        }

        @Override
        Row next() throws IOException {
            Map<String, String> cells;
            try {
                if (!rows.hasNextValue()) {
                    return null;
                }
                cells = rows.nextValue();
            } catch (RuntimeException | JsonProcessingException e) {
                number++;
                throw new Unreadable("CSV row " + number + " cannot be read: " + reason(e), e);
            }
            number++;
            long end = rows.getParser().currentLocation().getCharOffset();
            ObjectNode node = json.createObjectNode();
            String type = recordType;
            for (Map.Entry<String, String> cell : cells.entrySet()) {
                String column = cell.getKey();
                String value = cell.getValue();
                if (value == null || value.isEmpty()) {
                    continue;
                }
                if (column.equals(ImportColumns.RECORD)) {
                    type = value;
                } else if (column.startsWith(ImportColumns.CONSENT_PREFIX)) {
                    ObjectNode consent = node.has("consent") ? (ObjectNode) node.get("consent") : node.putObject("consent");
                    consent.putObject(column.substring(ImportColumns.CONSENT_PREFIX.length())).put("status", value);
                } else if (ImportColumns.LISTS.contains(column)) {
                    ArrayNode list = node.putArray(column);
                    for (String item : ImportColumns.LIST_SPLIT.split(value)) {
                        if (!item.isBlank()) {
                            list.add(item.strip());
                        }
                    }
                } else {
                    node.put(column, value);
                }
            }
            if (type != null) {
                node.put(ImportColumns.RECORD, type);
            }
            return new Row(number, end, node, null);
        }

        @Override
        public void close() throws IOException {
            rows.close();
        }
    }

    /**
     * A file the reader cannot go on with (broken CSV quoting, a row with more cells than the header). Its message is
     * safe to show and to keep on the job: it says where and what, never the cells' content.
     */
    static final class Unreadable extends IOException {
        Unreadable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * What went wrong, without what the row held: the parser's own message, cut before its source excerpt, with quoted
     * values and control characters taken out.
     */
    static String reason(Exception e) {
        String message = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        if (message == null || message.isBlank()) {
            return "malformed CSV";
        }
        String clean = message.replaceAll("(?s)\\s*at \\[Source:.*", "")
                .replaceAll("(?s)\"[^\"]*\"|'[^']*'", "…")
                .replaceAll("\\p{Cntrl}", " ")
                .strip();
        return clean.length() > 200 ? clean.substring(0, 200) + "…" : clean;
    }

    static String firstLine(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            StringBuilder out = new StringBuilder();
            byte[] buffer = new byte[8192];
            int n = in.read(buffer);
            if (n <= 0) {
                return "";
            }
            String head = new String(buffer, 0, n, StandardCharsets.UTF_8);
            int nl = head.indexOf('\n');
            out.append(nl < 0 ? head : head.substring(0, nl));
            return out.toString().replace("\r", "").replace("\uFEFF", "");
        }
    }
}
