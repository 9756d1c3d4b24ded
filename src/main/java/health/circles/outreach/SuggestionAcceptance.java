package health.circles.outreach;

import health.circles.network.RelationshipTypes;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Accepting a suggested tie: its type and declared strength, both optional. */
@Schema(name = "SuggestionAcceptance")
public record SuggestionAcceptance(
        @Schema(description = "A relationship type's code; default FRIEND_OF") @Size(max = RelationshipTypes.NAME_MAX)
        String type,
        @Schema(description = "0..1, default the type's") @DecimalMin("0.0") @DecimalMax("1.0") Double declaredStrength,
        @Schema(description = "The measure that proposed it, kept with the decision", enumeration = {"ADAMIC_ADAR",
                "RESOURCE_ALLOCATION", "COMMON_NEIGHBORS"}) @Size(max = 40) String measure) {
}
