package health.circles.imports;

import health.circles.web.FreeText;
import health.circles.network.TieSource;
import health.circles.network.RelationshipTypes;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.LocalDate;

/** A tie row of an import: like the tie API's input, with its ends named by the contacts' external ids. */
public record TieRow(
        @NotBlank @Size(max = 100) String externalId,
        @NotBlank @Size(max = 100) String from,
        @NotBlank @Size(max = 100) String to,
        @NotNull @Size(max = RelationshipTypes.NAME_MAX) String type,
        LocalDate since,
        LocalDate until,
        @DecimalMin("0.0") @DecimalMax("1.0") Double declaredStrength,
        TieSource source,
        @FreeText @Size(max = 2000) String notes) {
}
