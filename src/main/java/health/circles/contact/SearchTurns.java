package health.circles.contact;

import health.circles.Turns;
import health.circles.failure.Unavailable;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Admission for search and listing statements: at most {@link SearchConfig#concurrency()} run at once, the rest wait
 * their turn first come, first served.
 *
 * <p>Why: a search costs the database from under a millisecond to about 20 ms (a common name matches thousands of
 * contacts, each ranked). When every caller's statement runs at once, the database's cores are shared among all of
 * them, so a costly search is stretched by the number running beside it: at 8 callers on 2 cores, the slowest 1 %
 * took 76-115 ms while the median took 11-16 ms. Taking turns, three at a time, a call waits only for those ahead of
 * it: 56-65 ms at the 99th percentile, for between 20 % fewer and 15 % more calls a second, depending on the round
 * (alternated rounds on the same machine and load, bench/ab/run.sh; bench/RESULTS.md, issue 17, ninth session).
 */
@ApplicationScoped
public class SearchTurns {

    private final Turns turns;

    /**
     * {@code searchPool}: the connections of the text searches' pool ({@link ContactStore#SEARCH_POOL}). More turns
     * than connections would have the extra searches wait for a connection, past their turn and outside its
     * queue-wait, then fail; so that setting is refused at start, and the default (processors + 1) stops at the pool's
     * size.
     */
    public SearchTurns(SearchConfig config,
                       @ConfigProperty(name = "quarkus.datasource.search.jdbc.max-size") int searchPool) {
        int concurrency = config.concurrency()
                .orElse(Math.min(Runtime.getRuntime().availableProcessors() + 1, searchPool));
        if (concurrency < 1) {
            throw new IllegalArgumentException("circles.contacts.search.concurrency must be at least 1");
        }
        if (concurrency > searchPool) {
            throw new IllegalArgumentException(("circles.contacts.search.concurrency is %d, more than the %d connections"
                    + " of the search pool (quarkus.datasource.search.jdbc.max-size, DB_SEARCH_POOL_MAX): raise the"
                    + " pool or lower the concurrency").formatted(concurrency, searchPool));
        }
        this.turns = new Turns(concurrency, config.queueWait(), () -> new Unavailable("search-busy",
                "Service Unavailable", "Too many searches are running; retry shortly", Duration.ofSeconds(1)));
    }

    /** Runs {@code work} in its turn; 503 (Unavailable, retry after a second) when no turn comes within the wait. */
    public <T> T inTurn(Supplier<T> work) {
        return turns.inTurn(work);
    }
}
