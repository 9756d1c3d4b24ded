package health.circles.network;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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

/**
 * Times the circles and paths Cypher of {@link NetworkGraph} on a synthetic graph in a throwaway Neo4j: N contacts in
 * blocks of 1000 (80 % of ties inside a block, 20 % anywhere), M ties of random type and strength, 10 % ended.
 */
public final class NetworkBench {

    public static void main(String[] args) throws Exception {
        int contacts = Integer.parseInt(args.length > 0 ? args[0] : "100000");
        int ties = Integer.parseInt(args.length > 1 ? args[1] : "1000000");
        int queries = Integer.parseInt(args.length > 2 ? args[2] : "200");
        Path home = Files.createTempDirectory("circles-bench");
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", 0))
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.parse("512m"))
                .build();
        var api = (org.neo4j.kernel.internal.GraphDatabaseAPI) dbms.database("neo4j");
        int port = api.getDependencyResolver()
                .resolveDependency(org.neo4j.configuration.connectors.ConnectorPortRegister.class)
                .getLocalAddress(org.neo4j.configuration.connectors.ConnectorType.BOLT).getPort();
        try (Driver driver = GraphDatabase.driver("bolt://127.0.0.1:" + port, AuthTokens.none())) {
            long t0 = System.nanoTime();
            load(driver, contacts, ties);
            System.out.printf("load: %d contacts, %d ties in %.1f s%n", contacts, ties, (System.nanoTime() - t0) / 1e9);
            NetworkGraph graph = new NetworkGraph(driver, defaults());
            Random random = new Random(7);
            LocalDate today = LocalDate.now();
            time("circles depth 2 (limit 500)", queries, () -> graph.circles(id(random.nextInt(contacts)), 2, null,
                    null, 0, 500, today));
            time("circles depth 3 (limit 500)", queries / 4, () -> graph.circles(id(random.nextInt(contacts)), 3, null,
                    null, 0, 500, today));
            time("paths maxHops 4 (same block)", queries, () -> {
                int a = random.nextInt(contacts);
                return graph.paths(id(a), id((a / 1000) * 1000 + random.nextInt(1000)), 4, 5, today);
            });
            time("paths maxHops 4 (anywhere)", queries, () -> graph.paths(id(random.nextInt(contacts)),
                    id(random.nextInt(contacts)), 4, 5, today));
        } finally {
            dbms.shutdown();
        }
    }

    /** Contact i's id: a UUID, as the service's contacts have. */
    private static String id(int i) {
        return new UUID(0x0C1_2C1E5L, i).toString();
    }

    private static void load(Driver driver, int contacts, int ties) {
        driver.executableQuery("CREATE CONSTRAINT contact_id IF NOT EXISTS FOR (c:Contact) REQUIRE c.id IS UNIQUE").execute();
        String[] kinds = {"PATIENT", "CAREGIVER", "FAMILY", "PHYSICIAN", "NURSE", "COMMUNITY_LEADER", "ORGANIZATION"};
        for (int from = 0; from < contacts; from += 10_000) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = from; i < Math.min(contacts, from + 10_000); i++) {
                rows.add(Map.of("id", id(i), "kind", kinds[i % kinds.length], "name", "Contact " + i));
            }
            driver.executableQuery("UNWIND $rows AS r CREATE (:Contact {id: r.id, kind: r.kind, displayName: r.name})")
                    .withParameters(Map.of("rows", rows)).execute();
        }
        Random random = new Random(42);
        String[] types = {"FAMILY_OF", "FRIEND_OF", "NEIGHBOR_OF", "COLLEAGUE_OF", "TREATS", "CARES_FOR"};
        for (int from = 0; from < ties; from += 10_000) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = from; i < Math.min(ties, from + 10_000); i++) {
                int a = random.nextInt(contacts);
                int b = random.nextDouble() < 0.8 ? (a / 1000) * 1000 + random.nextInt(Math.min(1000, contacts))
                        : random.nextInt(contacts);
                if (b == a || b >= contacts) {
                    continue;
                }
                Map<String, Object> row = new HashMap<>();
                row.put("id", "t" + i);
                row.put("a", id(a));
                row.put("b", id(b));
                row.put("type", types[random.nextInt(types.length)]);
                row.put("strength", Math.round(random.nextDouble() * 3000) / 1000.0);
                row.put("until", random.nextDouble() < 0.1 ? LocalDate.now().minusDays(30) : null);
                rows.add(row);
            }
            driver.executableQuery("""
                    UNWIND $rows AS r MATCH (a:Contact {id: r.a}) MATCH (b:Contact {id: r.b})
                    CREATE (a)-[:TIE {id: r.id, type: r.type, strength: r.strength, until: r.until, symmetric: true}]->(b)""")
                    .withParameters(Map.of("rows", rows)).execute();
        }
    }

    private interface Query {
        Object run();
    }

    private static void time(String name, int n, Query query) {
        for (int i = 0; i < Math.min(20, n); i++) {
            query.run(); // warm-up: plan cache, page cache
        }
        long[] nanos = new long[n];
        long sizes = 0;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            Object result = query.run();
            nanos[i] = System.nanoTime() - t;
            sizes += result instanceof NetworkGraph.Found f ? f.members().size() : ((List<?>) result).size();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(nanos);
        System.out.printf("%-32s n=%d p50=%.1f ms p99=%.1f ms max=%.1f ms throughput=%.1f/s (1 client) mean result=%.1f%n",
                name, n, nanos[n / 2] / 1e6, nanos[(int) (n * 0.99)] / 1e6, nanos[n - 1] / 1e6, n / seconds,
                (double) sizes / n);
    }

    /** NetworkConfig with its documented defaults, as the service's configuration mapping declares them. */
    private static NetworkConfig defaults() {
        return new SmallRyeConfigBuilder().withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(NetworkConfig.class).build().getConfigMapping(NetworkConfig.class);
    }
}
