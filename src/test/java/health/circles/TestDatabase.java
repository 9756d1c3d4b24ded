package health.circles;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Prepares the tests' database on the real PostgreSQL (TEST_DB_HOST, default 127.0.0.1:5432; database TEST_DB_NAME,
 * default circles_test) before Quarkus boots, as a deployment is set up: owned by circles_owner, which runs the
 * migrations (Flyway then wipes and migrates it), while the service connects as circles_app. The superuser it uses is
 * DB_ADMIN_USERNAME (default postgres).
 */
@QuarkusTestResource(TestDatabase.class)
public class TestDatabase implements QuarkusTestResourceLifecycleManager {

    static final String NAME = System.getenv().getOrDefault("TEST_DB_NAME", "circles_test");

    @Override
    public Map<String, String> start() {
        String server = "jdbc:postgresql://" + System.getenv().getOrDefault("TEST_DB_HOST", "127.0.0.1:5432") + "/";
        LocalRoles.prepare(server, System.getenv().getOrDefault("DB_ADMIN_USERNAME", "postgres"),
                System.getenv().getOrDefault("DB_ADMIN_PASSWORD", ""), NAME, true);
        return Map.of();
    }

    @Override
    public void stop() {
    }
}
