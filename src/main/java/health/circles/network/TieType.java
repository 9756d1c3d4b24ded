package health.circles.network;

import health.circles.contact.ContactKind;
import java.util.EnumSet;
import java.util.Set;

/**
 * The built-in relationship types, each directed or symmetric, and which contact kinds may stand at each end: those
 * the code itself relies on (access, inferred ties, generated networks, influence flows). {@code
 * V20__relationship_types.sql} seeds them with the same codes and rules into the registry ({@link RelationshipTypes}),
 * which also names each from both ends and holds the types admins add; ties are checked against the registry.
 * Directed types read "from TYPE to": a PHYSICIAN TREATS a PATIENT, a NURSE WORKS_AT a clinic.
 */
public enum TieType {
    /** Kin, between people, where the exact relationship is not known (or not one below). */
    FAMILY_OF(false, people(), people()),
    /** Someone (a caregiver, a relative, a home-care agency) looks after a person. */
    CARES_FOR(true, EnumSet.allOf(ContactKind.class), people()),
    FRIEND_OF(false, people(), people()),
    NEIGHBOR_OF(false, people(), people()),
    /** A clinician treats a patient; grants the clinician the patient's whole record, once asserted. */
    TREATS(true, clinicians(), EnumSet.of(ContactKind.PATIENT), true),
    /** Clinicians and services refer patients on, to clinicians or to services (a clinic, a food bank). */
    REFERS_TO(true, with(clinicians(), ContactKind.COMMUNITY_LEADER, ContactKind.ORGANIZATION),
            with(clinicians(), ContactKind.ORGANIZATION)),
    COLLEAGUE_OF(false, people(), people()),
    /** Membership of a congregation, an association, a practice's patient list. */
    MEMBER_OF(true, people(), EnumSet.of(ContactKind.ORGANIZATION)),
    WORKS_AT(true, people(), EnumSet.of(ContactKind.ORGANIZATION)),
    LEADS(true, people(), EnumSet.of(ContactKind.ORGANIZATION)),
    /** Anyone may follow anyone's online presence; the weakest kind of tie. */
    FOLLOWS_ONLINE(true, EnumSet.allOf(ContactKind.class), EnumSet.allOf(ContactKind.class)),
    // The family and care vocabulary of EHRs (FHIR RelatedPerson.relationship): docs/relationship-types.md.
    /** A parent (mother, father, step-, foster or adoptive) of a person; read from the child: CHILD_OF. */
    PARENT_OF(true, people(), people()),
    SPOUSE_OF(false, people(), people()),
    SIBLING_OF(false, people(), people()),
    GRANDPARENT_OF(true, people(), people()),
    /** A legal guardian, a person or an organisation; grants no access to the record by itself. */
    GUARDIAN_OF(true, EnumSet.allOf(ContactKind.class), people()),
    EMERGENCY_CONTACT_FOR(true, EnumSet.allOf(ContactKind.class), people());

    private final boolean directed;
    private final Set<ContactKind> fromKinds;
    private final Set<ContactKind> toKinds;
    private final boolean grantsAccess;

    TieType(boolean directed, Set<ContactKind> fromKinds, Set<ContactKind> toKinds) {
        this(directed, fromKinds, toKinds, false);
    }

    TieType(boolean directed, Set<ContactKind> fromKinds, Set<ContactKind> toKinds, boolean grantsAccess) {
        this.directed = directed;
        this.fromKinds = fromKinds;
        this.toKinds = toKinds;
        this.grantsAccess = grantsAccess;
    }

    /**
     * Whether a tie of this type widens what its from end may see of its to end (security.Disclosure): such ties
     * grant it only when an admin or an integration asserted or confirmed them, and are never inferred. Fixed here,
     * in the code, for built-in types only: a type added at run time never grants access.
     */
    public boolean grantsAccess() {
        return grantsAccess;
    }

    /** Whether a tie of the type with this code grants access: a built-in type that does; any other code, no. */
    public static boolean grantsAccess(String code) {
        for (TieType t : values()) {
            if (t.name().equals(code)) {
                return t.grantsAccess;
            }
        }
        return false;
    }

    /** The names of the types that grant access, for the access check's query. */
    public static String[] granting() {
        return java.util.Arrays.stream(values()).filter(TieType::grantsAccess).map(Enum::name).toArray(String[]::new);
    }

    public boolean directed() {
        return directed;
    }

    public Set<ContactKind> fromKinds() {
        return fromKinds;
    }

    public Set<ContactKind> toKinds() {
        return toKinds;
    }

    /** Whether a tie of this type may join a contact of kind {@code from} to one of kind {@code to}. */
    public boolean allows(ContactKind from, ContactKind to) {
        return fromKinds.contains(from) && toKinds.contains(to)
                || !directed && fromKinds.contains(to) && toKinds.contains(from);
    }

    private static Set<ContactKind> people() {
        return EnumSet.complementOf(EnumSet.of(ContactKind.ORGANIZATION));
    }

    private static Set<ContactKind> with(Set<ContactKind> kinds, ContactKind... more) {
        EnumSet<ContactKind> all = EnumSet.copyOf(kinds);
        all.addAll(java.util.List.of(more));
        return all;
    }

    /**
     * The type of the tie inferred when two contacts with no tie meet in a touchpoint, oriented as the type reads:
     * clinician and patient: none (empty), since the type that fits, TREATS, grants access and only an admin or an
     * integration may assert it (a call or a campaign outcome naming both is no evidence of care; the touchpoint still
     * strengthens a TREATS tie asserted later); two clinicians, or a clinician and another person: COLLEAGUE_OF; a
     * person and an organisation: MEMBER_OF (person to organisation); two other people: FRIEND_OF; two
     * organisations: none, as no type but FOLLOWS_ONLINE joins them. Never a type that grants access.
     */
    public static java.util.Optional<Inferred> inferredBetween(ContactKind a, ContactKind b) {
        if (a.isClinician() && b == ContactKind.PATIENT || b.isClinician() && a == ContactKind.PATIENT) {
            return java.util.Optional.empty();
        }
        if (a == ContactKind.ORGANIZATION && b == ContactKind.ORGANIZATION) {
            return java.util.Optional.empty();
        }
        if (b == ContactKind.ORGANIZATION) {
            return java.util.Optional.of(new Inferred(MEMBER_OF, false));
        }
        if (a == ContactKind.ORGANIZATION) {
            return java.util.Optional.of(new Inferred(MEMBER_OF, true));
        }
        if (a.isClinician() || b.isClinician()) {
            return java.util.Optional.of(new Inferred(COLLEAGUE_OF, false));
        }
        return java.util.Optional.of(new Inferred(FRIEND_OF, false));
    }

    /** An inferred tie's type, and whether it runs from the second contact to the first. */
    public record Inferred(TieType type, boolean reversed) {
    }

    private static Set<ContactKind> clinicians() {
        return EnumSet.of(ContactKind.PHYSICIAN, ContactKind.NURSE, ContactKind.OTHER_CLINICIAN);
    }
}
