package health.circles.web;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.UUID;

/**
 * A keyset position (the sort key and the id of the last item seen), opaque to clients. Keyset rather than offset
 * paging keeps pages stable while other clients insert and delete.
 */
public record Cursor(String key, UUID id) {

    private static final char SEP = '\u001f';

    public String encode() {
        String raw = key + SEP + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    public static Cursor decode(String token) {
        if (token == null || token.isBlank()) {
            return null;
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            int at = raw.lastIndexOf(SEP);
            if (at < 0) {
                throw new IllegalArgumentException();
            }
            String key = raw.substring(0, at);
            // A cursor is text the client hands back: it must not carry into SQL what a body could not (NUL above all).
            // Noncharacters may stay: a key is a stored value, and names stored before they were refused still page.
            if (InputRules.storeProblem(key) != null) {
                throw new IllegalArgumentException();
            }
            return new Cursor(key, UUID.fromString(raw.substring(at + 1)));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalidField("cursor", "is not a cursor returned by this listing");
        }
    }

    /**
     * A time-valued sort key read back from a cursor, held to the years {@link InputRules} allows: a forged key far
     * in the future would otherwise reach PostgreSQL as a timestamp it cannot hold.
     */
    public static Instant instant(String key) {
        Instant instant = Instant.parse(key);
        if (InputRules.dateProblem(instant) != null) {
            throw new DateTimeParseException("outside the years a listing holds", key, 0);
        }
        return instant;
    }
}
