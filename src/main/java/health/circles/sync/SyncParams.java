package health.circles.sync;

import health.circles.failure.InvalidInput;
import java.util.UUID;

/**
 * The admin endpoints' path and query parameters, refused as invalid input (a 400 naming the parameter) rather than
 * a 404 or a 500. The same rules and words as the web package's parsers, which sync does not use: web sits above it.
 */
final class SyncParams {

    private SyncParams() {
    }

    /** A UUID of exactly 36 characters. */
    static UUID id(String field, String value) {
        if (value == null || value.isBlank()) {
            throw InvalidInput.field(field, "is required");
        }
        try {
            if (value.length() == 36) {
                return UUID.fromString(value);
            }
        } catch (IllegalArgumentException e) {
            // refused below
        }
        throw InvalidInput.field(field, "is not a UUID");
    }

    /** A page size from 1 to {@code max}; {@code defaultLimit} when absent. */
    static int limit(String value, int defaultLimit, int max) {
        if (value == null || value.isBlank()) {
            return defaultLimit;
        }
        int limit;
        try {
            limit = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw InvalidInput.field("limit", "must be an integer between 1 and " + max);
        }
        if (limit < 1 || limit > max) {
            throw InvalidInput.field("limit", "must be between 1 and " + max);
        }
        return limit;
    }
}
