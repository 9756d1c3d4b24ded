package health.circles.fhir;

import health.circles.contact.Channel;
import health.circles.contact.ContactKind;
import health.circles.group.GroupKind;
import java.util.Map;
import java.util.Optional;

/** The FHIR codes Circles reads and writes besides relationships: qualifications, consent channels and policies. */
final class FhirCodes {

    static final String V2_0360 = "http://terminology.hl7.org/CodeSystem/v2-0360";
    static final String CONTACT_POINT_SYSTEM = "http://hl7.org/fhir/contact-point-system";
    static final String PARTICIPATION_MODE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode";
    static final String ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
    static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    static final String CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope";
    static final String LOINC = "http://loinc.org";
    static final String BCP47 = "urn:ietf:bcp:47";
    /** The system of identifiers written out for a contact's externalId (the REST API's and imports' own key). */
    static final String EXTERNAL_ID_SYSTEM = "https://circles.health/fhir/sid/external-id";

    /** Circles' code system for Group.code: the kind of group (household, care-team, congregation...). */
    static final String GROUP_KIND = "https://circles.health/fhir/CodeSystem/group-kind";

    private static final Map<String, ContactKind> QUALIFICATION_KINDS = Map.ofEntries(
            Map.entry("MD", ContactKind.PHYSICIAN), Map.entry("DO", ContactKind.PHYSICIAN),
            Map.entry("MBBS", ContactKind.PHYSICIAN),
            Map.entry("RN", ContactKind.NURSE), Map.entry("LPN", ContactKind.NURSE), Map.entry("NP", ContactKind.NURSE),
            Map.entry("CNM", ContactKind.NURSE), Map.entry("CNS", ContactKind.NURSE), Map.entry("BSN", ContactKind.NURSE),
            Map.entry("MSN", ContactKind.NURSE), Map.entry("CNA", ContactKind.NURSE));

    private FhirCodes() {
    }

    /** The kind a qualification (HL7 v2 table 0360, degree/license) makes a practitioner, if it says. */
    static Optional<ContactKind> kindOfQualification(String system, String code) {
        if (code == null || system != null && !system.startsWith(V2_0360)) {
            return Optional.empty();
        }
        return Optional.ofNullable(QUALIFICATION_KINDS.get(code));
    }

    /**
     * The group kind a Group.code coding names: Circles' group-kind code system (household, care-team, congregation,
     * clinic-panel, support-group, other), or a coding without a system carrying one of those codes.
     */
    static Optional<GroupKind> groupKind(String system, String code) {
        if (code == null || system != null && !system.equals(GROUP_KIND)) {
            return Optional.empty();
        }
        for (GroupKind kind : GroupKind.values()) {
            if (groupKindCode(kind).equals(code)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    /** The code of a group kind in Circles' group-kind code system: HOUSEHOLD is household, CARE_TEAM care-team. */
    static String groupKindCode(GroupKind kind) {
        return kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The contact channel a consent provision's code names, if it is one. */
    static Optional<Channel> channel(String system, String code) {
        if (code == null || system == null) {
            return Optional.empty();
        }
        if (system.equals(CONTACT_POINT_SYSTEM)) {
            return switch (code) {
                case "email" -> Optional.of(Channel.EMAIL);
                case "sms" -> Optional.of(Channel.SMS);
                case "phone" -> Optional.of(Channel.PHONE);
                default -> Optional.empty();
            };
        }
        if (system.equals(PARTICIPATION_MODE)) {
            return switch (code) {
                case "EMAILWRIT" -> Optional.of(Channel.EMAIL);
                case "PHONE" -> Optional.of(Channel.PHONE);
                case "MAILWRIT" -> Optional.of(Channel.MAIL);
                case "FACE" -> Optional.of(Channel.IN_PERSON);
                default -> Optional.empty();
            };
        }
        return Optional.empty();
    }

    /** The coding a channel is written out as. */
    static String[] channelOut(Channel channel) {
        return switch (channel) {
            case EMAIL -> new String[]{CONTACT_POINT_SYSTEM, "email", "Email"};
            case SMS -> new String[]{CONTACT_POINT_SYSTEM, "sms", "SMS"};
            case PHONE -> new String[]{CONTACT_POINT_SYSTEM, "phone", "Phone"};
            case MAIL -> new String[]{PARTICIPATION_MODE, "MAILWRIT", "mail"};
            case IN_PERSON -> new String[]{PARTICIPATION_MODE, "FACE", "face-to-face"};
        };
    }
}
