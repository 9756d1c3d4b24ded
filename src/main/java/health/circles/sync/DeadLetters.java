package health.circles.sync;

import health.circles.security.AuditedListing;
import health.circles.security.AuditedRecord;
import health.circles.failure.InvalidInput;
import health.circles.failure.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The outbox rows the relay gave up on: listed for operators, put back in the outbox at their old place to be tried
 * again, or discarded. Either way the rows parked behind one go on.
 */
@ApplicationScoped
public class DeadLetters {

    private final DeadLetterStore store;
    private final Event<Outbox.Appended> appended;

    DeadLetters(DeadLetterStore store, Event<Outbox.Appended> appended) {
        this.store = store;
        this.appended = appended;
    }

    /** A dead letter as operators see it; the payload stays in PostgreSQL (it may name people, and be large). */
    @Schema(name = "DeadLetter")
    public record View(
            @Schema(description = "Its outbox position, kept: a retry puts it back there") long position,
            @Schema(description = "Outbox type, e.g. tie.upserted") String type,
            @Schema(description = "The contact, tie or import job the change belongs to") UUID aggregateId,
            long version,
            @Schema(description = "Changes the row carries (more than one for an import batch)") int items,
            @Schema(description = "Payload size in bytes") long bytes,
            int attempts,
            @Schema(description = "The last attempt's error") String error,
            @Schema(description = "When the change was written to the outbox") Instant occurredAt,
            Instant firstFailedAt,
            Instant lastFailedAt,
            @Schema(description = "When the relay gave up on it") Instant deadAt,
            @Schema(description = "Later outbox rows of the same aggregate held behind it") long parked)
            implements AuditedRecord {

        @Override
        public String auditId() {
            return String.valueOf(position);
        }

        @Override
        public Set<UUID> auditContacts() {
            return type.startsWith("contact.") ? Set.of(aggregateId) : Set.of();
        }
    }

    /** One page of dead letters; {@code next} is the cursor of the following page, absent on the last one. */
    @Schema(name = "PageDeadLetter")
    public record Listing(List<View> items,
                          @Schema(description = "Cursor for the next page; absent on the last page") String next)
            implements AuditedListing {

        @Override
        public List<View> auditRecords() {
            return items;
        }
    }

    /** Oldest first (outbox order, the order they would have been applied in), keyset paged by position. */
    @Transactional
    public Listing list(int limit, String next) {
        List<View> views = new ArrayList<>(store.page(after(next), limit + 1));
        String following = null;
        if (views.size() > limit) {
            views.remove(limit);
            View last = views.get(limit - 1);
            following = cursor(last.position(), last.aggregateId());
        }
        return new Listing(views, following);
    }

    /**
     * Puts a dead letter back in the outbox at its own position, attempts reset, so that it goes before the rows
     * parked behind it: the aggregate's changes still reach the graph in the order they were made.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void retry(long position) {
        if (!store.retry(position)) {
            throw new NotFound("Dead letter", position);
        }
        appended.fire(new Outbox.Appended(position)); // wakes the relay once this commits
    }

    /**
     * Drops a dead letter for good. The rows parked behind it then go on; what the dropped change would have done is
     * left to reconcile, which repairs the graph from PostgreSQL.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void discard(long position) {
        if (!store.discard(position)) {
            throw new NotFound("Dead letter", position);
        }
        appended.fire(new Outbox.Appended(position));
    }

    /** A dead letter's position from a path: a 400 naming the field rather than a 404 or 500. */
    static long position(String value) {
        long position = positive(value);
        if (position > 0) {
            return position;
        }
        throw InvalidInput.field("id", "must be a positive outbox position");
    }

    // The listing's cursor: the last position seen and its aggregate, in the opaque form every listing's cursor has
    // (base64url of key, unit separator, id), so that it reads the same as before sync stopped borrowing web's.
    private static final char SEP = '\u001f';

    private static String cursor(long position, UUID aggregate) {
        String raw = String.valueOf(position) + SEP + aggregate;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** The position a cursor names; 0 for the first page. */
    private static long after(String next) {
        if (next == null || next.isBlank()) {
            return 0;
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(next), StandardCharsets.UTF_8);
            int at = raw.lastIndexOf(SEP);
            if (at >= 0) {
                UUID.fromString(raw.substring(at + 1));
                long position = positive(raw.substring(0, at));
                if (position > 0) {
                    return position;
                }
            }
        } catch (IllegalArgumentException ignored) {
            // refused below
        }
        throw InvalidInput.field("cursor", "is not a cursor returned by this listing");
    }

    /** The positive number a text holds, or 0. */
    private static long positive(String value) {
        try {
            return Math.max(0, Long.parseLong(value));
        } catch (NumberFormatException | NullPointerException e) {
            return 0;
        }
    }
}
