package health.circles.events;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Webhook delivery. Each setting is read from the environment variable named after it
 * ({@code circles.webhooks.max-failures}: {@code CIRCLES_WEBHOOKS_MAX_FAILURES}); the {@code @WithDefault}s are the
 * defaults.
 */
@ConfigMapping(prefix = "circles.webhooks")
public interface WebhooksConfig {

    /**
     * Whether targets on loopback, private, link-local, shared or metadata addresses are allowed: never in
     * production (a webhook would be a way into the internal network); true in dev and test profiles only.
     */
    @WithDefault("false")
    boolean allowPrivateTargets();

    /** Whether plain http:// targets are allowed: never in production; dev and test profiles only. */
    @WithDefault("false")
    boolean allowInsecure();

    /** How often the deliverer looks for due deliveries besides being woken by each publication. */
    @WithDefault("2s")
    Duration interval();

    /** Wait before the first retry of a failed delivery; doubled with each further failure. */
    @WithDefault("5s")
    Duration retryBackoff();

    /** The longest wait between two retries. */
    @WithDefault("PT1H")
    Duration maxBackoff();

    /** Consecutive failed deliveries after which a subscription is disabled (re-enable it with an update). */
    @WithDefault("10")
    int maxFailures();

    /** Time to connect to a target. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** Time for a whole delivery (request sent, answer received). */
    @WithDefault("10s")
    Duration requestTimeout();

    /** How long the previous secret keeps signing beside the new one after a rotation. */
    @WithDefault("PT24H")
    Duration rotationGrace();

    /** Delivery log rows older than this are deleted. */
    @WithDefault("P30D")
    Duration logRetention();

    /** Subscriptions a single owner (token subject) may hold. */
    @WithDefault("50")
    int maxPerOwner();
}
