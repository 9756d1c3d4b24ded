package health.circles.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import health.circles.Anonymous;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The import's rows are checked by the API's constraints, nested ones included, with the validator the parser builds
 * for plain records (every property reachable, no JPA lookups).
 */
@QuarkusTest
@Anonymous
class RowParserTest {

    @Inject
    RowParser parser;

    @Inject
    ObjectMapper json;

    private RowParser.Parsed parse(String row) throws Exception {
        return parser.parse(new ImportReader.Row(7, 0, (ObjectNode) json.readTree(row), null));
    }

    private static List<String> fields(RowParser.Parsed parsed) {
        return parsed.errors().stream().map(RowError::field).toList();
    }

    @Test
    void aValidContactParses() throws Exception {
        RowParser.Parsed parsed = parse("""
                {"record":"contact","externalId":"p-1","kind":"PATIENT","givenName":"Ana","familyName":"Ruiz",
                 "consent":{"EMAIL":{"status":"GRANTED","source":"intake-form"}}}""");
        assertTrue(parsed.errors().isEmpty(), parsed.errors().toString());
        assertNotNull(parsed.value());
    }

    @Test
    void aNestedConsentAnswerIsChecked() throws Exception {
        RowParser.Parsed parsed = parse("""
                {"record":"contact","externalId":"p-2","kind":"PATIENT","givenName":"Ana","familyName":"Ruiz",
                 "consent":{"EMAIL":{"source":"%s"}}}""".formatted("x".repeat(101)));
        assertEquals(7, parsed.row());
        assertEquals(List.of("consent[EMAIL].source", "consent[EMAIL].status"), fields(parsed));
    }

    @Test
    void everyViolationOfARowIsReported() throws Exception {
        RowParser.Parsed parsed = parse("""
                {"record":"contact","externalId":"p-3","kind":"PATIENT","givenName":"Ana","familyName":"%s",
                 "email":"not-an-email","languages":["en", null]}""".formatted("R".repeat(101)));
        assertEquals(List.of("email", "familyName", "languages[1].<list element>"), fields(parsed));
    }
}
