package health.circles.network;

import health.circles.web.FreeText;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.LocalDate;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A new tie as a client writes it. */
@Schema(name = "TieInput")
public record TieInput(
        @NotNull UUID from,
        @NotNull UUID to,
        @Schema(description = "A relationship type's code (GET /api/v1/relationship-types)")
        @NotNull @Size(max = RelationshipTypes.NAME_MAX) String type,
        LocalDate since,
        @Schema(description = "Set to end the tie; it stays in history") LocalDate until,
        @Schema(description = "0..1, default 0.5") @DecimalMin("0.0") @DecimalMax("1.0") Double declaredStrength,
        @Schema(description = "MANUAL (default), IMPORT or FHIR; TOUCHPOINT is reserved for inferred ties") TieSource source,
        @FreeText @Size(max = 2000) String notes,
        @Size(max = 100) String externalId) {
}
