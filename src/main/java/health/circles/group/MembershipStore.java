package health.circles.group;

import health.circles.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/** The membership store: the {@code group_membership} table. */
@ApplicationScoped
public class MembershipStore implements PanacheRepositoryBase<Membership, UUID> {

    /**
     * HQL condition on a {@code GroupMembership} aliased {@code m}: a member on the date bound to {@code :today} (not
     * ended by then; erased places have no contact and never match a contact).
     */
    static final String OPEN_ON_HQL = "(m.until is null or m.until > :today)";

    /** Every membership the graph holds (those with a contact), as {@link #edgeOf} reads them. */
    private static final String IN_GRAPH = """
            SELECT id, group_id, contact_id, role, since, until, version FROM group_membership
            WHERE contact_id IS NOT NULL""";

    private static final String IN_GRAPH_BY_ID = IN_GRAPH + " ORDER BY id";

    private static final String COUNT_IN_GRAPH = "SELECT count(*) FROM group_membership WHERE contact_id IS NOT NULL";

    private static final String HELD_AMONG = """
            SELECT id FROM group_membership WHERE id = ANY(?) AND contact_id IS NOT NULL""";

    /** The active member ids of each group of {@code ids}. */
    private static final String ACTIVE_MEMBERS_OF = """
            SELECT group_id, contact_id, added_by FROM group_membership
            WHERE group_id = ANY(?::uuid[]) AND contact_id IS NOT NULL AND coalesce(until, 'infinity'::date) > ?""";

    private final AgroalDataSource dataSource;

    MembershipStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    long countInGraph() {
        return Sql.query(dataSource, COUNT_IN_GRAPH, List.of(), r -> r.getLong(1)).get(0);
    }

    /** Which of these ids name memberships the graph holds, on a connection of its own. */
    Set<UUID> heldAmong(UUID[] ids) {
        return new HashSet<>(Sql.query(dataSource, HELD_AMONG, List.of((Object) ids), r -> r.getObject(1, UUID.class)));
    }

    void eachInGraph(boolean inIdOrder, int fetchSize, Consumer<Membership> each) {
        Sql.stream(dataSource, inIdOrder ? IN_GRAPH_BY_ID : IN_GRAPH, List.of(), fetchSize, MembershipStore::edgeOf,
                each);
    }

    private static Membership edgeOf(ResultSet r) throws SQLException {
        Membership m = new Membership();
        m.id = r.getObject(1, UUID.class);
        m.groupId = r.getObject(2, UUID.class);
        m.contactId = r.getObject(3, UUID.class);
        m.role = r.getString(4);
        m.since = r.getObject(5, LocalDate.class);
        m.until = r.getObject(6, LocalDate.class);
        m.version = r.getLong(7);
        return m;
    }

    /** Every membership of a contact, history included. */
    List<Membership> ofContact(UUID contact) {
        return list("contactId", contact);
    }

    /** The contact's open membership in the group (no end at all), if any, other than {@code except}. */
    Optional<Membership> findOpen(UUID group, UUID contact, UUID except) {
        return find("groupId = :group and contactId = :contact and until is null and id <> :except",
                Parameters.with("group", group).and("contact", contact)
                        .and("except", except == null ? new UUID(0, 0) : except)).firstResultOptional();
    }

    /** Active member ids per group, for the groups of {@code groups}. */
    Map<UUID, List<UUID>> activeMembersOf(Collection<UUID> groups, LocalDate today) {
        Map<UUID, List<UUID>> members = new HashMap<>();
        activeMembers(groups, today).forEach((g, list) -> members.put(g, list.stream().map(Active::contact).toList()));
        return members;
    }

    /** A current member, and who added them to the existing group (null: a member the group was created with). */
    record Active(UUID contact, String addedBy) {
    }

    /** Active members per group, with who added them, for the groups of {@code groups}. */
    Map<UUID, List<Active>> activeMembers(Collection<UUID> groups, LocalDate today) {
        Map<UUID, List<Active>> members = new HashMap<>();
        if (groups.isEmpty()) {
            return members;
        }
        Sql.query(dataSource, ACTIVE_MEMBERS_OF, List.of(groups.toArray(new UUID[0]), today), r -> {
            members.computeIfAbsent(r.getObject(1, UUID.class), k -> new java.util.ArrayList<>())
                    .add(new Active(r.getObject(2, UUID.class), r.getString(3)));
            return null;
        });
        return members;
    }

    /**
     * A page of memberships by id after {@code after}, of a group or of a contact, active or ended on {@code today}
     * (null: both).
     */
    List<Membership> page(UUID group, UUID contact, Boolean active, LocalDate today, UUID after, int limit) {
        StringBuilder where = new StringBuilder("m.id > :after");
        Parameters params = Parameters.with("after", after == null ? new UUID(0, 0) : after);
        if (group != null) {
            where.append(" and m.groupId = :group");
            params.and("group", group);
        }
        if (contact != null) {
            where.append(" and m.contactId = :contact");
            params.and("contact", contact);
        }
        if (active != null) {
            where.append(active ? " and m.erased = false and " + OPEN_ON_HQL
                    : " and (m.erased = true or m.until <= :today)");
            params.and("today", today);
        }
        return find("from GroupMembership m where " + where + " order by m.id", params).page(0, limit).list();
    }

    /** The groups (ids) the contacts of {@code contacts} belong to on {@code today}, per contact. */
    List<Object[]> activeOf(Collection<UUID> contacts, LocalDate today) {
        if (contacts.isEmpty()) {
            return List.of();
        }
        return getEntityManager().createQuery("select m.contactId, m.groupId, m.role from GroupMembership m where "
                        + "m.contactId in :contacts and " + OPEN_ON_HQL + " order by m.contactId, m.groupId", Object[].class)
                .setParameter("contacts", List.copyOf(contacts)).setParameter("today", today).getResultList();
    }
}
