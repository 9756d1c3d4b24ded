package health.circles.contact;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Why a clinician opens a record they have no care relationship with. */
@Schema(name = "EmergencyAccessRequest")
public record EmergencyAccessRequest(
        @Schema(description = "The emergency, for the reviewing admin: 1 to 500 characters, one line", maxLength = 500)
        @NotBlank @Size(max = 500)
        @Pattern(regexp = "[^\\p{Cntrl}]*", message = "must not contain control characters") String reason) {
}
