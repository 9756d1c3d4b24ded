package health.circles.events;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A new webhook subscription. */
public record WebhookInput(
        @NotNull @Size(max = WebhookTargets.MAX_URL)
        @Schema(description = "https URL the events are POSTed to; it must resolve to public addresses only",
                example = "https://crm.example.org/hooks/circles") String url,
        @NotEmpty @Size(max = TypeFilter.MAX_PATTERNS)
        @Schema(description = "Event types: a type, <kind>.* or *", example = "[\"contact.*\", \"tie.created\"]")
        List<String> types,
        @Size(max = 500) @Schema(description = "What it is for") String description,
        @Schema(description = "Carry the record (as read at delivery) in each payload; for admin and integration "
                + "owners only, who read records whole", defaultValue = "false") Boolean includeRecord) {
}
