import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.io.ByteUnit;
import org.postgresql.PGConnection;

/**
 * The raw floor of a bulk import: the same contacts and ties, converted beforehand (not timed) into COPY text and
 * driver rows, then (timed) COPY into the Circles tables of a scratch PostgreSQL database, and UNWIND ... CREATE into
 * a fresh Neo4j started in-process exactly like the service's (same page cache, same constraint and indexes), over
 * Bolt in batches of 10,000. Prints one JSON object.
 *
 * Usage: java -cp "target/quarkus-app/lib/main/*" bench/imports/Floor.java network.ndjson jdbc-url neo4j-dir bolt-port
 */
public class Floor {

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        String jdbc = args[1];
        Path neo4jDir = Path.of(args[2]);
        int bolt = Integer.parseInt(args[3]);
        ObjectMapper json = new ObjectMapper();

        // --- untimed: convert rows --------------------------------------------------------------------------
        StringBuilder contacts = new StringBuilder();
        StringBuilder consent = new StringBuilder();
        StringBuilder ties = new StringBuilder();
        List<Map<String, Object>> nodes = new ArrayList<>();
        List<Map<String, Object>> rels = new ArrayList<>();
        Map<String, String> idOf = new HashMap<>();
        String now = Instant.now().toString();
        try (BufferedReader in = Files.newBufferedReader(file)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode r = json.readTree(line);
                String record = r.get("record").asText();
                if (record.equals("contact")) {
                    String id = UUID.randomUUID().toString();
                    idOf.put(r.get("externalId").asText(), id);
                    boolean org = r.get("kind").asText().equals("ORGANIZATION");
                    String display = org ? r.get("organizationName").asText()
                            : (text(r, "givenName") + " " + text(r, "familyName")).strip();
                    String sort = org ? display.toLowerCase() : (text(r, "familyName") + " " + text(r, "givenName")).strip().toLowerCase();
                    row(contacts, id, r.get("kind").asText(), opt(r, "givenName"), opt(r, "familyName"),
                            opt(r, "organizationName"), display, sort, opt(r, "email"), opt(r, "phone"),
                            opt(r, "postalCode"), opt(r, "city"), array(r.get("languages")), array(r.get("specialties")),
                            array(r.get("tags")), String.valueOf(r.path("doNotContact").asBoolean(false)),
                            r.get("externalId").asText(), now, now, "0");
                    if (r.has("consent")) {
                        r.get("consent").fields().forEachRemaining(e -> row(consent, id, e.getKey(),
                                e.getValue().get("status").asText(), e.getValue().path("at").asText(now),
                                opt(e.getValue(), "source")));
                    }
                    Map<String, Object> node = new HashMap<>();
                    node.put("id", id);
                    node.put("kind", r.get("kind").asText());
                    node.put("displayName", display);
                    node.put("version", 0L);
                    nodes.add(node);
                } else if (record.equals("tie")) {
                    String id = UUID.randomUUID().toString();
                    String type = r.get("type").asText();
                    boolean symmetric = !List.of("CARES_FOR", "TREATS", "REFERS_TO", "MEMBER_OF", "WORKS_AT", "LEADS",
                            "FOLLOWS_ONLINE").contains(type);
                    String from = idOf.get(r.get("from").asText());
                    String to = idOf.get(r.get("to").asText());
                    double strength = r.path("declaredStrength").asDouble(0.5);
                    row(ties, id, from, to, type, String.valueOf(symmetric), opt(r, "since"), null,
                            String.valueOf(strength), String.valueOf(strength), "IMPORT", null,
                            r.get("externalId").asText(), now, now, "0", "ASSERTED", now);
                    Map<String, Object> rel = new HashMap<>();
                    rel.put("id", id);
                    rel.put("from", from);
                    rel.put("to", to);
                    rel.put("type", type);
                    rel.put("symmetric", symmetric);
                    rel.put("strength", strength);
                    rel.put("since", opt(r, "since"));
                    rel.put("until", null);
                    rel.put("version", 0L);
                    rels.add(rel);
                }
            }
        }

        // --- timed: COPY into PostgreSQL ---------------------------------------------------------------------
        long pgStarted = System.nanoTime();
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "")) {
            var copy = c.unwrap(PGConnection.class).getCopyAPI();
            copy.copyIn("""
                    COPY contact (id, kind, given_name, family_name, organization_name, display_name, sort_name, email,
                                  phone, postal_code, city, languages, specialties, tags, do_not_contact, external_id,
                                  created_at, updated_at, version) FROM STDIN""", new StringReader(contacts.toString()));
            copy.copyIn("COPY contact_consent (contact_id, channel, status, recorded_at, source) FROM STDIN",
                    new StringReader(consent.toString()));
            copy.copyIn("""
                    COPY tie (id, from_id, to_id, type, "symmetric", since, until, declared_strength, strength, source,
                              notes, external_id, created_at, updated_at, version, assertion, asserted_at)
                    FROM STDIN""",
                    new StringReader(ties.toString()));
        }
        double pgSeconds = (System.nanoTime() - pgStarted) / 1e9;

        // --- timed: UNWIND CREATE into Neo4j -----------------------------------------------------------------
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(neo4jDir)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", bolt))
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.parse(
                        System.getenv().getOrDefault("CIRCLES_NEO4J_EMBEDDED_PAGE_CACHE", "256m")))
                .build();
        double neoSeconds;
        try (Driver driver = GraphDatabase.driver("bolt://127.0.0.1:" + bolt, AuthTokens.none())) {
            for (String s : List.of(
                    "CREATE CONSTRAINT contact_id IF NOT EXISTS FOR (c:Contact) REQUIRE c.id IS UNIQUE",
                    "CREATE INDEX contact_kind IF NOT EXISTS FOR (c:Contact) ON (c.kind)",
                    "CREATE INDEX tie_id IF NOT EXISTS FOR ()-[t:TIE]-() ON (t.id)",
                    "CALL db.awaitIndexes(60)")) {
                driver.executableQuery(s).execute();
            }
            long started = System.nanoTime();
            try (var session = driver.session()) {
                for (int i = 0; i < nodes.size(); i += 10_000) {
                    var batch = nodes.subList(i, Math.min(nodes.size(), i + 10_000));
                    session.executeWriteWithoutResult(tx -> tx.run("""
                            UNWIND $rows AS row
                            CREATE (:Contact {id: row.id, kind: row.kind, displayName: row.displayName, v: row.version})""",
                            Map.of("rows", batch)).consume());
                }
                for (int i = 0; i < rels.size(); i += 10_000) {
                    var batch = rels.subList(i, Math.min(rels.size(), i + 10_000));
                    session.executeWriteWithoutResult(tx -> tx.run("""
                            UNWIND $rows AS row
                            MATCH (a:Contact {id: row.from})
                            MATCH (b:Contact {id: row.to})
                            CREATE (a)-[:TIE {id: row.id, type: row.type, strength: row.strength, since: date(row.since),
                                              until: date(row.until), symmetric: row.symmetric, v: row.version}]->(b)""",
                            Map.of("rows", batch)).consume());
                }
            }
            neoSeconds = (System.nanoTime() - started) / 1e9;
        } finally {
            dbms.shutdown();
        }
        System.out.printf("{\"contacts\":%d,\"ties\":%d,\"copy_s\":%.2f,\"neo4j_create_s\":%.2f,\"floor_s\":%.2f}%n",
                nodes.size(), rels.size(), pgSeconds, neoSeconds, pgSeconds + neoSeconds);
    }

    private static String text(JsonNode r, String field) {
        return r.hasNonNull(field) ? r.get(field).asText() : "";
    }

    private static String opt(JsonNode r, String field) {
        return r.hasNonNull(field) ? r.get(field).asText() : null;
    }

    private static String array(JsonNode list) {
        StringBuilder out = new StringBuilder("{");
        if (list != null) {
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append('"').append(list.get(i).asText().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        }
        return out.append('}').toString();
    }

    /** One line of COPY text format: tab-separated, \N for null, backslash escapes. */
    private static void row(StringBuilder out, String... cells) {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                out.append('\t');
            }
            String cell = cells[i];
            if (cell == null) {
                out.append("\\N");
            } else {
                out.append(cell.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r"));
            }
        }
        out.append('\n');
    }
}
