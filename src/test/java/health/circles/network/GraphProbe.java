package health.circles.network;

import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.sync.GraphRelay;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.neo4j.driver.Driver;

/** Test helper that looks into Neo4j directly, after letting the relay apply everything written so far. */
@ApplicationScoped
class GraphProbe {

    private final Driver driver;
    private final GraphRelay relay;
    private final AgroalDataSource dataSource;

    GraphProbe(Driver driver, GraphRelay relay, AgroalDataSource dataSource) {
        this.driver = driver;
        this.relay = relay;
        this.dataSource = dataSource;
    }

    /** Waits until the relay applied every outbox row committed so far. */
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

    /** The TIE relationship with this id: type, strength, until, untilDay, from, to, symmetric; null when absent. */
    Map<String, Object> edge(String id) {
        caughtUp();
        try (var session = driver.session()) {
            return session.executeRead(tx -> {
                var rows = tx.run("""
                        MATCH (a)-[t:TIE {id: $id}]->(b)
                        RETURN t.type AS type, t.strength AS strength, toString(t.until) AS until,
                               t.untilDay AS untilDay, a.id AS from, b.id AS to, t.symmetric AS symmetric""",
                        Map.of("id", id)).list();
                return rows.isEmpty() ? null : rows.get(0).asMap();
            });
        }
    }

    long count(String cypher, Map<String, Object> params) {
        caughtUp();
        try (var session = driver.session()) {
            return session.executeRead(tx -> tx.run(cypher, params).single().get(0).asLong());
        }
    }

    /** Applies changes through a projection, as the relay would. */
    void apply(health.circles.sync.GraphProjection projection, String type, java.util.List<Map<String, Object>> rows) {
        try (var session = driver.session()) {
            session.executeWriteWithoutResult(tx -> projection.apply(tx, type, rows));
        }
    }

    void write(String cypher, Map<String, Object> params) {
        try (var session = driver.session()) {
            session.executeWriteWithoutResult(tx -> tx.run(cypher, params).consume());
        }
    }
}
