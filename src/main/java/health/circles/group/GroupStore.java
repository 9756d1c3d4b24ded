package health.circles.group;

import health.circles.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/** The group store: the {@code contact_group} table, through Panache for the entity and {@link Sql} for streams. */
@ApplicationScoped
public class GroupStore implements PanacheRepositoryBase<ContactGroup, UUID> {

    /** Every group as the graph holds it (id, kind, name, version): what rebuild and reconcile load. */
    private static final String AS_GRAPHED = "SELECT id, kind, name, version FROM contact_group";

    private static final String AS_GRAPHED_BY_ID = AS_GRAPHED + " ORDER BY id";

    private static final String COUNT = "SELECT count(*) FROM contact_group";

    private static final String HELD_AMONG = "SELECT id FROM contact_group WHERE id = ANY(?)";

    private final AgroalDataSource dataSource;

    GroupStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    long countAll() {
        return Sql.query(dataSource, COUNT, List.of(), r -> r.getLong(1)).get(0);
    }

    /** Which of these ids name groups, on a connection of its own. */
    Set<UUID> heldAmong(UUID[] ids) {
        return new HashSet<>(Sql.query(dataSource, HELD_AMONG, List.of((Object) ids), r -> r.getObject(1, UUID.class)));
    }

    /** Streams every group as the graph holds it, in id order when asked, on a connection of its own. */
    void eachAsGraphed(boolean inIdOrder, int fetchSize, Consumer<ContactGroup> each) {
        Sql.stream(dataSource, inIdOrder ? AS_GRAPHED_BY_ID : AS_GRAPHED, List.of(), fetchSize, r -> {
            ContactGroup g = new ContactGroup();
            g.id = r.getObject(1, UUID.class);
            g.kind = GroupKind.valueOf(r.getString(2));
            g.name = r.getString(3);
            g.version = r.getLong(4);
            return g;
        }, each);
    }

    /** Holds the group's row until the transaction ends, so that two writers of its memberships queue. */
    void lock(ContactGroup g) {
        getEntityManager().lock(g, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
    }

    /**
     * A page of groups by id after {@code after}: of a kind, whose name holds {@code q} (case-insensitive), that
     * {@code member} belongs to on {@code today}, changed at or after {@code updatedSince}; each filter optional.
     */
    List<ContactGroup> page(GroupKind kind, String q, UUID member, Instant updatedSince, LocalDate today, UUID after,
                            int limit) {
        StringBuilder where = new StringBuilder("g.id > :after");
        Parameters params = Parameters.with("after", after == null ? new UUID(0, 0) : after);
        if (kind != null) {
            where.append(" and g.kind = :kind");
            params.and("kind", kind);
        }
        if (q != null) {
            where.append(" and g.name ilike :q escape '\\'");
            params.and("q", "%" + likeEscaped(q) + "%");
        }
        if (member != null) {
            where.append(" and exists (select 1 from GroupMembership m where m.groupId = g.id and m.contactId = :member"
                    + " and " + MembershipStore.OPEN_ON_HQL + ")");
            params.and("member", member).and("today", today);
        }
        if (updatedSince != null) {
            where.append(" and g.updatedAt >= :since");
            params.and("since", updatedSince);
        }
        return find("from ContactGroup g where " + where + " order by g.id", params).page(0, limit).list();
    }

    private static String likeEscaped(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
