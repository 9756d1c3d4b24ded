package health.circles.group;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.LocalDate;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A new membership: who, in what role, from and until when. */
@Schema(name = "MemberInput")
public record MemberInput(
        @NotNull UUID contactId,
        @Schema(description = "A code of the group kind's vocabulary (household: head, partner, child, dependent, "
                + "guardian, member; care team: patient, caregiver, physician, nurse, clinician, coordinator, "
                + "social_worker, pharmacist, member; …); default member (patient on a clinic panel)")
        @Size(max = 40) String role,
        LocalDate since,
        @Schema(description = "Set for a membership that already ended; it stays in history") LocalDate until) {
}
