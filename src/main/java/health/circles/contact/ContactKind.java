package health.circles.contact;

/** What a contact is in the network; decides which fields are required and which ties it may take part in. */
public enum ContactKind {
    PATIENT, CAREGIVER, FAMILY, PHYSICIAN, NURSE, OTHER_CLINICIAN, COMMUNITY_LEADER, ORGANIZATION;

    public boolean isPerson() {
        return this != ORGANIZATION;
    }

    public boolean isClinician() {
        return this == PHYSICIAN || this == NURSE || this == OTHER_CLINICIAN;
    }
}
