import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;

/**
 * Loads the generated contacts and ties into the service's Neo4j with UNWIND batches, in the shape the outbox relay
 * writes ((:Contact {id, kind, displayName, v})-[:TIE {id, type, strength, symmetric, v}]->(:Contact)).
 * Usage: java -cp <service lib/main jars> Neo4jLoad.java bolt://127.0.0.1:PORT DIR
 */
public class Neo4jLoad {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        try (Driver driver = GraphDatabase.driver(args[0], AuthTokens.none()); Session s = driver.session()) {
            s.run("CREATE CONSTRAINT contact_id IF NOT EXISTS FOR (c:Contact) REQUIRE c.id IS UNIQUE").consume();
            s.run("CALL db.awaitIndexes(120)").consume();
            long t = System.nanoTime();
            int nodes = load(s, dir.resolve("contacts.csv"), r -> Map.of("id", r[0], "kind", r[1], "displayName", r[4]),
                    "UNWIND $rows AS row MERGE (c:Contact {id: row.id}) SET c.kind = row.kind, c.displayName = row.displayName, c.v = 1");
            long nodesMs = (System.nanoTime() - t) / 1_000_000;
            t = System.nanoTime();
            int ties = load(s, dir.resolve("ties.csv"), r -> {
                Map<String, Object> m = new HashMap<>();
                m.put("id", r[0]); m.put("from", r[1]); m.put("to", r[2]); m.put("type", r[3]);
                m.put("symmetric", Boolean.parseBoolean(r[4])); m.put("strength", Double.parseDouble(r[6]));
                return m;
            }, """
                UNWIND $rows AS row
                MATCH (a:Contact {id: row.from}) MATCH (b:Contact {id: row.to})
                CREATE (a)-[:TIE {id: row.id, type: row.type, strength: row.strength, symmetric: row.symmetric, v: 1}]->(b)""");
            long tiesMs = (System.nanoTime() - t) / 1_000_000;
            System.out.printf("{\"nodes\": %d, \"nodes_ms\": %d, \"ties\": %d, \"ties_ms\": %d}%n", nodes, nodesMs, ties, tiesMs);
        }
    }

    interface RowMapper { Map<String, Object> map(String[] row); }

    static int load(Session s, Path file, RowMapper mapper, String cypher) throws Exception {
        int n = 0;
        List<Map<String, Object>> batch = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file)) {
            in.readLine();
            for (String line; (line = in.readLine()) != null; ) {
                batch.add(mapper.map(line.split(",", -1)));
                if (batch.size() == 10_000) {
                    List<Map<String, Object>> rows = batch;
                    s.executeWriteWithoutResult(tx -> tx.run(cypher, Map.of("rows", rows)).consume());
                    n += batch.size();
                    batch = new ArrayList<>();
                }
            }
        }
        if (!batch.isEmpty()) {
            List<Map<String, Object>> rows = batch;
            s.executeWriteWithoutResult(tx -> tx.run(cypher, Map.of("rows", rows)).consume());
            n += batch.size();
        }
        return n;
    }
}
