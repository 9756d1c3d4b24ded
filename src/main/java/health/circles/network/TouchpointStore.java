package health.circles.network;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import health.circles.Sql;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The touchpoint store: Panache for single records, {@link Sql} (in the caller's transaction) for histories and pairs. */
@ApplicationScoped
public class TouchpointStore implements PanacheRepositoryBase<Touchpoint, UUID> {

    private static final String OF_CONTACT = """
            SELECT t.id, t.occurred_at FROM touchpoint_participant p JOIN touchpoint t ON t.id = p.touchpoint_id
            WHERE p.contact_id = ? AND (t.occurred_at, t.id) < (?, ?)
            ORDER BY t.occurred_at DESC, t.id DESC LIMIT ?""";

    private static final String OF_PAIR = """
            SELECT t.id, t.occurred_at FROM touchpoint_participant a
            JOIN touchpoint_participant b ON b.touchpoint_id = a.touchpoint_id AND b.contact_id = ?
            JOIN touchpoint t ON t.id = a.touchpoint_id
            WHERE a.contact_id = ? AND (t.occurred_at, t.id) < (?, ?)
            ORDER BY t.occurred_at DESC, t.id DESC LIMIT ?""";

    private static final String CONTRIBUTIONS = """
            SELECT pair.x, pair.y, t.channel, t.occurred_at
            FROM unnest(?::uuid[], ?::uuid[]) AS pair(x, y)
            JOIN touchpoint_participant a ON a.contact_id = pair.x
            JOIN touchpoint_participant b ON b.touchpoint_id = a.touchpoint_id AND b.contact_id = pair.y
            JOIN touchpoint t ON t.id = a.touchpoint_id""";

    /** Touchpoints lose a contact's free text (which may name it) and external id, then the contact itself. */
    private static final String FORGET_TEXT = """
            UPDATE touchpoint SET topic = NULL, outcome = NULL, external_id = NULL
            WHERE id IN (SELECT touchpoint_id FROM touchpoint_participant WHERE contact_id = :id)""";

    private static final String FORGET_PARTICIPANT = "DELETE FROM touchpoint_participant WHERE contact_id = :id";

    // Far enough ahead that "before the cursor" with no cursor means everything.
    private static final Instant END_OF_TIME = Instant.parse("9999-12-31T00:00:00Z");
    private static final UUID MAX_ID = new UUID(-1L, -1L);

    private final EntityManager em;
    private final AgroalDataSource dataSource;

    TouchpointStore(EntityManager em, AgroalDataSource dataSource) {
        this.em = em;
        this.dataSource = dataSource;
    }

    /** A position in a newest-first history. */
    public record Position(Instant occurredAt, UUID id) {
    }

    /** Up to {@code limit} touchpoints of a contact, newest first, older than {@code before}. */
    public List<Touchpoint> ofContact(UUID contact, Position before, int limit) {
        return load(ids(OF_CONTACT, List.of(contact), before, limit));
    }

    /** Up to {@code limit} touchpoints both contacts took part in, newest first, older than {@code before}. */
    public List<Touchpoint> ofPair(UUID a, UUID b, Position before, int limit) {
        return load(ids(OF_PAIR, List.of(a, b), before, limit));
    }

    /** Every touchpoint that each pair's two contacts both took part in, keyed by the pair. */
    public Map<ContactPair, List<TieStrength.Contribution>> contributions(Collection<ContactPair> pairs) {
        Map<ContactPair, List<TieStrength.Contribution>> out = new HashMap<>();
        if (pairs.isEmpty()) {
            return out;
        }
        UUID[] xs = pairs.stream().map(ContactPair::a).toArray(UUID[]::new);
        UUID[] ys = pairs.stream().map(ContactPair::b).toArray(UUID[]::new);
        Sql.query(dataSource, CONTRIBUTIONS, List.of(xs, ys), r -> {
            ContactPair pair = ContactPair.of(r.getObject(1, UUID.class), r.getObject(2, UUID.class));
            out.computeIfAbsent(pair, k -> new ArrayList<>()).add(new TieStrength.Contribution(
                    TouchpointChannel.valueOf(r.getString(3)), r.getTimestamp(4).toInstant()));
            return null;
        });
        return out;
    }

    /**
     * Takes a contact out of every touchpoint it took part in, with the free text and external id that may name it;
     * the other participants keep the touchpoint. In the caller's transaction.
     */
    public void forget(UUID contact) {
        em.createNativeQuery(FORGET_TEXT).setParameter("id", contact).executeUpdate();
        em.createNativeQuery(FORGET_PARTICIPANT).setParameter("id", contact).executeUpdate();
    }

    private List<Position> ids(String sql, List<UUID> contacts, Position before, int limit) {
        List<Object> params = new ArrayList<>(contacts);
        params.add(before == null ? END_OF_TIME : before.occurredAt());
        params.add(before == null ? MAX_ID : before.id());
        params.add(limit);
        return Sql.query(dataSource, sql, params,
                r -> new Position(r.getTimestamp(2).toInstant(), r.getObject(1, UUID.class)));
    }

    private List<Touchpoint> load(List<Position> positions) {
        if (positions.isEmpty()) {
            return List.of();
        }
        Map<UUID, Touchpoint> byId = list("id in ?1", positions.stream().map(Position::id).toList()).stream()
                .collect(Collectors.toMap(t -> t.id, Function.identity()));
        return positions.stream().map(p -> byId.get(p.id())).filter(java.util.Objects::nonNull).toList();
    }
}
