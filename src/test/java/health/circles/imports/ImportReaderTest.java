package health.circles.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NDJSON rows as the import reads them: numbers and end offsets (the checkpoints) byte-exact, whatever the lines. */
class ImportReaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void rowsKeepTheirNumbersAndEndsAcrossTheReadBuffer() throws IOException {
        Random random = new Random(7);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        List<long[]> expected = new ArrayList<>(); // {number, end, value} of each object row
        long number = 0;
        for (int i = 0; i < 6000; i++) {
            number++;
            String line = switch (random.nextInt(10)) {
                case 0 -> "";                    // blank: skipped, still numbered
                case 1 -> "   \t";               // blank after trimming
                // long enough to cross the 64 KiB read buffer and to grow the line more than twice at once
                case 2 -> "{\"value\":" + i + ",\"notes\":\"" + "é".repeat(random.nextInt(120_000)) + "\"}";
                default -> "{\"value\":" + i + ",\"text\":\"" + "x".repeat(random.nextInt(300)) + "\"}";
            };
            String ending = random.nextBoolean() ? "\n" : "\r\n";
            file.writeBytes((line + ending).getBytes(StandardCharsets.UTF_8));
            if (!line.isBlank()) {
                expected.add(new long[] {number, file.size(), i});
            }
        }
        Path path = write(file.toByteArray());
        try (ImportReader reader = ImportReader.open(path, ImportFormat.NDJSON, null, JSON)) {
            for (long[] row : expected) {
                ImportReader.Row read = reader.next();
                assertNull(read.error(), () -> "row " + row[0] + ": " + read.error());
                assertEquals(row[0], read.number());
                assertEquals(row[1], read.end());
                assertEquals(row[2], read.node().get("value").asLong());
            }
            assertNull(reader.next());
            assertNull(reader.next());
        }
    }

    @Test
    void aLastLineWithoutNewlineBadJsonAndNonObjectsAreRowsOfTheirOwn() throws IOException {
        byte[] content = "{\"a\":1}\n[1,2]\n{\"a\":\n\u0000\n{\"a\":2}".getBytes(StandardCharsets.UTF_8);
        try (ImportReader reader = ImportReader.open(write(content), ImportFormat.NDJSON, null, JSON)) {
            assertEquals(1, reader.next().node().get("a").asInt());
            ImportReader.Row array = reader.next();
            assertEquals(2, array.number());
            assertEquals("a row must be a JSON object", array.error().reason());
            ImportReader.Row cut = reader.next();
            assertEquals(3, cut.number());
            assertTrue(cut.error().reason().startsWith("not well-formed JSON"), cut.error().reason());
            assertNotNull(reader.next().error()); // a NUL byte alone on its line
            ImportReader.Row last = reader.next();
            assertEquals(5, last.number());
            assertEquals(content.length, last.end());
            assertEquals(2, last.node().get("a").asInt());
            assertNull(reader.next());
        }
    }

    @Test
    void anEmptyFileHasNoRows() throws IOException {
        try (ImportReader reader = ImportReader.open(write(new byte[0]), ImportFormat.NDJSON, null, JSON)) {
            assertNull(reader.next());
        }
    }

    private Path write(byte[] content) throws IOException {
        Path path = Files.createTempFile(dir, "rows", ".ndjson");
        Files.write(path, content);
        return path;
    }
}
