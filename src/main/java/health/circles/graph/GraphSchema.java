package health.circles.graph;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.neo4j.driver.Driver;

/** Constraints and indexes of the graph, created idempotently before the graph is first written. */
@ApplicationScoped
public class GraphSchema {

    private static final List<String> STATEMENTS = List.of(
            "CREATE CONSTRAINT contact_id IF NOT EXISTS FOR (c:Contact) REQUIRE c.id IS UNIQUE",
            "CREATE INDEX contact_kind IF NOT EXISTS FOR (c:Contact) ON (c.kind)",
            "CREATE CONSTRAINT deleted_contact_id IF NOT EXISTS FOR (d:DeletedContact) REQUIRE d.id IS UNIQUE",
            "CREATE INDEX tie_id IF NOT EXISTS FOR ()-[t:TIE]-() ON (t.id)",
            // Every question about ties starts from a contact and filters the type as it walks, so an index of the
            // ties by type answered none, and cost every tie written a second index entry: an eighth of the time 1M
            // ties take to write, on average (bench/RESULTS.md, issue 17, fourteenth session). Older stores drop it.
            "DROP INDEX tie_type IF EXISTS",
            // Holds only ties that have an end: analytics asks it whether any tie has ended, and which ties written
            // before untilDay existed still lack it.
            "CREATE INDEX tie_until IF NOT EXISTS FOR ()-[t:TIE]-() ON (t.until)",
            // A native projection names the property even when no tie has one yet; the key must exist.
            "CALL db.createProperty('untilDay')",
            "CREATE CONSTRAINT group_id IF NOT EXISTS FOR (g:Group) REQUIRE g.id IS UNIQUE",
            "CREATE CONSTRAINT deleted_group_id IF NOT EXISTS FOR (d:DeletedGroup) REQUIRE d.id IS UNIQUE",
            "CREATE INDEX group_member_id IF NOT EXISTS FOR ()-[m:MEMBER_OF_GROUP]-() ON (m.id)");

    private final Driver driver;
    private volatile boolean ready;

    GraphSchema(Driver driver) {
        this.driver = driver;
    }

    /** Creates what is missing; cheap once done. Throws while Neo4j is unreachable. */
    public void ensure() {
        if (ready) {
            return;
        }
        synchronized (this) {
            if (ready) {
                return;
            }
            for (String statement : STATEMENTS) {
                driver.executableQuery(statement).execute();
            }
            driver.executableQuery("CALL db.awaitIndexes(60)").execute();
            ready = true;
        }
    }

    /** Forget that the schema is in place, e.g. after the store was wiped. */
    public void invalidate() {
        ready = false;
    }
}
