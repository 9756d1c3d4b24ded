package health.circles.imports;

import static health.circles.TestTokens.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import health.circles.AsRole;
import health.circles.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The scrub of stored CSV import files reads records as the importer does: a quoted cell spanning lines, with the
 * erased person's id in a later column, is one record, and the whole of it goes.
 */
@QuarkusTest
@AsRole("admin")
class ImportErasureCsvTest {

    @Inject
    ImportErasure erasure;

    @ConfigProperty(name = "circles.imports.dir")
    String importsDir;

    @Test
    void aRecordWhoseQuotedCellSpansLinesIsScrubbedWhole() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String gone = "mrn-csv-gone-" + suffix;
        String kept = "mrn-csv-kept-" + suffix;
        String id = Fixtures.contact().patient().named("Quilla", "Multiline").externalId(gone).create().id();
        as("admin").when().post("/api/v1/contacts/" + id + "/erasure").then().statusCode(204);
        Path file = Path.of(importsDir).resolve(UUID.randomUUID() + ".csv");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "externalId,channel,occurredAt,topic,participants\r\n"
                + "tp1-" + suffix + ",PHONE,2025-01-01T00:00:00Z,\"call about the\nhernia, \"\"urgent\"\"\"," + gone
                + "|" + kept + "\r\n"
                + "tp2-" + suffix + ",PHONE,2025-01-02T00:00:00Z,\" spaced, \"\"quoted\"\"\nand long \"," + kept + "\r"
                + "tp3-" + suffix + ",EMAIL,2025-01-03T00:00:00Z,,\n");
        try {
            erasure.scrubFiles();
            String text = Files.readString(file);
            assertFalse(text.contains(gone), text);
            assertFalse(text.contains("hernia"), text);
            List<String[]> rows = records(file);
            assertEquals(4, rows.size(), "the header and three records: none added or lost");
            assertTrue(List.of(rows.get(1)).stream().allMatch(String::isEmpty), String.join("|", rows.get(1)));
            assertEquals(List.of("tp2-" + suffix, "PHONE", "2025-01-02T00:00:00Z", " spaced, \"quoted\"\nand long ",
                    kept), List.of(rows.get(2)), "a kept record reads back as it was");
            assertEquals("tp3-" + suffix, rows.get(3)[0]);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The importer cannot read past a quote never closed; neither survives the scrub, and it fails alike after. */
    @Test
    void anUnreadableTailIsCutToALoneQuoteOnce() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String gone = "mrn-tail-gone-" + suffix;
        String id = Fixtures.contact().patient().named("Tacita", "Unclosed").externalId(gone).create().id();
        as("admin").when().post("/api/v1/contacts/" + id + "/erasure").then().statusCode(204);
        Path file = Path.of(importsDir).resolve(UUID.randomUUID() + ".csv");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "externalId,channel,occurredAt,topic,participants\n"
                + "tp1-" + suffix + ",PHONE,2025-01-01T00:00:00Z,fine,other-" + suffix + "\n"
                + "tp2-" + suffix + ",PHONE,2025-01-02T00:00:00Z,\"never closed," + gone + "\n"
                + "tp3-" + suffix + ",PHONE,2025-01-03T00:00:00Z,after," + gone + "\n");
        try {
            erasure.scrubFiles();
            String once = Files.readString(file);
            assertFalse(once.contains(gone), once);
            assertTrue(once.contains("other-" + suffix) && once.endsWith("\""), once);
            erasure.scrubFiles();
            assertEquals(once, Files.readString(file), "a second sweep leaves it as it is");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static List<String[]> records(Path file) throws Exception {
        try (MappingIterator<String[]> it = new CsvMapper().readerFor(String[].class)
                .with(CsvParser.Feature.WRAP_AS_ARRAY).with(CsvParser.Feature.TRIM_SPACES)
                .readValues(Files.newInputStream(file))) {
            return it.readAll();
        }
    }
}
