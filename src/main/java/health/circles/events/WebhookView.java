package health.circles.events;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A webhook subscription as its owner reads it. The secret appears only in the answers that create it. */
@Schema(name = "Webhook")
public record WebhookView(
        UUID id,
        String url,
        List<String> types,
        String description,
        boolean includeRecord,
        boolean enabled,
        @Schema(description = "Why it was disabled: by its owner, after repeated failures, or a 410 from the target")
        String disabledReason,
        Instant disabledAt,
        @Schema(description = "Position of the last event delivered or passed over (not of its types)")
        long deliveredThrough,
        @Schema(description = "Consecutive failed attempts of the event now due") int failures,
        @Schema(description = "When the failed event is tried again") Instant nextAttemptAt,
        @Schema(description = "Until when the previous secret still signs beside the new one after a rotation")
        Instant previousSecretUntil,
        Instant createdAt,
        Instant updatedAt,
        @Schema(description = "The signing secret, whsec_ and base64; only in the answer to its creation or "
                + "rotation, never again: store it then") String secret) {

    static WebhookView of(WebhookStore.Subscription s, String secret, Instant now) {
        Instant previousUntil = s.previousSecret() != null && s.previousSecretUntil() != null
                && s.previousSecretUntil().isAfter(now) ? s.previousSecretUntil() : null;
        return new WebhookView(s.id(), s.url(), s.types(), s.description(), s.includeRecord(), s.enabled(),
                s.disabledReason(), s.disabledAt(), s.deliveredThrough(), s.failures(), s.nextAttemptAt(),
                previousUntil, s.createdAt(), s.updatedAt(), secret == null ? null : WebhookSignature.PREFIX + secret);
    }
}
