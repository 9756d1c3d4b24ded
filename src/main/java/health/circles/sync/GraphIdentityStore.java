package health.circles.sync;

import health.circles.Sql;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

/**
 * Which graph store PostgreSQL's applied outbox rows went to. Neo4j names each database with an id of its own
 * ({@code db.info()}), new whenever the store is created anew; {@code sync_state.graph_store_id} (V48) records the one
 * the relay has been writing to, or that a rebuild filled. A store whose id is not the one recorded holds none of the
 * changes PostgreSQL counts as applied (an emptied or new data directory, another server).
 */
@ApplicationScoped
class GraphIdentityStore {

    private final AgroalDataSource dataSource;
    private final Driver driver;

    GraphIdentityStore(AgroalDataSource dataSource, Driver driver) {
        this.dataSource = dataSource;
        this.driver = driver;
    }

    /** The id of the graph database the driver writes to. */
    String current() {
        try (Session session = driver.session()) {
            return session.executeRead(tx -> tx.run("CALL db.info() YIELD id RETURN id").single().get("id").asString());
        }
    }

    /** Whether the graph holds no node at all (read from Neo4j's counts, not by a scan). */
    boolean graphEmpty() {
        try (Session session = driver.session()) {
            return session.executeRead(tx -> tx.run("MATCH (n) RETURN count(n) AS n").single().get("n").asLong()) == 0;
        }
    }

    /** The store recorded as holding PostgreSQL's applied changes, if any was recorded yet. */
    Optional<String> recorded() {
        return Sql.query(dataSource, "SELECT graph_store_id FROM sync_state WHERE id = 1", List.of(),
                r -> Optional.ofNullable(r.getString(1))).stream().findFirst().flatMap(o -> o);
    }

    void record(String storeId) {
        Sql.update(dataSource, "UPDATE sync_state SET graph_store_id = ? WHERE id = 1", List.of(storeId));
    }
}
