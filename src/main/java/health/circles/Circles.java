package health.circles;

import health.circles.security.DevKeys;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.jboss.logging.Logger;

/**
 * Entry point. With no DB_URL configured it makes the run command work on a bare machine: it uses the PostgreSQL on
 * 127.0.0.1:5432 (creating the database if needed) or, when nothing answers there, starts an embedded one.
 *
 * <p>Configuration is application.properties' and the {@code @ConfigMapping} interfaces'; main adds only what exists
 * once it has done its work: the URL of the embedded PostgreSQL it started (on a port of its choosing) and the paths of
 * the development key pair it made, with the switch that turns development tokens on. Those two are handed over as
 * system properties, and that stays so on purpose: main runs before Quarkus and its configuration exist, decides from
 * the process environment alone, and must finish (database up, keys on disk) before Quarkus migrates and verifies
 * tokens at start. A {@code ConfigSource} would run whenever a configuration is built (at build time, in the tests,
 * on every dev-mode restart) and so would either repeat the probing and starting, or read state main left behind
 * across Quarkus' class loaders, which system properties already carry. Everything else (the default URL
 * 127.0.0.1:5432/circles, the development public key and the open API docs in dev mode) is in application.properties.
 */
@QuarkusMain
public class Circles {

    private static final Logger LOG = Logger.getLogger(Circles.class);
    private static final String DATABASE = "circles";

    public static void main(String... args) {
        if (System.getenv("DB_URL") == null && System.getProperty("quarkus.datasource.jdbc.url") == null) {
            String url = localDatabase();
            if (url != null) {
                System.setProperty("quarkus.datasource.jdbc.url", url);
            }
        }
        if (wantsDevKeys()) {
            String dir = System.getenv().getOrDefault("CIRCLES_DEV_KEY_DIR", "data/dev-keys");
            DevKeys.prepare(Path.of(dir)).forEach(System::setProperty);
            LOG.warnf("No token verification key is configured (CIRCLES_JWT_PUBLIC_KEY_LOCATION): using the development "
                    + "key pair in %s and issuing development tokens on this machine only. Never run a deployment "
                    + "like this; docs/security.md says how to connect an identity provider", dir);
        }
        Quarkus.run(args);
    }

    /**
     * The run command on a workstation: dev mode (never a packaged run, whatever its environment says), the graph is
     * in-process (no NEO4J_URI nor CIRCLES_NEO4J_URI), no verification key is configured and development tokens are not refused
     * (CIRCLES_DEV_TOKENS=false).
     */
    private static boolean wantsDevKeys() {
        return devMode()
                && blank(System.getenv("NEO4J_URI"))
                && blank(System.getenv("CIRCLES_NEO4J_URI"))
                && blank(System.getenv("CIRCLES_JWT_PUBLIC_KEY_LOCATION"))
                && blank(System.getenv("MP_JWT_VERIFY_PUBLICKEY"))
                && blank(System.getenv("MP_JWT_VERIFY_PUBLICKEY_LOCATION"))
                && blank(System.getProperty("mp.jwt.verify.publickey.location"))
                && !"false".equalsIgnoreCase(System.getenv("CIRCLES_DEV_TOKENS"));
    }

    /**
     * Dev mode, asked of the class loader: main runs before Quarkus sets its launch mode (it still reads NORMAL here).
     * Dev mode loads the application with Quarkus' own class loader; a packaged run ({@code java -jar}, the image)
     * never does. The endpoint checks the launch mode itself once Quarkus has set it ({@link DevKeys#allowed()}).
     */
    private static boolean devMode() {
        return "io.quarkus.bootstrap.classloading.QuarkusClassLoader".equals(Circles.class.getClassLoader().getClass()
                .getName());
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String localDatabase() {
        if (answers("127.0.0.1", 5432)) {
            ensureDatabase();
            return null; // the configured default URL is right
        }
        LocalDatabase embedded = ServiceLoader.load(LocalDatabase.class).findFirst().orElse(null);
        if (embedded == null) {
            LOG.warn("Nothing answers on 127.0.0.1:5432 and this build has no embedded PostgreSQL: set DB_URL");
            return null;
        }
        String dataDir = System.getenv().getOrDefault("CIRCLES_POSTGRES_DATA_DIR", "data/postgres");
        LOG.infof("Nothing answers on 127.0.0.1:5432 and DB_URL is not set: starting an embedded PostgreSQL in %s",
                dataDir);
        String url = embedded.start(dataDir, DATABASE);
        LOG.infof("Embedded PostgreSQL ready at %s", url);
        return url;
    }

    /**
     * The database on the local server, owned by the migration role, and both roles (see {@link LocalRoles}); the
     * superuser it connects as is DB_ADMIN_USERNAME (default postgres).
     */
    private static void ensureDatabase() {
        String user = System.getenv().getOrDefault("DB_ADMIN_USERNAME", "postgres");
        String password = System.getenv().getOrDefault("DB_ADMIN_PASSWORD", "");
        try {
            LocalRoles.prepare("jdbc:postgresql://127.0.0.1:5432/", user, password, DATABASE, false);
        } catch (RuntimeException e) {
            LOG.warnf("Could not prepare database %s and its roles on 127.0.0.1:5432 (%s); start-up goes on", DATABASE,
                    e.getMessage());
        }
    }

    private static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
