package health.circles.imports;

import health.circles.web.FreeText;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PastOrPresent;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A touchpoint row of an import, its participants named by their external ids. */
public record TouchpointRow(
        @NotBlank @Size(max = 100) String externalId,
        @NotNull @Pattern(regexp = "IN_PERSON|HOME_VISIT|EVENT|PHONE|VIDEO|PORTAL|SMS|EMAIL|SOCIAL",
                message = "must be one of IN_PERSON, HOME_VISIT, EVENT, PHONE, VIDEO, PORTAL, SMS, EMAIL, SOCIAL") String channel,
        @NotNull @PastOrPresent Instant occurredAt,
        @Size(max = 200) String topic,
        @FreeText @Size(max = 200) String outcome,
        // Clinical: topic and outcome shown only to those who see a participant whole, as the API's field. Once a
        // touchpoint is clinical an import does not make it otherwise (a later row without the field leaves it).
        Boolean clinical,
        UUID campaignId,
        @NotNull @Size(min = 2, max = 100, message = "must name 2 to 100 participants") List<@NotBlank @Size(max = 100) String> participants) {
}
