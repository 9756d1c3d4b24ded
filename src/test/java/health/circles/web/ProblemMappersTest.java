package health.circles.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.persistence.OptimisticLockException;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.hibernate.StaleStateException;
import org.hibernate.exception.ConstraintViolationException;
import org.junit.jupiter.api.Test;

/** Races with another request, found however deep a commit wraps them, are 409s; anything else is no known problem. */
class ProblemMappersTest {

    @Test
    void aConcurrentUpdateWrappedByTheCommitIsAConflict() {
        RuntimeException commit = new IllegalStateException("commit failed",
                new RuntimeException("rolled back", new OptimisticLockException("row was updated")));
        Problem p = ProblemMappers.known(commit, "/fhir").orElseThrow();
        assertEquals(409, p.status());
        assertTrue(p.type().toString().endsWith("concurrent-update"), p.type().toString());
        assertEquals(409, ProblemMappers.known(new StaleStateException("stale"), null).orElseThrow().status());
    }

    @Test
    void aConstraintOfPostgresqlIsAConflictThatNamesNoHolder() {
        RuntimeException duplicate = new RuntimeException(new ConstraintViolationException("duplicate key",
                new SQLException("duplicate key", "23505"), "contact_external_id_key"));
        Problem p = ProblemMappers.known(duplicate, null).orElseThrow();
        assertEquals(409, p.status());
        assertTrue(p.type().toString().endsWith("duplicate-external-id"), p.type().toString());
        assertEquals(409, ProblemMappers.known(new IllegalStateException(new SQLException("deadlock detected",
                "40P01")), null).orElseThrow().status(), "a deadlock's victim may send the request again");
        assertEquals(409, ProblemMappers.known(new SQLException("canceling statement due to lock timeout", "55P03"),
                null).orElseThrow().status());
        assertEquals(Optional.empty(), ProblemMappers.known(new IllegalStateException("a bug"), null));
        assertEquals(Optional.empty(), ProblemMappers.known(new RuntimeException(new NullPointerException()), null));
    }

    @Test
    void aStoreThatIsNotThereIsAnOutageToRetryNotAFault() {
        for (Throwable down : List.<Throwable>of(
                new org.neo4j.driver.exceptions.ServiceUnavailableException("no route"),
                new RuntimeException(new org.neo4j.driver.exceptions.SessionExpiredException("gone")),
                new org.neo4j.driver.exceptions.TransientException("Neo.TransientError.General.DatabaseUnavailable", "x"),
                new org.neo4j.driver.exceptions.ClientException(
                        "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration", "timed out"),
                new IllegalStateException(new SQLException("Sorry, acquisition timeout!")),
                new RuntimeException(new SQLException("canceling statement due to statement timeout", "57014")),
                new SQLException("Connection refused", "08001"))) {
            var outage = ProblemMappers.outage(down).orElseThrow(() -> new AssertionError(down.toString()));
            assertEquals(5, outage.retryAfter().toSeconds(), down.toString());
        }
        assertEquals("graph-unavailable", ProblemMappers.outage(
                new org.neo4j.driver.exceptions.ServiceUnavailableException("x")).orElseThrow().code());
        assertEquals(Optional.empty(), ProblemMappers.outage(new org.neo4j.driver.exceptions.ClientException(
                "Neo.ClientError.Statement.SyntaxError", "a mistake of ours")));
        assertEquals(Optional.empty(), ProblemMappers.outage(new SQLException("syntax error", "42601")));
    }
}
