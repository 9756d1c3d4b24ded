package health.circles.network;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.hibernate.Session;

/** The touchpoint store: Panache for single records, SQL (in the caller's transaction) for histories and pairs. */
@ApplicationScoped
public class Touchpoints implements PanacheRepositoryBase<Touchpoint, UUID> {

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

    // Far enough ahead that "before the cursor" with no cursor means everything.
    private static final Timestamp END_OF_TIME = Timestamp.from(Instant.parse("9999-12-31T00:00:00Z"));
    private static final UUID MAX_ID = new UUID(-1L, -1L);

    private final EntityManager em;

    Touchpoints(EntityManager em) {
        this.em = em;
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
        work(c -> {
            UUID[] xs = pairs.stream().map(ContactPair::a).toArray(UUID[]::new);
            UUID[] ys = pairs.stream().map(ContactPair::b).toArray(UUID[]::new);
            try (PreparedStatement s = c.prepareStatement(CONTRIBUTIONS)) {
                s.setArray(1, c.createArrayOf("uuid", xs));
                s.setArray(2, c.createArrayOf("uuid", ys));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        ContactPair pair = ContactPair.of(r.getObject(1, UUID.class), r.getObject(2, UUID.class));
                        out.computeIfAbsent(pair, k -> new ArrayList<>()).add(new TieStrength.Contribution(
                                TouchpointChannel.valueOf(r.getString(3)), r.getTimestamp(4).toInstant()));
                    }
                }
            }
            return null;
        });
        return out;
    }

    private List<Position> ids(String sql, List<UUID> contacts, Position before, int limit) {
        return work(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                int i = 1;
                for (UUID contact : contacts) {
                    s.setObject(i++, contact);
                }
                s.setTimestamp(i++, before == null ? END_OF_TIME : Timestamp.from(before.occurredAt()));
                s.setObject(i++, before == null ? MAX_ID : before.id());
                s.setInt(i, limit);
                List<Position> found = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        found.add(new Position(r.getTimestamp(2).toInstant(), r.getObject(1, UUID.class)));
                    }
                }
                return found;
            }
        });
    }

    private List<Touchpoint> load(List<Position> positions) {
        if (positions.isEmpty()) {
            return List.of();
        }
        Map<UUID, Touchpoint> byId = list("id in ?1", positions.stream().map(Position::id).toList()).stream()
                .collect(Collectors.toMap(t -> t.id, Function.identity()));
        return positions.stream().map(p -> byId.get(p.id())).filter(java.util.Objects::nonNull).toList();
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T work(Work<T> work) {
        return em.unwrap(Session.class).doReturningWork(work::run);
    }
}
