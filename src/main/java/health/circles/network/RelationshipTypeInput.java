package health.circles.network;

import health.circles.contact.ContactKind;
import health.circles.web.FreeText;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A relationship type an admin adds. */
@Schema(name = "RelationshipTypeInput")
public record RelationshipTypeInput(
        @Schema(description = "UPPER_SNAKE, at most 40 characters, unique among all codes and names")
        @NotNull @Size(max = RelationshipTypes.NAME_MAX)
        @Pattern(regexp = RelationshipTypes.NAME, message = RelationshipTypes.NAME_MESSAGE) String code,
        @Schema(description = "Default: the code") @Size(max = RelationshipTypes.NAME_MAX)
        @Pattern(regexp = RelationshipTypes.NAME, message = RelationshipTypes.NAME_MESSAGE) String forwardName,
        @Schema(description = "Required for a directed type (MENTORED_BY for MENTORS); a symmetric type's is its "
                + "forward name") @Size(max = RelationshipTypes.NAME_MAX)
        @Pattern(regexp = RelationshipTypes.NAME, message = RelationshipTypes.NAME_MESSAGE) String reverseName,
        @NotEmpty Set<@NotNull ContactKind> fromKinds,
        @NotEmpty Set<@NotNull ContactKind> toKinds,
        @NotNull Boolean symmetric,
        @Schema(description = "Only false (or absent): added types never grant access") Boolean grantsAccess,
        @Schema(description = "0..1, default 0.5") @DecimalMin("0.0") @DecimalMax("1.0") Double defaultWeight,
        @FreeText @Size(max = 500) String description) {
}
