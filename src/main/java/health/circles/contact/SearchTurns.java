package health.circles.contact;

import health.circles.Turns;
import health.circles.failure.Unavailable;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.function.Supplier;

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

    public SearchTurns(SearchConfig config) {
        int concurrency = config.concurrency().orElse(Runtime.getRuntime().availableProcessors() + 1);
        if (concurrency < 1) {
            throw new IllegalArgumentException("circles.contacts.search.concurrency must be at least 1");
        }
        this.turns = new Turns(concurrency, config.queueWait(), () -> new Unavailable("search-busy",
                "Service Unavailable", "Too many searches are running; retry shortly", Duration.ofSeconds(1)));
    }

    /** Runs {@code work} in its turn; 503 (Unavailable, retry after a second) when no turn comes within the wait. */
    public <T> T inTurn(Supplier<T> work) {
        return turns.inTurn(work);
    }
}
