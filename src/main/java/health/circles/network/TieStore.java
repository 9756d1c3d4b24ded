package health.circles.network;

import health.circles.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/** The tie store: the {@code tie} table, through Panache for the entity and {@link Sql} for pair queries. */
@ApplicationScoped
public class TieStore implements PanacheRepositoryBase<Tie, UUID> {

    /**
     * Every tie the graph holds (the facts of the network, ended ones included), as rows {@link #edgeOf} reads: what
     * rebuild and reconcile load and compare, streamed on a connection of their own.
     */
    private static final String IN_GRAPH = """
            SELECT t.id, t.from_id, t.to_id, t.type, t."symmetric", t.strength, t.since, t.until, t.version FROM tie t
            WHERE %s""".formatted(ActiveTie.IN_NETWORK_SQL);

    /** {@link #IN_GRAPH} in id order, the order reconcile merges it with the graph's relationships in. */
    private static final String IN_GRAPH_BY_ID = IN_GRAPH + " ORDER BY t.id";

    /** How many ties the graph holds: the size of a rebuild's tie load. */
    private static final String COUNT_IN_GRAPH = "SELECT count(*) FROM tie t WHERE " + ActiveTie.IN_NETWORK_SQL;

    /** Which of some ids name ties the graph holds. */
    private static final String HELD_AMONG = "SELECT t.id FROM tie t WHERE t.id = ANY(?) AND "
            + ActiveTie.IN_NETWORK_SQL;

    /** The active ties between pairs of contacts given as two arrays, either way round; today is bound twice. */
    private static final String ACTIVE_BETWEEN = """
            SELECT t.id FROM unnest(?::uuid[], ?::uuid[]) AS pair(x, y)
            JOIN tie t ON t.from_id = pair.x AND t.to_id = pair.y
            WHERE %1$s
            UNION ALL
            SELECT t.id FROM unnest(?::uuid[], ?::uuid[]) AS pair(x, y)
            JOIN tie t ON t.from_id = pair.y AND t.to_id = pair.x
            WHERE %1$s""".formatted(ActiveTie.ACTIVE_SQL);

    /** Transaction-scoped locks on the given keys, taken in ascending order so that two writers never deadlock. */
    private static final String LOCK_PAIRS = """
            SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT k FROM unnest(?::bigint[]) k ORDER BY k) keys""";

    private final AgroalDataSource dataSource;

    TieStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** How many ties the graph holds, on a connection of its own (a rebuild runs outside any transaction). */
    long countInGraph() {
        return Sql.query(dataSource, COUNT_IN_GRAPH, List.of(), r -> r.getLong(1)).get(0);
    }

    /** Which of these ids name ties the graph holds, on a connection of its own. */
    Set<UUID> heldAmong(UUID[] ids) {
        return new HashSet<>(Sql.query(dataSource, HELD_AMONG, List.of((Object) ids), r -> r.getObject(1, UUID.class)));
    }

    /**
     * Streams every tie the graph holds, holding what the graph has of it, in id order when asked; {@code fetchSize}
     * rows at a time, on a connection of its own.
     */
    void eachInGraph(boolean inIdOrder, int fetchSize, Consumer<Tie> each) {
        Sql.stream(dataSource, inIdOrder ? IN_GRAPH_BY_ID : IN_GRAPH, List.of(), fetchSize, TieStore::edgeOf, each);
    }

    /** The tie as the graph holds it, from a row of {@link #IN_GRAPH}. */
    private static Tie edgeOf(ResultSet r) throws SQLException {
        Tie t = new Tie();
        t.id = r.getObject(1, UUID.class);
        t.fromId = r.getObject(2, UUID.class);
        t.toId = r.getObject(3, UUID.class);
        t.type = r.getString(4);
        t.symmetric = r.getBoolean(5);
        t.strength = r.getDouble(6);
        t.since = r.getObject(7, LocalDate.class);
        t.until = r.getObject(8, LocalDate.class);
        t.version = r.getLong(9);
        return t;
    }

