package health.circles.contact;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of PUT: the writable fields of {@link ContactInput}, plus the read-only fields a GET answer carries, so that
 * a client can send back what it read. The read-only ones are checked or ignored, never written.
 */
@Schema(name = "ContactReplacement", description = """
        A contact as a client replaces it: the writable fields, and optionally the read-only fields of the GET answer.
        id, when given, must be the id in the path (400); version, when given, must be the current version like
        If-Match (412); displayName, createdAt and updatedAt are ignored. consent changes only the channels it names
        and doNotContact only when true or false is given; externalId left out keeps the stored one, null removes it.""")
public record ContactReplacement(
        @Schema(description = "Read-only: must equal the id in the path when given") UUID id,
        @NotNull ContactKind kind,
        @Size(max = 100) String givenName,
        @Size(max = 100) String familyName,
        @Schema(description = "Required for ORGANIZATION") @Size(max = 200) String organizationName,
        @Schema(description = "Read-only, ignored") String displayName,
        @Email @Size(max = 254) String email,
        @Pattern(regexp = ContactInput.PHONE, message = ContactInput.PHONE_MESSAGE)
        String phone,
        @Pattern(regexp = ContactInput.POSTAL_CODE, message = ContactInput.POSTAL_CODE_MESSAGE)
        String postalCode,
        @Size(max = 100) String city,
        @Schema(description = "BCP 47 language tags, e.g. en, es, pt-BR") @Size(max = 20)
        List<@NotNull @Pattern(regexp = ContactInput.LANGUAGE, message = ContactInput.LANGUAGE_MESSAGE) String> languages,
        @Size(max = 30) List<@NotBlank @Size(max = 100) String> specialties,
        @Size(max = 50)
        List<@NotNull @Pattern(regexp = ContactInput.TAG, message = ContactInput.TAG_MESSAGE) String> tags,
        @Schema(description = "Consent answers for the channels named; channels left out keep their answer. An answer "
                + "equal to the current one (as GET shows it) changes nothing")
        Map<@NotNull Channel, @NotNull @Valid ConsentInput> consent,
        @Schema(description = "true sets do-not-contact; false lifts it only when it is not set (lifting takes "
                + "POST /api/v1/contacts/{id}/consent); absent or null keeps it") Boolean doNotContact,
        @Schema(description = "Identifier in the system the contact came from; absent keeps it, null removes it")
        @Size(max = 100) String externalId,
        @Schema(description = "Read-only, ignored") Instant createdAt,
        @Schema(description = "Read-only, ignored") Instant updatedAt,
        @Schema(description = "Read-only: when given, must be the current version (like If-Match)") Long version) {

    ContactInput toInput() {
        return new ContactInput(kind, givenName, familyName, organizationName, email, phone, postalCode, city, languages,
                specialties, tags, consent, doNotContact, externalId);
    }
}
