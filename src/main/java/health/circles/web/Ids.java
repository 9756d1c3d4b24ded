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
        UUID id = orNull(value);
        if (id == null) {
            throw ApiProblem.invalidField(field, "is not a UUID");
        }
        return id;
    }

    /**
     * The UUID {@code value} spells in its canonical 36 characters, or null for anything else (null included): for ids
     * read back from a store or a request path, where a malformed one is skipped rather than refused.
     */
    public static UUID orNull(String value) {
        if (value == null || value.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
