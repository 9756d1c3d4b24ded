package health.circles.contact;

import health.circles.security.AuditedRecord;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A contact as the API shows it. */
@Schema(name = "Contact")
public record ContactView(
        UUID id,
        ContactKind kind,
        String givenName,
        String familyName,
        String organizationName,
        String displayName,
        String email,
        String phone,
        String postalCode,
        String city,
        List<String> languages,
        List<String> specialties,
        List<String> tags,
        @Schema(description = "Every channel, UNKNOWN where the contact has not answered") Map<Channel, ConsentView> consent,
        boolean doNotContact,
        String externalId,
        Instant createdAt,
        Instant updatedAt,
        long version) implements AuditedRecord {

    /** One channel's consent. */
    public record ConsentView(ConsentStatus status, Instant at, String source) {
    }

    @Override
    public String auditId() {
        return id.toString();
    }

    @Override
    public Set<UUID> auditContacts() {
        return Set.of(id);
    }

    static ContactView of(Contact c) {
        Map<Channel, ConsentView> consent = new EnumMap<>(Channel.class);
        for (Channel channel : Channel.values()) {
            ConsentRecord r = c.consent.get(channel);
            consent.put(channel, r == null
                    ? new ConsentView(ConsentStatus.UNKNOWN, null, null)
                    : new ConsentView(r.status, r.recordedAt, r.source));
        }
        return new ContactView(c.id, c.kind, c.givenName, c.familyName, c.organizationName, c.displayName, c.email,
                c.phone, c.postalCode, c.city, List.copyOf(c.languages), List.copyOf(c.specialties), List.copyOf(c.tags),
                consent, c.doNotContact, c.externalId, c.createdAt, c.updatedAt, c.version);
    }

    /** The writable part, which a merge patch is applied to (consent and do-not-contact come from the patch alone). */
    ContactInput toInput() {
        Map<Channel, ConsentInput> given = new EnumMap<>(Channel.class);
        consent.forEach((channel, v) -> {
            if (v.at() != null) {
                given.put(channel, new ConsentInput(v.status(), null, v.source()));
            }
        });
        return new ContactInput(kind, givenName, familyName, organizationName, email, phone, postalCode, city, languages,
                specialties, tags, given, doNotContact, externalId);
    }
}
