package health.circles.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import health.circles.contact.ContactErased;
import health.circles.contact.ErasureRegister;
import health.circles.sync.BackgroundWork;
import health.circles.sync.CoalescingWorker;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * What erasing a contact means for bulk imports. Inside the erasure transaction: row errors and job errors that name
 * the contact (by id, external id or name) lose their text. After it commits, and on a schedule in case a process died
 * in between: every import file still stored (failed, cancelled or unfinished jobs) is rewritten without the rows that
 * carry an erased external id (or, in a FHIR file, an erased person's identifier), each replaced by an empty row so
 * that row numbers and checkpoints keep their meaning.
 * Files are matched by the register's fingerprints, never by ids in clear, so the sweep needs nothing but the register.
 */
@ApplicationScoped
public class ImportErasure {

    private static final Logger LOG = Logger.getLogger(ImportErasure.class);
    /** Row error of a row that names a contact erased on request; it never repeats the id. */
    static final String ERASED = "erased on request";

    private final ImportJobStore jobs;
    private final ErasureRegister register;
    private final ImportConfig config;
    private final ObjectMapper json;
    private final CoalescingWorker worker;
    /** FHIR rows name people by identifiers, which only package fhir reads (absent: no FHIR rows are taken). */
    private final jakarta.enterprise.inject.Instance<ResourceRows> resourceRows;

    ImportErasure(ImportJobStore jobs, ErasureRegister register, ImportConfig config, ObjectMapper json,
                  BackgroundWork background, jakarta.enterprise.inject.Instance<ResourceRows> resourceRows) {
        this.resourceRows = resourceRows;
        this.worker = background.worker("import-erasure", this::runScrub);
        this.jobs = jobs;
        this.register = register;
        this.config = config;
        this.json = json;
    }

    void onErased(@Observes ContactErased erased) {
        // Names shorter than three characters would match inside nearly every message; ids and longer names are
        // searched for as they are. Matching too much only shortens an error message, never loses a record.
        // An external id is taken whatever its length: "no contact has externalId 42" names the person.
        List<String> words = erased.identifiers().stream()
                .filter(w -> w.length() >= 3 || w.equals(erased.externalId() == null ? null : erased.externalId().strip()))
                .map(w -> w.toLowerCase(Locale.ROOT)).toList();
        if (words.isEmpty()) {
            return;
        }
        jobs.forgetErased(words, ERASED);
    }

    void afterErased(@Observes(during = TransactionPhase.AFTER_SUCCESS) ContactErased erased) {
        worker.wake();
    }

    void onStart(@Observes StartupEvent event) {
        worker.wake();
    }

    void onStop(@Observes ShutdownEvent event) {
        worker.stop(true);
    }

    @Scheduled(every = "${circles.erasure.sweep-every}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void onSchedule() {
        worker.wake();
    }

    private void runScrub() {
        try {
            scrubFiles();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not scrub import files of erased contacts; retried on schedule", e);
        }
    }

    /**
     * Rewrites every stored import file that holds a row naming an erased contact; returns how many it rewrote.
     * Serialised within the process; two replicas sharing the folder may both rewrite a file, and each result is
     * complete for the register it read, so the later rename wins without losing a scrub the next sweep would miss.
     */
    synchronized int scrubFiles() throws IOException {
        Path dir = Path.of(config.dir());
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        Set<String> erased = new java.util.HashSet<>(register.erasedFingerprints());
        if (resourceRows.isResolvable()) {
            erased.addAll(resourceRows.get().erasedIdentifierFingerprints());
        }
        if (erased.isEmpty()) {
            return 0;
        }
        int rewritten = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{ndjson,csv}")) {
            for (Path file : files) {
                try {
                    if (scrub(file, file.getFileName().toString().endsWith(".csv"), erased)) {
                        rewritten++;
                    }
                } catch (NoSuchFileException e) {
                    // the job finished and deleted its file meanwhile
                } catch (IOException | RuntimeException e) {
                    // One file Circles cannot read must not keep the sweep from the others; it is tried again at
                    // the next sweep, and the log says which.
                    LOG.errorf(e, "Could not scrub import file %s of erased contacts; the other files go on",
                            file.getFileName());
                }
            }
        }
        if (rewritten > 0) {
            LOG.infof("Rewrote %d import file(s) without the rows of contacts erased on request", rewritten);
        }
        return rewritten;
    }

    /**
     * Copies the file row by row to a temporary file beside it, each row that names an erased external id (as its
     * own id, a tie's end or a touchpoint's participant) replaced by an empty row, then renames it over the original
     * when anything changed. A job reading the file meanwhile keeps the version it opened; the row count is the same.
     */
    private boolean scrub(Path file, boolean csv, Set<String> erased) throws IOException {
        if (csv) {
            return scrubCsv(file, erased);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".scrub");
        boolean changed = false;
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        java.io.Reader text = new InputStreamReader(Files.newInputStream(file), decoder);
        try (LfLines in = new LfLines(text);
             BufferedWriter out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(tmp),
                     StandardCharsets.UTF_8), 1 << 16)) {
            String raw;
            while ((raw = in.next()) != null) {
                // Rows are cut as the importer cuts them, at a line feed only: a carriage return elsewhere is JSON
                // whitespace of its row, and a CRLF ending is written back as it was.
                String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
                String kept = raw;
                if (!line.isBlank() && names(ndjsonIds(line), erased)) {
                    kept = "{}";
                    changed = true;
                }
                out.write(kept);
                if (in.endedWithLineFeed()) {
                    out.write('\n');
                }
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        if (!changed) {
            Files.deleteIfExists(tmp);
            return false;
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return true;
    }

    /**
     * A CSV file read record by record with Jackson's CSV reader, as the importer reads it (so a quoted cell that spans
     * lines, or a record cut at a bare carriage return, is one record here too), and written again with every cell
     * quoted: each value reads back as it was, and a record that names an erased person becomes one record of empty
     * cells, so the row count and the checkpoints keep their meaning. Where the reader cannot go on (a quote never
     * closed), neither can the importer, whose job fails at that record however often it is resumed: what follows is
     * replaced by a lone quote, which fails the same way, so no unreadable tail keeps an erased person's row either.
     */
    private boolean scrubCsv(Path file, Set<String> erased) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".scrub");
        CsvMapper mapper = new CsvMapper();
        boolean changed = false;
        boolean unreadable = false;
        try (MappingIterator<String[]> rows = mapper.readerFor(String[].class)
                .with(CsvParser.Feature.WRAP_AS_ARRAY).with(CsvParser.Feature.TRIM_SPACES)
                .readValues(Files.newInputStream(file));
             SequenceWriter out = mapper.writer(CsvSchema.emptySchema())
                     .with(CsvGenerator.Feature.ALWAYS_QUOTE_STRINGS)
                     .writeValues(new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(tmp),
                             StandardCharsets.UTF_8), 1 << 16))) {
            List<String> header = null;
            long readThrough = 0;
            while (!unreadable) {
                String[] cells = null;
                try {
                    cells = rows.hasNextValue() ? rows.nextValue() : null;
                } catch (IOException | RuntimeException e) {
                    unreadable = true;
                    changed |= !UNREADABLE_TAIL.equals(tail(file, readThrough));
                }
                if (cells == null) {
                    break;
                }
                readThrough = rows.getParser().currentLocation().getCharOffset();
                if (header == null) {
                    header = List.of(cells);
                } else if (names(csvIds(header, cells), erased)) {
                    cells = new String[Math.max(1, header.size())];
                    java.util.Arrays.fill(cells, "");
                    changed = true;
                }
                out.write(cells);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        if (!changed) {
            Files.deleteIfExists(tmp);
            return false;
        }
        if (unreadable) {
            Files.writeString(tmp, UNREADABLE_TAIL, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return true;
    }

    /** What an unreadable tail of a CSV file is replaced by: a quote never closed, which no reader gets past. */
    private static final String UNREADABLE_TAIL = "\"";

    /** The text of a file from a character on, line endings before it left out (at most a few characters). */
    private static String tail(Path file, long from) throws IOException {
        try (java.io.Reader in = new java.io.BufferedReader(new InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8))) {
            for (long left = from; left > 0; ) {
                long skipped = in.skip(left);
                if (skipped <= 0) {
                    return "";
                }
                left -= skipped;
            }
            StringBuilder text = new StringBuilder();
            int ch;
            while ((ch = in.read()) >= 0 && text.length() <= UNREADABLE_TAIL.length()) {
                if (text.length() > 0 || (ch != '\n' && ch != '\r')) {
                    text.append((char) ch);
                }
            }
            return text.toString();
        }
    }

    /** The lines of a text, each ended by a line feed only (which is left out), or by the end of the text. */
    static final class LfLines implements AutoCloseable {

        private final java.io.Reader in;
        private final char[] buffer = new char[1 << 16];
        private int at;
        private int end;
        private boolean lineFeed;

        LfLines(java.io.Reader in) {
            this.in = in;
        }

        /** The next line without its line feed; null at the end of the text. */
        public String next() throws IOException {
            StringBuilder line = null;
            while (true) {
                if (at == end) {
                    end = in.read(buffer);
                    at = 0;
                    if (end <= 0) {
                        end = 0;
                        lineFeed = false;
                        return line == null ? null : line.toString();
                    }
                }
                int start = at;
                while (at < end && buffer[at] != '\n') {
                    at++;
                }
                if (line == null) {
                    line = new StringBuilder(Math.max(16, at - start));
                }
                line.append(buffer, start, at - start);
                if (at < end) {
                    at++; // the line feed
                    lineFeed = true;
                    return line.toString();
                }
            }
        }

        /** Whether the line {@link #next} returned last was ended by a line feed (the last one may not be). */
        public boolean endedWithLineFeed() {
            return lineFeed;
        }

        public void close() throws IOException {
            in.close();
        }
    }

    private boolean names(List<String> ids, Set<String> erased) {
        for (String id : ids) {
            String f = register.fingerprintHex(id);
            if (f != null && erased.contains(f)) {
                return true;
            }
        }
        return false;
    }

    private List<String> ndjsonIds(String line) {
        List<String> ids = new ArrayList<>();
        JsonNode node;
        try {
            node = json.readTree(line);
        } catch (IOException e) {
            return ids; // not a readable row: the import rejects it as such
        }
        if (node == null || !node.isObject()) {
            return ids;
        }
        if (node.has("resourceType") && resourceRows.isResolvable()) {
            ids.addAll(resourceRows.get().identifierKeys(node)); // a FHIR row names people by their identifiers
            return ids;
        }
        for (String field : ImportColumns.CONTACT_REFERENCES) {
            if (node.get(field) != null && node.get(field).isTextual()) {
                ids.add(node.get(field).asText());
            }
        }
        JsonNode participants = node.get(ImportColumns.PARTICIPANTS);
        if (participants != null && participants.isArray()) {
            participants.forEach(p -> ids.add(p.asText()));
        }
        return ids;
    }

    private static List<String> csvIds(List<String> header, String[] cells) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < Math.min(header.size(), cells.length); i++) {
            if (ImportColumns.CONTACT_REFERENCES.contains(header.get(i))) {
                ids.add(cells[i]);
            } else if (header.get(i).equals(ImportColumns.PARTICIPANTS)) {
                ids.addAll(List.of(ImportColumns.LIST_SPLIT.split(cells[i])));
            }
        }
        return ids;
    }
}
