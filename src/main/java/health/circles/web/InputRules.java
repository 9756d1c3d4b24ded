package health.circles.web;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * What a request may carry into the stores: text PostgreSQL and the graph can hold and that a person could have typed,
 * and dates a person's relationships can have. Jackson ({@link StorableJson}), the query parameters
 * ({@link RequestParams}) and the imports all ask here, so every way in refuses the same things.
 */
public final class InputRules {

    /** Years a tie, touchpoint, consent answer or campaign can fall in; far outside is a typo or a probe. */
    public static final int FIRST_YEAR = 1900;
    public static final int LAST_YEAR = 2200;
    public static final String DATE_RANGE = "must be a date between " + FIRST_YEAR + " and " + LAST_YEAR;

    private InputRules() {
    }

    /**
     * Why the text cannot be taken, or null. PostgreSQL refuses NUL in text outright; other control characters and
     * unpaired surrogates (not Unicode, so not encodable as UTF-8) are never in a name, id or code. Noncharacters
     * (U+FFFE and U+FFFF of every plane, U+FDD0 to U+FDEF) are code points Unicode keeps out of interchange: no one
     * types them, and XML 1.0 cannot carry U+FFFE or U+FFFF at all, so a name holding one would break the XML views of
     * it (the map page's SVG export; GraphML and GEXF drop them). Free text (notes, descriptions) keeps tab, newline and
     * carriage return, which people do type there.
     */
    public static String textProblem(String value, boolean freeText) {
        return problem(value, freeText, true);
    }

    /**
     * Why the text cannot be handed to the stores (NUL, control characters, unpaired surrogates), or null; unlike
     * {@link #textProblem} it lets noncharacters through. For text the service gave out itself and takes back, like a
     * cursor's sort key, which may be a name stored before noncharacters were refused.
     */
    static String storeProblem(String value) {
        return problem(value, true, false);
    }

    private static String problem(String value, boolean freeText, boolean noncharacters) {
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0) {
                return "must not contain the NUL character";
            }
            if (Character.isISOControl(c)) {
                if (freeText && (c == '\t' || c == '\n' || c == '\r')) {
                    continue;
                }
                return freeText ? "must not contain control characters other than tab and line breaks"
                        : "must not contain control characters";
            }
            int codePoint = c;
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    return "must not contain an unpaired UTF-16 surrogate";
                }
                codePoint = Character.toCodePoint(c, value.charAt(++i));
            } else if (Character.isLowSurrogate(c)) {
                return "must not contain an unpaired UTF-16 surrogate";
            }
            if (noncharacters && isNoncharacter(codePoint)) {
                return "must not contain a Unicode noncharacter (such as U+FFFE or U+FFFF): they are not text, and "
                        + "XML cannot carry them";
            }
        }
        return null;
    }

    /** U+FDD0 to U+FDEF, and the last two code points of each of the 17 planes (U+FFFE, U+FFFF, U+1FFFE, …). */
    static boolean isNoncharacter(int codePoint) {
        return codePoint >= 0xFDD0 && codePoint <= 0xFDEF || (codePoint & 0xFFFE) == 0xFFFE;
    }

    private static String yearProblem(int year) {
        return year < FIRST_YEAR || year > LAST_YEAR ? DATE_RANGE : null;
    }

    /** The first instant of {@link #FIRST_YEAR} and the first after {@link #LAST_YEAR}, in UTC. */
    private static final Instant FIRST_INSTANT = LocalDate.of(FIRST_YEAR, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();
    private static final Instant AFTER_LAST_INSTANT =
            LocalDate.of(LAST_YEAR + 1, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();

    /**
     * Why the date or time cannot be taken, or null; a time counts by its year in UTC. Times are compared as instants:
     * an Instant near its own limits (year one billion) has no date in UTC to take a year from.
     */
    public static String dateProblem(Object value) {
        Instant instant;
        if (value instanceof LocalDate d) {
            return yearProblem(d.getYear());
        } else if (value instanceof LocalDateTime l) {
            return yearProblem(l.getYear());
        } else if (value instanceof Instant i) {
            instant = i;
        } else if (value instanceof OffsetDateTime o) {
            instant = o.toInstant();
        } else if (value instanceof ZonedDateTime z) {
            instant = z.toInstant();
        } else {
            return null;
        }
        return instant.isBefore(FIRST_INSTANT) || !instant.isBefore(AFTER_LAST_INSTANT) ? DATE_RANGE : null;
    }

    /** Text made safe to store and show when it only reports something (an import's row errors), never refused. */
    public static String scrub(String value) {
        if (value == null || textProblem(value, false) == null) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                int codePoint = Character.toCodePoint(c, value.charAt(++i));
                if (isNoncharacter(codePoint)) {
                    out.append('\uFFFD');
                } else {
                    out.appendCodePoint(codePoint);
                }
            } else if (Character.isISOControl(c) || Character.isSurrogate(c) || isNoncharacter(c)) {
                out.append('\uFFFD');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
