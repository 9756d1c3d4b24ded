package health.circles.web;

import java.util.UUID;

/** Parses identifiers taken from paths and query strings, so a malformed one is a 400 rather than a 404 or a 500. */
public final class Ids {

    private Ids() {
    }

    public static UUID parse(String field, String value) {
        if (value == null || value.isBlank()) {
            throw ApiProblem.invalidField(field, "is required");
        }
        try {
            if (value.length() != 36) {
                throw new IllegalArgumentException();
            }
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalidField(field, "is not a UUID");
        }
    }
}
