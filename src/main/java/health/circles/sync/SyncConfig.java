package health.circles.sync;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How the relay drains the outbox into Neo4j. Each setting is read from the environment variable named after it
 * ({@code circles.sync.batch-size}: {@code CIRCLES_SYNC_BATCH_SIZE}); the {@code @WithDefault}s are the defaults.
 */
@ConfigMapping(prefix = "circles.sync")
public interface SyncConfig {

    /** Outbox rows applied per graph transaction. */
    @WithDefault("1000")
    int batchSize();

    /**
     * Changes applied per graph transaction at most: batch rows of bulk imports count as the changes they carry, so a
     * relay batch stops early rather than apply a million ties in one transaction. The default is one import batch
     * (ImportConfig's batch size) per graph transaction: Neo4j's relationship index lookups also scan the relationships
     * created earlier in the same transaction, so several 5k-tie batches in one transaction slow down quadratically.
     */
    @WithDefault("5000")
    int maxItems();

    /**
     * Payload bytes applied per graph transaction at most (the JSON text of the rows); a single larger row still goes,
     * alone, so that nothing is ever too big to be relayed.
     */
    @WithDefault("8388608")
    long maxBytes();

    /**
     * Graph transactions one relay batch may run at once, each within the bounds above. They go side by side only
     * when every change they carry may ({@link GraphProjection#sideBySide}) and no element appears in two of them; any
     * other batch applies its transactions one after another, in position order. 1 applies one at a time.
     */
    @WithDefault("2")
    int writers();

    /**
     * Failed attempts after which a row moves to the dead letters and the relay goes on. Neo4j being unreachable is
     * not an attempt: only errors of the row itself count (docs/sync.md).
     */
    @WithDefault("5")
    int maxAttempts();

    /** Wait before a failed row is tried again; doubled with each further attempt. */
    @WithDefault("1s")
    Duration retryBackoff();

    /** How often the relay looks for work besides being woken by each commit. */
    @WithDefault("2s")
    Duration interval();

    /**
     * How long one batch may take in Neo4j before it is abandoned and retried; a stuck graph transaction must not
     * hold the outbox transaction open indefinitely.
     */
    @WithDefault("30s")
    Duration graphTimeout();

    /** Applied outbox rows older than this are deleted. */
    @WithDefault("P7D")
    Duration retention();

    /** How often the applied rows past the retention are deleted ({@link OutboxPurge}). */
    @WithDefault("5m")
    Duration purgeEvery();
}
