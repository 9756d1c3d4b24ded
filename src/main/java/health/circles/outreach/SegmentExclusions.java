package health.circles.outreach;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** How many contacts matched the filter but were left out for want of consent, and why; each is counted once. */
@Schema(name = "SegmentExclusions")
public record SegmentExclusions(
        @Schema(description = "Marked do-not-contact, whatever their consent") long doNotContact,
        @Schema(description = "Consent DENIED for the channel") long denied,
        @Schema(description = "No answer (UNKNOWN) for the channel, and the segment does not include UNKNOWN") long unknown) {

    public long total() {
        return doNotContact + denied + unknown;
    }
}
