package health.circles.web;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
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

    /** An ISO date in the years {@link InputRules} allows, or null when the parameter is absent. */
    public static LocalDate date(String param, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        LocalDate date;
        try {
            date = LocalDate.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw ApiProblem.invalidField(param, "must be an ISO date such as 2026-01-31");
        }
        if (InputRules.dateProblem(date) != null) {
            throw ApiProblem.invalidField(param, InputRules.dateProblem(date));
        }
        return date;
    }

    /** An ISO-8601 instant in the years {@link InputRules} allows, or null when the parameter is absent. */
    public static Instant instant(String param, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Instant instant;
        try {
            instant = Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw ApiProblem.invalidField(param, "must be an ISO-8601 instant such as 2026-01-31T00:00:00Z");
        }
        if (InputRules.dateProblem(instant) != null) {
            throw ApiProblem.invalidField(param, InputRules.dateProblem(instant));
        }
        return instant;
    }

    /**
     * "true" or "false", any case; null when not given. Anything else is a 400 naming the parameter, never a silent
     * false (JAX-RS' own Boolean reads "1" or "yes" as false).
     */
    public static Boolean bool(String param, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw health.circles.failure.InvalidInput.field(param, "must be true or false");
        };
    }

    /** A whole number from {@code min} to {@code max}, {@code absent} when not given; else a 400 naming it. */
    public static int wholeNumber(String param, String value, int min, int max, int absent) {
        if (value == null || value.isBlank()) {
            return absent;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw health.circles.failure.InvalidInput.field(param, "must be a whole number from " + min + " to " + max);
    }

    /** {@code consistentWith}: a Graph-Position a read waits for, null when not given; else a 400. */
    public static Long graphPosition(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            long n = Long.parseLong(value.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw health.circles.failure.InvalidInput.field("consistentWith", "must be a Graph-Position header value");
    }
}
