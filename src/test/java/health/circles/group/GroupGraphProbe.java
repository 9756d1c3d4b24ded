package health.circles.group;

import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.sync.GraphRelay;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Driver;

/** Test helper that looks at groups in Neo4j directly, after letting the relay apply everything written so far. */
@ApplicationScoped
class GroupGraphProbe {

    private final Driver driver;
    private final GraphRelay relay;
    private final AgroalDataSource dataSource;

    GroupGraphProbe(Driver driver, GraphRelay relay, AgroalDataSource dataSource) {
        this.driver = driver;
        this.relay = relay;
        this.dataSource = dataSource;
    }

    void caughtUp() {
        long latest;
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT coalesce(max(position), 0) FROM outbox")) {
            r.next();
            latest = r.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        assertTrue(relay.awaitApplied(latest, Duration.ofSeconds(60)), "the relay applied the outbox");
    }

    /** Rows of a read query, once the relay caught up. */
    List<Map<String, Object>> rows(String cypher, Map<String, Object> params) {
        caughtUp();
        try (var session = driver.session()) {
            return session.executeRead(tx -> tx.run(cypher, params).list(r -> r.asMap()));
        }
    }

    void write(String cypher, Map<String, Object> params) {
        try (var session = driver.session()) {
            session.executeWriteWithoutResult(tx -> tx.run(cypher, params).consume());
        }
    }

    /** The group's node (kind, name) and its members (contact id → role, until), empty when the node is absent. */
    Map<String, Object> group(String id) {
        List<Map<String, Object>> found = rows("""
                MATCH (g:Group {id: $id})
                OPTIONAL MATCH (c:Contact)-[m:MEMBER_OF_GROUP]->(g)
                RETURN g.kind AS kind, g.name AS name,
                       collect(CASE WHEN c IS NULL THEN null
                               ELSE {contact: c.id, role: m.role, until: toString(m.until)} END) AS members""",
                Map.of("id", id));
        return found.isEmpty() ? Map.of() : found.get(0);
    }
}
