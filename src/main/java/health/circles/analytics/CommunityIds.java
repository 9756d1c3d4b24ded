package health.circles.analytics;

import health.circles.failure.InvalidInput;

/** Parses community ids from paths, so a malformed one is a 400 rather than a 404. */
final class CommunityIds {

    private CommunityIds() {
    }

    static long parse(String value) {
        return parse("id", value);
    }

    /** A community id given as {@code field}: a 400 naming it unless a positive integer. */
    static long parse(String field, String value) {
        try {
            long id = Long.parseLong(value.strip());
            if (id < 1) {
                throw new NumberFormatException();
            }
            return id;
        } catch (RuntimeException e) {
            throw InvalidInput.field(field, "is not a community id (a positive integer)");
        }
    }
}
