package health.circles.group;

import health.circles.contact.ContactKind;
import java.util.List;

/**
 * What a group is, and so which member roles it takes: a small vocabulary per kind (FHIR maps CareTeam participants
 * and Group members onto these codes). A role may ask for a contact kind: a care team's physician is a PHYSICIAN.
 */
public enum GroupKind {
    HOUSEHOLD(List.of("head", "partner", "child", "dependent", "guardian", "member")),
    CARE_TEAM(List.of("patient", "caregiver", "physician", "nurse", "clinician", "coordinator", "social_worker",
            "pharmacist", "member")),
    CONGREGATION(List.of("leader", "member", "volunteer")),
    CLINIC_PANEL(List.of("patient", "physician", "nurse", "clinician", "coordinator")),
    SUPPORT_GROUP(List.of("facilitator", "peer_supporter", "member")),
    OTHER(List.of("leader", "member"));

    private final List<String> roles;

    GroupKind(List<String> roles) {
        this.roles = roles;
    }

    /** The role codes this kind takes, its usual one first where it has one. */
    public List<String> roles() {
        return roles;
    }

    /** The role a member gets when none is given: member, or patient on a clinic's panel. */
    public String defaultRole() {
        return roles.contains("member") ? "member" : "patient";
    }

    /** Households, then care teams, then the rest: the order a split report lists them in. */
    public int rank() {
        return switch (this) {
            case HOUSEHOLD -> 0;
            case CARE_TEAM -> 1;
            default -> 2;
        };
    }

    /**
     * Why a contact of {@code kind} cannot hold {@code role} in a group of this kind, or null when it can. Organisations
     * manage groups (managingOrganization) rather than belong to them, except in OTHER groups; clinical roles ask for a
     * clinician of that kind, the patient role for a patient.
     */
    public String misfit(String role, ContactKind kind) {
        if (!roles.contains(role)) {
            return "must be one of " + roles + " in a " + this + " group";
        }
        if (kind == ContactKind.ORGANIZATION && this != OTHER) {
            return "an organisation does not belong to a " + this + " group; name it as managingOrganization";
        }
        return switch (role) {
            case "physician" -> kind == ContactKind.PHYSICIAN ? null : "physician needs a PHYSICIAN contact, not " + kind;
            case "nurse" -> kind == ContactKind.NURSE ? null : "nurse needs a NURSE contact, not " + kind;
            case "clinician" -> kind.isClinician() ? null : "clinician needs a clinician contact, not " + kind;
            case "patient" -> kind == ContactKind.PATIENT ? null : "patient needs a PATIENT contact, not " + kind;
            default -> null;
        };
    }
}
