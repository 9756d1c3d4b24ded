package health.circles.contact;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PastOrPresent;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One explicit consent answer, the body of POST /contacts/{id}/consent: the way to lift an opt-out. */
@Schema(name = "ConsentEntryInput")
public record ConsentEntryInput(
        @Schema(description = "A contact channel, or DO_NOT_CONTACT (DENIED sets it, GRANTED lifts it)")
        @NotNull ConsentChannel channel,
        @Schema(description = "GRANTED, DENIED, or UNKNOWN (not for DO_NOT_CONTACT)") @NotNull ConsentStatus status,
        @Schema(description = "When the contact gave the answer") @NotNull @PastOrPresent Instant givenAt,
        @Schema(description = "How the answer was collected, e.g. signed-form, phone-call") @NotBlank @Size(max = 100)
        String source) {
}
