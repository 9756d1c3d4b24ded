package health.circles.events;

import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One attempt to deliver an event to a webhook. */
@Schema(name = "WebhookDelivery")
public record DeliveryView(
        @Schema(description = "The event's position") long position,
        @Schema(description = "The webhook-id header sent: the same on every attempt of the event") String messageId,
        String eventType,
        @Schema(description = "1 for the first attempt") int attempt,
        Instant attemptedAt,
        @Schema(description = "The target's HTTP status; absent when none came (refused, timed out)") Integer status,
        Long latencyMs,
        @Schema(description = "What went wrong, when it did") String error,
        @Schema(description = "When it is tried again, after a failure") Instant nextRetryAt) {

    static DeliveryView of(WebhookStore.Delivery d) {
        return new DeliveryView(d.position(), d.messageId(), d.eventType(), d.attempt(), d.attemptedAt(), d.status(),
                d.latencyMs(), d.error(), d.nextRetryAt());
    }
}
