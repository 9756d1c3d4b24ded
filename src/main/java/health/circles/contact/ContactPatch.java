package health.circles.contact;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of PATCH /api/v1/contacts/{id} as the API describes it (JSON merge patch, RFC 7396): the patchable fields
 * of a contact, each optional; null clears a field. The service applies the patch text itself ({@link ContactService}),
 * so this record only gives generated clients a typed body.
 */
@Schema(name = "ContactPatch", description = """
        A JSON merge patch (RFC 7396) of a contact: only the fields given change; null removes a field. The result is \
        validated like a PUT. Each consent channel named is a new answer taken as written (null: UNKNOWN); channels \
        left out keep theirs. doNotContact changes only when true or false is given; lifting it takes \
        POST /api/v1/contacts/{id}/consent.""")
public record ContactPatch(
        @Schema(description = "Cannot be removed") ContactKind kind,
        @Schema(nullable = true, maxLength = 100) String givenName,
        @Schema(nullable = true, maxLength = 100) String familyName,
        @Schema(nullable = true, maxLength = 200, description = "Required for ORGANIZATION") String organizationName,
        @Schema(nullable = true, maxLength = 254, format = "email") String email,
        @Schema(nullable = true, pattern = ContactInput.PHONE) String phone,
        @Schema(nullable = true, pattern = ContactInput.POSTAL_CODE) String postalCode,
        @Schema(nullable = true, maxLength = 100) String city,
        @Schema(nullable = true, maxItems = 20, description = "BCP 47 language tags, e.g. en, es, pt-BR")
        List<String> languages,
        @Schema(nullable = true, maxItems = 30) List<String> specialties,
        @Schema(nullable = true, maxItems = 50) List<String> tags,
        @Schema(nullable = true, description = "The channels named get the answer given; null for a channel: UNKNOWN")
        Map<Channel, ConsentInput> consent,
        @Schema(nullable = true, description = "true sets do-not-contact; false or null keep it") Boolean doNotContact,
        @Schema(nullable = true, maxLength = 100, description = "null removes it") String externalId) {

    /** The media type of a merge patch. */
    public static final String MEDIA_TYPE = "application/merge-patch+json";
}
