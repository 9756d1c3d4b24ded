package health.circles.contact;

/** A contact's answer for one channel; UNKNOWN until they have said. */
public enum ConsentStatus {
    GRANTED, DENIED, UNKNOWN
}
