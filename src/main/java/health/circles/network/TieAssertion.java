package health.circles.network;

/**
 * Who stated a tie, which decides whether a tie of an access-granting type grants access: only what an authoritative
 * source (an admin, an integration) asserted or confirmed does.
 */
public enum TieAssertion {
    /** Stated by an admin or an integration; for types that grant nothing, by a clinician too. */
    ASSERTED,
    /** A clinician's claim of an access-granting relationship, pending review: grants nothing, not in the graph. */
    CLAIMED,
    /** A claim (or an inferred tie) confirmed by an admin or an integration other than the claimant. */
    CONFIRMED,
    /** A claim an admin or an integration refused: history only, grants nothing, not in the graph. */
    REJECTED,
    /** Derived from touchpoints: grants nothing. */
    INFERRED;

    /** Whether a tie in this state grants the access its type carries. */
    public boolean grantsAccess() {
        return this == ASSERTED || this == CONFIRMED;
    }

    /** Whether the tie is a fact of the network (and so in the graph): not while it is only claimed, never once refused. */
    public boolean inGraph() {
        return this != CLAIMED && this != REJECTED;
    }

    /** Whether an admin or an integration may still confirm or reject it. */
    public boolean pending() {
        return this == CLAIMED || this == INFERRED;
    }
}
