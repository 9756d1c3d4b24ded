package health.circles.graph.embedded;

import health.circles.graph.EmbeddedGraph;
import health.circles.graph.GraphConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.logging.Logger;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.gds.utils.GdsFeatureToggles;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.api.procedure.GlobalProcedures;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Neo4j 5.26 with Graph Data Science, running inside the service: Bolt on 127.0.0.1 only, no auth, the store in a
 * folder of its own. GDS procedures come from the classpath rather than a plugins folder, so they are registered here.
 */
@ApplicationScoped
public class InProcessNeo4j implements EmbeddedGraph {

    private static final Logger LOG = Logger.getLogger(InProcessNeo4j.class);

    private final GraphConfig.Embedded config;
    private DatabaseManagementService dbms;
    private int port;
    private boolean wiped;

    InProcessNeo4j(GraphConfig config) {
        this.config = config.embedded();
    }

    @Override
    public synchronized String start() {
        if (dbms == null) {
            Path home = Path.of(config.dataDir()).toAbsolutePath();
            if (config.fresh() && !wiped) {
                deleteRecursively(home);
                wiped = true;
            }
            if (port == 0) {
                port = config.boltPort() == 0 ? freePort() : config.boltPort();
            }
            long started = System.nanoTime();
            GdsFeatureToggles.USE_UNCOMPRESSED_ADJACENCY_LIST.toggle(config.uncompressedAdjacency());
            try {
                dbms = new DatabaseManagementServiceBuilder(home)
                        .setConfig(BoltConnector.enabled, true)
                        .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                        .setConfig(GraphDatabaseSettings.auth_enabled, false)
                        .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.parse(config.pageCache()))
                        .setConfig(GraphDatabaseSettings.procedure_unrestricted, List.of("gds.*"))
                        .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofMillis(500))
                        .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofMillis(500))
                        .build();
            } catch (RuntimeException e) {
                throw new IllegalStateException("Could not start Neo4j in " + home
                        + " (is another Circles process using this folder? set CIRCLES_NEO4J_EMBEDDED_DATA_DIR)", e);
            }
            registerGraphDataScience();
            LOG.infof("Neo4j %s with Graph Data Science started in %d ms, store %s, Bolt 127.0.0.1:%d, "
                    + "adjacency lists %s",
                    org.neo4j.kernel.internal.Version.getNeo4jVersion(), (System.nanoTime() - started) / 1_000_000,
                    home, port, config.uncompressedAdjacency() ? "uncompressed" : "compressed");
        }
        return "bolt://127.0.0.1:" + port;
    }

    @Override
    public synchronized void stop() {
        if (dbms != null) {
            dbms.shutdown();
            dbms = null;
            LOG.info("Neo4j stopped");
        }
    }

    @Override
    public synchronized boolean running() {
        return dbms != null;
    }

    private void registerGraphDataScience() {
        GraphDatabaseAPI system = (GraphDatabaseAPI) dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        GlobalProcedures procedures = system.getDependencyResolver().resolveDependency(GlobalProcedures.class);
        int registered = 0;
        try {
            for (String name : gdsClasses("org.neo4j.procedure.Procedure")) {
                procedures.registerProcedure(Class.forName(name));
                registered++;
            }
            for (String name : gdsClasses("org.neo4j.procedure.UserFunction")) {
                procedures.registerFunction(Class.forName(name));
                registered++;
            }
            for (String name : gdsClasses("org.neo4j.procedure.UserAggregationFunction")) {
                procedures.registerAggregationFunction(Class.forName(name));
                registered++;
            }
        } catch (Exception e) {
            throw new IllegalStateException("Could not register the Graph Data Science procedures", e);
        }
        LOG.debugf("Registered %d Graph Data Science procedure classes", registered);
    }

    private static List<String> gdsClasses(String service) throws IOException {
        List<String> names = new ArrayList<>();
        ClassLoader loader = InProcessNeo4j.class.getClassLoader();
        for (URL url : Collections.list(loader.getResources("META-INF/services/" + service))) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(url.openStream(), StandardCharsets.UTF_8))) {
                in.lines().map(String::strip)
                        .filter(line -> line.startsWith("org.neo4j.gds."))
                        .forEach(names::add);
            }
        }
        return names.stream().distinct().toList();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
