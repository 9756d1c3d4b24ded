package health.circles.contact;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The writable fields of a contact: the body of POST and PUT, and what a merge PATCH is applied to. */
@Schema(name = "ContactInput", description = "A contact as a client writes it")
public record ContactInput(
        @NotNull ContactKind kind,
        @Size(max = 100) String givenName,
        @Size(max = 100) String familyName,
        @Schema(description = "Required for ORGANIZATION") @Size(max = 200) String organizationName,
        @Email @Size(max = 254) String email,
        @Pattern(regexp = PHONE, message = PHONE_MESSAGE)
        String phone,
        @Pattern(regexp = POSTAL_CODE, message = POSTAL_CODE_MESSAGE)
        String postalCode,
        @Size(max = 100) String city,
        @Schema(description = "BCP 47 language tags, e.g. en, es, pt-BR") @Size(max = 20)
        List<@NotNull @Pattern(regexp = LANGUAGE, message = LANGUAGE_MESSAGE) String> languages,
        @Size(max = 30) List<@NotBlank @Size(max = 100) String> specialties,
        @Size(max = 50)
        List<@NotNull @Pattern(regexp = TAG, message = TAG_MESSAGE) String> tags,
        @Schema(description = "Consent per channel, each answer an entry of the consent ledger. On create, channels left "
                + "out are UNKNOWN; a merge patch changes only the channels it names (null: UNKNOWN)")
        Map<@NotNull Channel, @NotNull @Valid ConsentInput> consent,
        @Schema(description = "true sets do-not-contact; false cannot lift it (POST /api/v1/contacts/{id}/consent with "
                + "DO_NOT_CONTACT GRANTED, its source and givenAt does); absent keeps it") Boolean doNotContact,
        @Schema(description = "Identifier in the system the contact came from") @Size(max = 100) String externalId) {

    // Shared with ContactReplacement (PUT), so that both bodies accept exactly the same values.
    static final String PHONE = "^\\+?[0-9][0-9 ().-]{3,28}[0-9]$";
    static final String PHONE_MESSAGE = "must be a phone number such as +1 555 010 2030";
    static final String POSTAL_CODE = "^[A-Za-z0-9][A-Za-z0-9 -]{1,10}$";
    static final String POSTAL_CODE_MESSAGE = "must be a postal code of 2 to 11 letters and digits";
    static final String LANGUAGE = "^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$";
    static final String LANGUAGE_MESSAGE = "must be a BCP 47 language tag such as en or pt-BR";
    static final String TAG = "^[\\p{L}\\p{N}][\\p{L}\\p{N} _-]{0,49}$";
    static final String TAG_MESSAGE = "must be 1 to 50 letters, digits, spaces, '-' or '_'";

    /** The first rule across fields that this input breaks, which Bean Validation on the record cannot express. */
    static final String NO_NAME = "a person needs a given or a family name";

    public java.util.Optional<health.circles.failure.DomainException.FieldError> shapeError() {
        if (kind == ContactKind.ORGANIZATION) {
            if (organizationName == null || organizationName.isBlank()) {
                return java.util.Optional.of(new health.circles.failure.DomainException.FieldError("organizationName",
                        "is required for an ORGANIZATION"));
            }
        } else if (kind != null && (givenName == null || givenName.isBlank()) && (familyName == null || familyName.isBlank())) {
            // Reported on familyName; the API names givenName too (see ContactService.checkShape).
            return java.util.Optional.of(new health.circles.failure.DomainException.FieldError("familyName", NO_NAME));
        }
        if (specialties != null && !specialties.isEmpty() && kind != null && !kind.isClinician()
                && kind != ContactKind.ORGANIZATION) {
            return java.util.Optional.of(new health.circles.failure.DomainException.FieldError("specialties",
                    "only clinicians and organisations have specialties"));
        }
        return java.util.Optional.empty();
    }
}
