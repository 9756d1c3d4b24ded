package health.circles.group;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.LocalDate;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A membership's new role and dates (all three replaced: since and until left out become none). */
@Schema(name = "MemberChange")
public record MemberChange(
        @NotBlank @Size(max = 40) String role,
        LocalDate since,
        @Schema(description = "null reopens an ended membership (409 when the contact holds another open one)")
        LocalDate until) {
}