    /**
     * The active ties (open, or ending after {@code today}) of any type between each of the pairs, either way round;
     * only those in the network (a pending claim is not: touchpoints neither strengthen it nor count it as a tie).
     * Runs in the caller's transaction.
     */
    public List<Tie> activeBetween(Collection<ContactPair> pairs, LocalDate today) {
        if (pairs.isEmpty()) {
            return List.of();
        }
        UUID[] xs = pairs.stream().map(ContactPair::a).toArray(UUID[]::new);
        UUID[] ys = pairs.stream().map(ContactPair::b).toArray(UUID[]::new);
        List<UUID> ids = Sql.query(dataSource, ACTIVE_BETWEEN, List.of(xs, ys, today, xs, ys, today),
                r -> r.getObject(1, UUID.class));
        return ids.isEmpty() ? List.of() : list("id in ?1", ids);
    }

    /** Takes a transaction-scoped lock on each pair, in a fixed order, so that writers of the same pairs queue. */
    public void lock(Collection<ContactPair> pairs) {
        if (pairs.isEmpty()) {
            return;
        }
        Long[] keys = pairs.stream().map(ContactPair::lockKey).sorted().distinct().toArray(Long[]::new);
        Sql.query(dataSource, LOCK_PAIRS, List.of((Object) keys), r -> null);
    }

    /** Every tie of a contact, at either end, history included. */
    public List<Tie> ofContact(UUID contact) {
        return list("fromId = ?1 or toId = ?1", contact);
    }

    /** Ties whose strength depends on touchpoints (and so decays), by id after {@code after}. */
    public List<Tie> touchpointFed(UUID after, int limit) {
        return find("id > ?1 and (strength > declaredStrength or source = ?2) order by id",
                after == null ? new UUID(0, 0) : after, TieSource.TOUCHPOINT).page(0, limit).list();
    }

    /**
     * The open tie of this type between the two contacts, either way round for symmetric types; a pending claim
     * counts (it holds the slot until reviewed), a rejected one does not. Open here means without any end, even one
     * still ahead (not {@link ActiveTie}): a tie with an end date leaves the slot free for its successor.
     */
    public Optional<Tie> findOpen(String type, boolean symmetric, UUID from, UUID to, UUID except) {
        String pair = !symmetric
                ? "(fromId = :from and toId = :to)"
                : "((fromId = :from and toId = :to) or (fromId = :to and toId = :from))";
        return find("type = :type and until is null and assertion <> :rejected and id <> :except and " + pair,
                Parameters.with("type", type).and("from", from).and("to", to).and("rejected", TieAssertion.REJECTED)
                        .and("except", except == null ? new UUID(0, 0) : except))
                .firstResultOptional();
    }

    /**
     * A page of ties (by id, after {@code after}), optionally of one contact (either end), of one type, in one
     * assertion state, active or ended as of {@code today}, and changed at or after {@code updatedSince}.
     */
    public List<Tie> page(UUID contact, String type, TieAssertion assertion, Boolean active, Instant updatedSince,
                          LocalDate today, UUID after, int limit) {
        StringBuilder where = new StringBuilder("t.id > :after");
        Parameters params = Parameters.with("after", after == null ? new UUID(0, 0) : after);
        if (contact != null) {
            where.append(" and (t.fromId = :contact or t.toId = :contact)");
            params.and("contact", contact);
        }
        if (type != null) {
            where.append(" and t.type = :type");
            params.and("type", type);
        }
        if (assertion != null) {
            where.append(" and t.assertion = :assertion");
            params.and("assertion", assertion);
        }
        if (active != null) {
            where.append(active ? " and " + ActiveTie.OPEN_ON_HQL : " and t.until <= :today");
            params.and("today", today);
        }
        if (updatedSince != null) {
            where.append(" and t.updatedAt >= :since");
            params.and("since", updatedSince);
        }
        return find("from Tie t where " + where + " order by t.id", params).page(0, limit).list();
    }
}
