package health.circles.contact;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PastOrPresent;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A consent answer for one channel as a contact body states it; it becomes an entry of the consent ledger. */
public record ConsentInput(
        @NotNull ConsentStatus status,
        @Schema(description = "When the contact answered; defaults to the time Circles receives it. Lifting an opt-out needs it, and a source") @PastOrPresent Instant at,
        @Schema(description = "How the answer was collected, e.g. intake-form, phone-call") @Size(max = 100) String source) {
}
