package health.circles.analytics;

import health.circles.web.ApiProblem;

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
            throw ApiProblem.invalidField("id", "is not a community id (a positive integer)");
        }
    }
}
