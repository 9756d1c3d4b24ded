package health.circles.web;

import java.util.Arrays;
import java.util.Locale;

/** Parses query parameters into domain values with problem+json errors that name the parameter. */
public final class QueryParams {

    private QueryParams() {
    }

    public static <E extends Enum<E>> E enumValue(String param, String value, Class<E> type) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalidField(param, "must be one of " + Arrays.toString(type.getEnumConstants()));
        }
    }

    /** Taken as text, because JAX-RS answers a parameter it cannot convert with 404 rather than 400. */
    public static int limit(String value, int defaultLimit, int max) {
        if (value == null || value.isBlank()) {
            return defaultLimit;
        }
        int limit;
        try {
            limit = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw ApiProblem.invalidField("limit", "must be an integer between 1 and " + max);
        }
        if (limit < 1 || limit > max) {
            throw ApiProblem.invalidField("limit", "must be between 1 and " + max);
        }
        return limit;
    }

    public static String text(String param, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.length() > maxLength) {
            throw ApiProblem.invalidField(param, "must be at most " + maxLength + " characters");
        }
        return value.strip();
    }
}
