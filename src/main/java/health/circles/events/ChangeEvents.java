package health.circles.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.util.List;

/**
 * Where the capabilities record their changes as events: in the caller's transaction (a transactional outbox), so an
 * event exists exactly when its change committed. One call per change in the services; one set-based statement per
 * batch in bulk writers. The publisher gives the rows their public positions after commit.
 */
@ApplicationScoped
public class ChangeEvents {

    private final EventStore store;
    private final ObjectMapper json;
    private final Event<Recorded> recorded;

    ChangeEvents(EventStore store, ObjectMapper json, Event<Recorded> recorded) {
        this.store = store;
        this.json = json;
        this.recorded = recorded;
    }

    /** Fired with each recording; the publisher observes it after commit, so it numbers what landed at once. */
    public record Recorded(int count) {
    }

    /** What an erased contact's id reads as in the {@code related} of the events that named it. */
    public static final String ERASED = "erased";

    /**
     * Erasure, in its transaction: the contact's id leaves the {@code related} of every event that names it beside its
     * subject (their ties, touchpoints, outcomes), and reads {@link #ERASED} there.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void forgetRelated(java.util.UUID contact) {
        store.forgetRelated(contact, ERASED);
    }

    /** Records one change in the caller's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void record(Change change) {
        recordAll(List.of(change));
    }

    /** Records many changes in the caller's transaction as one statement, whatever their number. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void recordAll(List<Change> changes) {
        insert(null, changes);
    }

    /**
     * Records a change on a connection that holds its own transaction (work that runs outside JTA, as an analytics
     * run), so that it commits with what that connection commits.
     */
    public void recordOn(java.sql.Connection c, Change change) {
        insert(c, List.of(change));
    }

    private void insert(java.sql.Connection c, List<Change> changes) {
        if (changes.isEmpty()) {
            return;
        }
        int n = changes.size();
        String[] types = new String[n];
        String[] kinds = new String[n];
        java.util.UUID[] subjects = new java.util.UUID[n];
        Long[] versions = new Long[n];
        String[] changed = new String[n];
        String[] related = new String[n];
        for (int i = 0; i < n; i++) {
            Change change = changes.get(i);
            types[i] = change.type();
            kinds[i] = change.subjectKind();
            subjects[i] = change.subjectId();
            versions[i] = change.version();
            changed[i] = String.join(",", change.changed());
            related[i] = json(change);
        }
        if (c == null) {
            store.insert(types, kinds, subjects, versions, changed, related);
        } else {
            store.insert(c, types, kinds, subjects, versions, changed, related);
        }
        recorded.fire(new Recorded(n));
    }

    private String json(Change c) {
        try {
            return json.writeValueAsString(c.related());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Related ids of an event are not serialisable", e);
        }
    }
}
