package health.circles.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Records, inside the caller's transaction, a change that the graph must see; the relay carries it to Neo4j. */
@ApplicationScoped
public class Outbox {

    private final EntityManager em;
    private final ObjectMapper json;
    private final Event<Appended> appended;

    Outbox(EntityManager em, ObjectMapper json, Event<Appended> appended) {
        this.em = em;
        this.json = json;
        this.appended = appended;
    }

    /** Fired with each append; observers that act after commit (the relay) see only what really landed. */
    public record Appended(long position) {
    }

    /** Appends one change and returns its position, which a client may wait on to read its own write in the graph. */
    @Transactional(Transactional.TxType.MANDATORY)
    public long append(String type, UUID aggregateId, long version, Map<String, ?> payload) {
        String body;
        try {
            body = json.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Outbox payload is not serialisable", e);
        }
        long position = ((Number) em.createNativeQuery("""
                        INSERT INTO outbox (type, aggregate_id, version, payload)
                        VALUES (:type, :aggregate, :version, CAST(:payload AS jsonb))
                        RETURNING position""")
                .setParameter("type", type)
                .setParameter("aggregate", aggregateId)
                .setParameter("version", version)
                .setParameter("payload", body)
                .getSingleResult()).longValue();
        appended.fire(new Appended(position));
        return position;
    }

    /**
     * Appends many changes of one type as a single row (payload {@code {"batch": [...]}}), which the relay applies like
     * that many rows of the type: bulk writes cost one outbox row per batch rather than per change.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public long appendBatch(String type, UUID aggregateId, long version, List<? extends Map<String, ?>> payloads) {
        String body;
        try {
            body = json.writeValueAsString(Map.of(BATCH, payloads));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Outbox payload is not serialisable", e);
        }
        long position = ((Number) em.createNativeQuery("""
                        INSERT INTO outbox (type, aggregate_id, version, payload, items)
                        VALUES (:type, :aggregate, :version, CAST(:payload AS jsonb), :items)
                        RETURNING position""")
                .setParameter("type", type)
                .setParameter("aggregate", aggregateId)
                .setParameter("version", version)
                .setParameter("payload", body)
                .setParameter("items", payloads.size())
                .getSingleResult()).longValue();
        appended.fire(new Appended(position));
        return position;
    }

    // Changes already in the graph need not be kept; the pending ones lose the name but keep their order.
    private static final String DROP_APPLIED_OF = """
            DELETE FROM outbox WHERE aggregate_id = :id AND applied_at IS NOT NULL""";
    private static final String UNNAME_PENDING_OF = """
            UPDATE outbox SET payload = payload || '{"displayName": "(erased)"}'::jsonb
            WHERE aggregate_id = :id AND applied_at IS NULL AND payload ->> 'displayName' IS NOT NULL""";
    // Batch rows (bulk imports) carry many contacts and ties under the job's id: the contact's items and the ties
    // that end at it leave them, applied or not (its own deletion and its ties' deletions follow in this outbox).
    private static final String DROP_BATCH_ITEMS_OF = """
            WITH kept AS (
                SELECT o.position, coalesce(jsonb_agg(e) FILTER (WHERE e ->> 'id' IS DISTINCT FROM :id
                            AND e ->> 'from' IS DISTINCT FROM :id AND e ->> 'to' IS DISTINCT FROM :id),
                            '[]'::jsonb) AS items
                FROM outbox o CROSS JOIN LATERAL jsonb_array_elements(o.payload -> 'batch') e
                WHERE jsonb_typeof(o.payload -> 'batch') = 'array' AND strpos(o.payload::text, :id) > 0
                GROUP BY o.position)
            UPDATE outbox o SET payload = jsonb_build_object('batch', kept.items),
                                items = jsonb_array_length(kept.items)
            FROM kept WHERE o.position = kept.position""";
    private static final String FIRST_PENDING = "SELECT min(position) FROM outbox WHERE applied_at IS NULL";
    private static final String DROP_APPLIED_NAMING = """
            DELETE FROM outbox
            WHERE position <= :through AND applied_at IS NOT NULL
              AND (aggregate_id = :id OR strpos(payload::text, CAST(:id AS text)) > 0)""";

    /**
     * Erasure, in the erasing transaction: drops the applied rows of the aggregate, takes the name out of its pending
     * rows (they keep their order), and removes its items, and the ties that end at it, from batch rows, applied or
     * not. The caller appends the aggregate's deletion afterwards.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void forgetErased(UUID aggregateId) {
        em.createNativeQuery(DROP_APPLIED_OF).setParameter("id", aggregateId).executeUpdate();
        em.createNativeQuery(UNNAME_PENDING_OF).setParameter("id", aggregateId).executeUpdate();
        em.createNativeQuery(DROP_BATCH_ITEMS_OF).setParameter("id", aggregateId.toString()).executeUpdate();
    }

    /** The position of the first row the graph has not applied yet; {@link Long#MAX_VALUE} when none waits. */
    @Transactional(Transactional.TxType.MANDATORY)
    public long firstPending() {
        Object first = em.createNativeQuery(FIRST_PENDING).getSingleResult();
        return first == null ? Long.MAX_VALUE : ((Number) first).longValue();
    }

    /**
     * After an erasure has reached the graph: deletes the applied rows up to {@code through} that belong to or name
     * the erased aggregate. Returns how many went.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int dropAppliedNaming(UUID aggregateId, long through) {
        return em.createNativeQuery(DROP_APPLIED_NAMING).setParameter("id", aggregateId)
                .setParameter("through", through).executeUpdate();
    }

    /** The payload key of a batch row. */
    static final String BATCH = "batch";
}
