package health.circles.contact;

/**
 * What a consent ledger entry is about: one contact channel, or do-not-contact (DENIED sets it, GRANTED lifts it),
 * which overrides every channel.
 */
public enum ConsentChannel {
    EMAIL, SMS, PHONE, MAIL, IN_PERSON, DO_NOT_CONTACT;

    public static ConsentChannel of(Channel channel) {
        return valueOf(channel.name());
    }

    /** The contact channel, or null for do-not-contact. */
    public Channel channel() {
        return this == DO_NOT_CONTACT ? null : Channel.valueOf(name());
    }
}
