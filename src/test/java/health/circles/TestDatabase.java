package health.circles;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * Makes sure the tests' database exists on the real PostgreSQL (TEST_DB_HOST, default 127.0.0.1:5432; database
 * TEST_DB_NAME, default circles_test) before Quarkus boots; Flyway then wipes and migrates it.
 */
@QuarkusTestResource(TestDatabase.class)
public class TestDatabase implements QuarkusTestResourceLifecycleManager {

    static final String NAME = System.getenv().getOrDefault("TEST_DB_NAME", "circles_test");

    @Override
    public Map<String, String> start() {
        String admin = "jdbc:postgresql://" + System.getenv().getOrDefault("TEST_DB_HOST", "127.0.0.1:5432") + "/postgres";
        String user = System.getenv().getOrDefault("DB_USERNAME", "postgres");
        String password = System.getenv().getOrDefault("DB_PASSWORD", "");
        try (Connection c = DriverManager.getConnection(admin, user, password);
             PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, NAME);
            try (ResultSet r = exists.executeQuery()) {
                if (!r.next()) {
                    try (Statement create = c.createStatement()) {
                        create.execute("CREATE DATABASE \"" + NAME.replace("\"", "") + "\"");
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("The tests need PostgreSQL at " + admin + ": " + e.getMessage(), e);
        }
        return Map.of();
    }

    @Override
    public void stop() {
    }
}
