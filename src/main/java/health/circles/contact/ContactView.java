package health.circles.contact;

import health.circles.security.AuditedRecord;
import health.circles.security.Disclosable;
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
        long version) implements AuditedRecord, Disclosable<ContactView> {

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

    /** A contact's view is decided by its own record. */
    @Override
    public List<UUID> disclosedBy() {
        return List.of(id);
    }

    /**
     * The contact as outreach and analysts see it: channels only where the contact consented to them and is not
     * do-not-contact, and no external (EHR) identifier.
     */
    @Override
    public ContactView limited() {
        boolean reachable = !doNotContact;
        boolean byEmail = reachable && granted(Channel.EMAIL);
        boolean byPhone = reachable && (granted(Channel.PHONE) || granted(Channel.SMS));
        boolean byMail = reachable && granted(Channel.MAIL);
        return new ContactView(id, kind, givenName, familyName, organizationName, displayName,
                byEmail ? email : null, byPhone ? phone : null, byMail ? postalCode : null, byMail ? city : null,
                languages, specialties, tags, consent, doNotContact, null, createdAt, updatedAt, version);
    }

    private boolean granted(Channel channel) {
        ConsentView c = consent == null ? null : consent.get(channel);
        return c != null && c.status() == ConsentStatus.GRANTED;
    }
}
