package health.circles.contact;

/** A way of reaching a contact that needs that contact's consent. */
public enum Channel {
    EMAIL, SMS, PHONE, MAIL, IN_PERSON
}
