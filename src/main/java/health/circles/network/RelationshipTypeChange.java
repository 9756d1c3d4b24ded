package health.circles.network;

import health.circles.web.FreeText;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A change to a relationship type: how it reads and its default weight, never what it means (code, kinds, direction,
 * access), since existing ties would change meaning with it. A field left out or null stays as it is.
 */
@Schema(name = "RelationshipTypeChange")
public record RelationshipTypeChange(
        @Schema(description = "Added types only; built-in names are the documented vocabulary")
        @Size(max = RelationshipTypes.NAME_MAX)
        @Pattern(regexp = RelationshipTypes.NAME, message = RelationshipTypes.NAME_MESSAGE) String forwardName,
        @Schema(description = "Added directed types only; a symmetric type's follows its forward name")
        @Size(max = RelationshipTypes.NAME_MAX)
        @Pattern(regexp = RelationshipTypes.NAME, message = RelationshipTypes.NAME_MESSAGE) String reverseName,
        @Schema(description = "Empty text removes it") @FreeText @Size(max = 500) String description,
        @Schema(description = "0..1; applies to ties created from now on") @DecimalMin("0.0") @DecimalMax("1.0")
        Double defaultWeight) {
}
