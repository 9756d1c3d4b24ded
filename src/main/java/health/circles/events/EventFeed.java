package health.circles.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.circles.failure.Gone;
import health.circles.failure.InvalidInput;
import health.circles.security.Callers;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The pull feed: published events after a position, of the types asked for and the caller's roles may see. */
@ApplicationScoped
public class EventFeed {

    private final EventStore store;
    private final EventPublisher publisher;
    private final EventsConfig config;
    private final Callers callers;
    private final ObjectMapper json;

    EventFeed(EventStore store, EventPublisher publisher, EventsConfig config, Callers callers, ObjectMapper json) {
        this.store = store;
        this.publisher = publisher;
        this.config = config;
        this.callers = callers;
        this.json = json;
    }

    /**
     * Up to {@code limit} events after {@code after} (null: from the oldest kept), waiting up to {@code waitSeconds}
     * for one when there is none yet. No transaction is held while waiting.
     */
    public EventPage page(Long after, List<String> typePatterns, int limit, int waitSeconds) {
        if (waitSeconds < 0 || waitSeconds > config.maxWait()) {
            throw InvalidInput.field("wait", "must be between 0 and " + config.maxWait() + " seconds");
        }
        String[] types = TypeFilter.resolve(TypeFilter.patterns("types", typePatterns), callers.current().roles(),
                true);
        EventStore.State state = store.state();
        long from = after == null ? state.purgedThrough() : after;
        if (from < state.purgedThrough()) {
            throw new Gone("events-purged", "Gone", "Events up to position " + state.purgedThrough()
                    + " are past their retention (" + config.retention() + ") and gone; resume from after="
                    + state.purgedThrough() + " or later, and reload what you hold from the records themselves");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
        while (true) {
            // Read the last position before the events: every position up to it is visible to the read below.
            long last = store.state().lastPosition();
            List<EventStore.Stored> rows = types.length == 0 ? List.of() : store.after(from, types, limit);
            if (!rows.isEmpty() || System.nanoTime() >= deadline) {
                long next = rows.size() == limit ? rows.get(rows.size() - 1).position()
                        : Math.max(from, Math.max(last, rows.isEmpty() ? 0 : rows.get(rows.size() - 1).position()));
                List<EventView> items = new ArrayList<>(rows.size());
                for (EventStore.Stored row : rows) {
                    items.add(view(row));
                }
                return new EventPage(items, Long.toString(next));
            }
            from = Math.max(from, last);
            publisher.awaitBeyond(last, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
    }

    EventView view(EventStore.Stored row) {
        Map<String, Object> related;
        try {
            related = json.readValue(row.related(), new TypeReference<>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable related ids of event " + row.position(), e);
        }
        return new EventView(EventView.idOf(row.position()), row.position(), row.type(), row.occurredAt(),
                new EventView.Subject(row.subjectKind(), row.subjectId()), row.version(), row.changed(), related, null);
    }
}
