package health.circles.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Records, inside the caller's transaction, a change that the graph must see; the relay carries it to Neo4j. */
@ApplicationScoped
public class Outbox {

    private final OutboxStore store;
    private final DeadLetterStore deadLetters;
    private final ObjectMapper json;
    private final Event<Appended> appended;

    Outbox(OutboxStore store, DeadLetterStore deadLetters, ObjectMapper json, Event<Appended> appended) {
        this.store = store;
        this.deadLetters = deadLetters;
        this.json = json;
        this.appended = appended;
    }

    /** Fired with each append; observers that act after commit (the relay) see only what really landed. */
    public record Appended(long position) {
    }

    /** Appends one change and returns its position, which a client may wait on to read its own write in the graph. */
    @Transactional(Transactional.TxType.MANDATORY)
    public long append(String type, UUID aggregateId, long version, Map<String, ?> payload) {
        long position = store.append(type, aggregateId, version, json(payload));
        appended.fire(new Appended(position));
        return position;
    }

    /**
     * Appends many changes of one type as a single row (payload {@code {"batch": [...]}}), which the relay applies like
     * that many rows of the type: bulk writes cost one outbox row per batch rather than per change.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public long appendBatch(String type, UUID aggregateId, long version, List<? extends Map<String, ?>> payloads) {
        long position = store.appendBatch(type, aggregateId, version, json(Map.of(BATCH, payloads)), payloads.size());
        appended.fire(new Appended(position));
        return position;
    }

    private String json(Map<String, ?> payload) {
        try {
            return json.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Outbox payload is not serialisable", e);
        }
    }

    /**
     * Erasure, in the erasing transaction: drops the applied rows of the aggregate, takes the name out of its pending
     * rows (they keep their order), and removes its items, and the ties that end at it, from batch rows, applied or
     * not. The dead letters forget it too: an import batch among them keeps its other changes while the aggregate's
     * (its node, its ties) leave it, and a change of the aggregate or naming it is dropped, so that the graph removals
     * erasure appends are not parked behind it (the node and its edges would stay in the graph). The caller appends
     * the aggregate's deletion afterwards.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void forgetErased(UUID aggregateId) {
        store.forgetErased(aggregateId);
        deadLetters.forget(aggregateId);
    }

    /**
     * The {@code fields} of each change of the given types that the relay applied in the batches after {@code after}
     * up to {@code through} ({@link GraphVersion#appliedBatches()}), in no particular order ("" where a change lacks
     * one); a batch row gives its items'. Empty when they hold more than {@code limit} such changes. Rows purged since
     * ({@link OutboxPurge}, erasure) are not seen.
     */
    public Optional<List<String>> fieldsOfChanges(long after, long through, Set<String> types, List<String> fields,
                                                  long limit) {
        String[] named = types.toArray(String[]::new);
        if (store.changesBetween(after, through, named) > limit) {
            return Optional.empty();
        }
        return Optional.of(store.fieldsOfChangesBetween(after, through, named, fields.toArray(String[]::new)));
    }

    /** The position of the first row the graph has not applied yet; {@link Long#MAX_VALUE} when none waits. */
    @Transactional(Transactional.TxType.MANDATORY)
    public long firstPending() {
        return store.firstPending();
    }

    /**
     * After an erasure has reached the graph: deletes the applied rows up to {@code through} that belong to or name
     * the erased aggregate. Returns how many went.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int dropAppliedNaming(UUID aggregateId, long through) {
        return store.dropAppliedNaming(aggregateId, through);
    }

    /** The payload key of a batch row. */
    static final String BATCH = "batch";
}
