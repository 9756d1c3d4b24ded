package health.circles.events;

import jakarta.validation.constraints.Size;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A change to a subscription: only the fields given change. {@code enabled: true} re-enables a disabled one. */
public record WebhookChange(
        @Size(max = WebhookTargets.MAX_URL) @Schema(description = "A new target URL") String url,
        @Size(min = 1, max = TypeFilter.MAX_PATTERNS) @Schema(description = "New event types") List<String> types,
        @Size(max = 500) String description,
        @Schema(description = "false pauses deliveries; true resumes them (also after automatic disabling), from "
                + "where they stopped") Boolean enabled,
        Boolean includeRecord) {
}
