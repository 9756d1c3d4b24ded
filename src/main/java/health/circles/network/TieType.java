package health.circles.network;

import health.circles.contact.ContactKind;
import java.util.EnumSet;
import java.util.Set;

/**
 * The kinds of relationship Circles knows, each directed or symmetric, and which contact kinds may stand at each end.
 */
public enum TieType {
    FAMILY_OF(false, people(), people()),
    CARES_FOR(true, people(), people()),
    FRIEND_OF(false, people(), people()),
    NEIGHBOR_OF(false, people(), people()),
    TREATS(true, clinicians(), EnumSet.of(ContactKind.PATIENT)),
    REFERS_TO(true, clinicians(), clinicians()),
    COLLEAGUE_OF(false, EnumSet.complementOf(EnumSet.of(ContactKind.ORGANIZATION)),
            EnumSet.complementOf(EnumSet.of(ContactKind.ORGANIZATION))),
    MEMBER_OF(true, people(), EnumSet.of(ContactKind.ORGANIZATION)),
    WORKS_AT(true, people(), EnumSet.of(ContactKind.ORGANIZATION)),
    LEADS(true, people(), EnumSet.of(ContactKind.ORGANIZATION)),
    FOLLOWS_ONLINE(true, EnumSet.allOf(ContactKind.class), EnumSet.allOf(ContactKind.class));

    private final boolean directed;
    private final Set<ContactKind> fromKinds;
    private final Set<ContactKind> toKinds;

    TieType(boolean directed, Set<ContactKind> fromKinds, Set<ContactKind> toKinds) {
        this.directed = directed;
        this.fromKinds = fromKinds;
        this.toKinds = toKinds;
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

    private static Set<ContactKind> clinicians() {
        return EnumSet.of(ContactKind.PHYSICIAN, ContactKind.NURSE, ContactKind.OTHER_CLINICIAN);
    }
}
