package health.circles.events;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Where a replay starts: the position of the first event to deliver again. */
public record ReplayRequest(
        @NotNull @Min(1) @Schema(description = "Deliver again the subscription's events from this position on",
                example = "1000") Long from) {
}
