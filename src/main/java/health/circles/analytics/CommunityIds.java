package health.circles.analytics;

import health.circles.failure.InvalidInput;

/** Parses community ids from paths, so a malformed one is a 400 rather than a 404. */
final class CommunityIds {

    private CommunityIds() {
    }

    static long parse(String value) {
        try {
            long id = Long.parseLong(value.strip());
            if (id < 1) {
                throw new NumberFormatException();
            }
            return id;
        } catch (RuntimeException e) {
            throw InvalidInput.field("id", "is not a community id (a positive integer)");
        }
    }
}
