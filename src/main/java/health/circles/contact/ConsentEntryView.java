package health.circles.contact;

import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One entry of a contact's consent history. */
@Schema(name = "ConsentEntry")
public record ConsentEntryView(
        UUID id,
        ConsentChannel channel,
        ConsentStatus status,
        @Schema(description = "When the contact gave the answer (the source's time, else when Circles received it)")
        Instant givenAt,
        @Schema(description = "When Circles recorded it") Instant recordedAt,
        String source,
        @Schema(description = "Who recorded it (token subject, or import:<job id>); shown to callers who see the "
                + "contact's whole record") String recordedBy,
        @Schema(description = "The request that recorded it, as in the audit trail; shown like recordedBy") String requestId) {

    static ConsentEntryView of(ConsentLedger.Recorded r, boolean whole) {
        return new ConsentEntryView(r.id(), r.channel(), r.status(), r.givenAt(), r.recordedAt(), r.source(),
                whole ? r.recordedBy() : null, whole ? r.requestId() : null);
    }
}
