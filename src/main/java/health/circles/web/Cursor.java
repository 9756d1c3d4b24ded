package health.circles.web;

import java.nio.charset.StandardCharsets;
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
            return new Cursor(raw.substring(0, at), UUID.fromString(raw.substring(at + 1)));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalidField("next", "is not a cursor returned by this listing");
        }
    }
}
