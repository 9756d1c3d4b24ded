package health.circles.events;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The change event feed and its publication. Each setting is read from the environment variable named after it
 * ({@code circles.events.retention}: {@code CIRCLES_EVENTS_RETENTION}); the {@code @WithDefault}s are the defaults.
 */
@ConfigMapping(prefix = "circles.events")
public interface EventsConfig {


    /** Published events older than this are purged; an {@code after} below them is answered 410. */
    @WithDefault("P30D")
    Duration retention();

    /** How often the publisher looks for committed events besides being nudged after each commit. */
    @WithDefault("1s")
    Duration publishInterval();

    /**
     * Events numbered per publishing transaction: whole transactions are taken until they hold this many, and always
     * one, however many events it wrote.
     */
    @WithDefault("5000")
    int publishBatch();

    /** The longest {@code wait} (long poll) the feed accepts, in seconds. */
    @WithDefault("30")
    int maxWait();
}
