package health.circles.graph;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.File;
import java.util.Locale;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.neo4j.driver.AuthToken;
import io.quarkus.runtime.LaunchMode;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Logging;

/** Owns the one Neo4j driver of the application, and the in-process server when no external one is configured. */
@ApplicationScoped
public class Graph {

    private static final Logger LOG = Logger.getLogger(Graph.class);

    private final GraphConfig config;
    private final Instance<EmbeddedGraph> embedded;
    private Driver driver;

    Graph(GraphConfig config, Instance<EmbeddedGraph> embedded) {
        this.config = config;
        this.embedded = embedded;
    }

    @Produces
    @Singleton
    Driver driver() {
        return connect();
    }

    synchronized Driver connect() {
        if (driver != null) {
            return driver;
        }
        String uri;
        AuthToken auth;
        if (config.uri().isPresent()) {
            uri = config.uri().get();
            if (config.password().isEmpty() && LaunchMode.current() == LaunchMode.NORMAL) {
                // A deployment's graph holds who is tied to whom: never reach it without credentials.
                throw new IllegalStateException("NEO4J_URI is set but NEO4J_PASSWORD is not: a deployment connects to "
                        + "Neo4j with credentials (docs/security.md); only the run command and the tests may go without");
            }
            auth = config.password().map(p -> AuthTokens.basic(config.username(), p)).orElse(AuthTokens.none());
            LOG.infof("Graph store: external Neo4j at %s", uri);
        } else if (embedded.isResolvable()) {
            uri = embedded.get().start();
            auth = AuthTokens.none();
            LOG.infof("Graph store: Neo4j in-process at %s", uri);
        } else {
            throw new IllegalStateException(
                    "NEO4J_URI is not set and this build has no embedded Neo4j (it was built with -Dlean)");
        }
        Config.ConfigBuilder settings = Config.builder()
                .withConnectionTimeout(config.connectTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .withMaxTransactionRetryTime(config.retryTime().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .withLogging(Logging.slf4j());
        if (config.uri().isPresent()) {
            uri = trust(uri, config.trustedCa(), settings);
        }
        driver = GraphDatabase.driver(uri, auth, settings.build());
        return driver;
    }

    /**
     * TLS checked against a CA of one's own ({@code NEO4J_TRUSTED_CA}) rather than the JVM's CA store; returns the URI
     * to give the driver. The driver takes encryption and trust either from the URI's scheme ({@code +s}: encrypted,
     * the JVM's CA store) or from its {@link Config}, never both (it refuses a {@code +s} URI with a trust strategy).
     * So {@code bolt+s://} and {@code neo4j+s://} lose their {@code +s} here, and the Config asks for what it meant,
     * with this CA: encryption, a certificate that chains to the CA and names the URI's host. Other schemes are
     * refused: {@code bolt://} reads as unencrypted, and {@code +ssc} checks no certificate at all.
     */
    static String trust(String uri, Optional<String> trustedCa, Config.ConfigBuilder settings) {
        if (trustedCa.isEmpty()) {
            return uri;
        }
        File ca = new File(trustedCa.get());
        if (!ca.isFile() || !ca.canRead()) {
            throw new IllegalStateException("NEO4J_TRUSTED_CA is not a readable file: " + ca);
        }
        int end = uri.indexOf("://");
        String scheme = end < 0 ? "" : uri.substring(0, end).toLowerCase(Locale.ROOT);
        if (!scheme.equals("bolt+s") && !scheme.equals("neo4j+s")) {
            throw new IllegalStateException("NEO4J_TRUSTED_CA is set, so NEO4J_URI must start with bolt+s:// or "
                    + "neo4j+s:// (TLS, the server's certificate checked against that CA), not '" + scheme + "'");
        }
        settings.withEncryption()
                .withTrustStrategy(Config.TrustStrategy.trustCustomCertificateSignedBy(ca).withHostnameVerification());
        LOG.infof("Graph store: TLS, the server's certificate checked against the CA in %s", ca);
        return scheme.substring(0, scheme.length() - "+s".length()) + uri.substring(end);
    }

    /** Whether the graph is served by this process (and can be stopped and started, as the outage tests do). */
    public boolean isEmbedded() {
        return config.uri().isEmpty() && embedded.isResolvable();
    }

    public EmbeddedGraph embedded() {
        return embedded.get();
    }

    // Close the driver before the server so that Bolt has no connections left to drain; after the relay stopped.
    synchronized void close(@Observes @Priority(5000) ShutdownEvent event) {
        if (driver != null) {
            driver.close();
            driver = null;
        }
        if (isEmbedded() && embedded.get().running()) {
            embedded.get().stop();
        }
    }
}
