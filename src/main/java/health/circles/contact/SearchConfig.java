package health.circles.contact;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.OptionalInt;

/** Contact search and listings: how many run their statements at once, and how long a call may wait for its turn. */
@ConfigMapping(prefix = "circles.contacts.search")
public interface SearchConfig {

    /**
     * How many searches and listings of one replica run their statements at once; the others wait in arrival order.
     * Unset: one more than the processors the service sees (3 on 2 cores, the best of 2, 3 and unlimited measured
     * there), at most the search pool's connections. Where the database has cores of its own, set it to about those
     * cores shared out between the replicas; more than the search pool's connections (DB_SEARCH_POOL_MAX) is refused
     * at start. See {@link SearchTurns}.
     */
    OptionalInt concurrency();

    /** How long a search waits for its turn before it answers 503 with Retry-After. */
    @WithDefault("10s")
    Duration queueWait();
}
