package health.circles.security;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An admin's review of an emergency access, with an optional note. */
@Schema(name = "EmergencyReview")
public record EmergencyReview(
        @Schema(description = "Up to 500 characters, one line", maxLength = 500) @Size(max = 500)
        @Pattern(regexp = "[^\\p{Cntrl}]*", message = "must not contain control characters") String note) {
}
