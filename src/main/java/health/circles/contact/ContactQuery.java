package health.circles.contact;

import java.time.Instant;

import health.circles.web.Cursor;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A search over contacts: optional free text, filters (among them: changed at or after an instant, for a front-end's or an integration's sync), sort
 * order and the keyset position to continue from. Consent
 * filters of different channels must all hold; the statuses given for one channel are alternatives.
 */
public record ContactQuery(
        List<String> words,
        String text,
        List<ContactKind> kinds,
        String tag,
        String postalCode,
        String language,
        Map<Channel, Set<ConsentStatus>> consent,
        Instant updatedSince,
        Sort sort,
        int limit,
        Cursor after) {

    /** Listing orders. */
    public enum Sort {
        RELEVANCE, NAME
    }

    boolean hasText() {
        return words != null && !words.isEmpty();
    }
}
