package health.circles.network;

import health.circles.web.FreeText;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.LocalDate;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The mutable part of a tie (its ends and type are fixed: a different relationship is a different tie). */
@Schema(name = "TieChange")
public record TieChange(
        LocalDate since,
        LocalDate until,
        @NotNull @DecimalMin("0.0") @DecimalMax("1.0") Double declaredStrength,
        @FreeText @Size(max = 2000) String notes) {
}
