package health.circles.outreach;

import health.circles.web.FreeText;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A segment as a client saves it. */
@Schema(name = "SegmentInput")
public record SegmentInput(
        @Schema(description = "Unique, case-insensitive") @NotBlank @Size(max = 100) String name,
        @FreeText @Size(max = 1000) String description,
        @NotNull @Valid SegmentFilter filter,
        @Schema(description = "Whether contacts who never answered for the channel (UNKNOWN) are members; default false")
        Boolean includeUnknown) {
}
