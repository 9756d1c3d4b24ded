package health.circles.network;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

/**
 * The strength formula: strength = min(1, declared + Σ weight(channel) × 0.5^(age / half-life)) over the touchpoints
 * both ends of a tie took part in. A touchpoint dated in the future counts as if it happened now. Every strength the
 * API shows (declared, tie, path, circle) lies on this one scale, 0..1.
 */
@ApplicationScoped
public class TieStrength {

    private final NetworkConfig.Strength config;

    public TieStrength(NetworkConfig config) {
        this.config = config.strength();
    }

    /** One touchpoint as it counts for strength. */
    public record Contribution(TouchpointChannel channel, Instant occurredAt) {
    }

    /** The top of the strength scale. */
    public static final double MAX = 1.0;

    /** A tie's strength on {@code now}, from its declared strength (0..1) and the touchpoints of its two ends. */
    public double of(double declared, Collection<Contribution> touchpoints, Instant now) {
        double sum = declared;
        for (Contribution c : touchpoints) {
            sum += weight(c.channel(), c.occurredAt(), now);
        }
        return Math.max(0, Math.min(MAX, sum));
    }

    /** What one touchpoint adds on {@code now}. */
    public double weight(TouchpointChannel channel, Instant occurredAt, Instant now) {
        double base = config.weights().of(channel);
        double ageDays = Math.max(0, Duration.between(occurredAt, now).toMillis()) / 86_400_000.0;
        double halfLifeDays = config.halfLife().toMillis() / 86_400_000.0;
        return base * Math.pow(0.5, ageDays / halfLifeDays);
    }
}
