package health.circles.outreach;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A segment definition to preview before (or without) saving it. */
@Schema(name = "SegmentDraft")
public record SegmentDraft(
        @NotNull @Valid SegmentFilter filter,
        @Schema(description = "Whether contacts who never answered for the channel (UNKNOWN) are members; default false")
        Boolean includeUnknown) {
}
