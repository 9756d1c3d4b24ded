package health.circles.group;

import health.circles.web.FreeText;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A group as a client writes it; on creation it may bring its first members. */
@Schema(name = "GroupInput")
public record GroupInput(
        @Schema(description = "Fixed once the group has members") @NotNull GroupKind kind,
        @NotBlank @Size(max = 200) String name,
        @Schema(description = "Free text; may be clinical (a care team's purpose), so shown whole only to those who "
                + "see a member's record whole") @FreeText @Size(max = 2000) String description,
        @Schema(description = "The source system's identifier (e.g. FHIR Group.identifier); unique") @Size(max = 100)
        String externalId,
        @Schema(description = "The organisation that manages the group: a contact of kind ORGANIZATION")
        UUID managingOrganization,
        @Schema(description = "Members to add with the group (creation only; at most 500)")
        @Size(max = 500) List<@NotNull @Valid MemberInput> members) {
}
