package health.circles.network;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The tie store. */
@ApplicationScoped
public class Ties implements PanacheRepositoryBase<Tie, UUID> {

    /** The open tie of this type between the two contacts, either way round for symmetric types. */
    public Optional<Tie> findOpen(TieType type, UUID from, UUID to, UUID except) {
        String pair = type.directed()
                ? "(fromId = :from and toId = :to)"
                : "((fromId = :from and toId = :to) or (fromId = :to and toId = :from))";
        return find("type = :type and until is null and id <> :except and " + pair,
                Parameters.with("type", type).and("from", from).and("to", to)
                        .and("except", except == null ? new UUID(0, 0) : except))
                .firstResultOptional();
    }

    /**
     * A page of ties (by id, after {@code after}), optionally of one contact (either end), of one type, and active
     * or ended as of {@code today}.
     */
    public List<Tie> page(UUID contact, TieType type, Boolean active, LocalDate today, UUID after, int limit) {
        StringBuilder where = new StringBuilder("id > :after");
        Parameters params = Parameters.with("after", after == null ? new UUID(0, 0) : after);
        if (contact != null) {
            where.append(" and (fromId = :contact or toId = :contact)");
            params.and("contact", contact);
        }
        if (type != null) {
            where.append(" and type = :type");
            params.and("type", type);
        }
        if (active != null) {
            where.append(active ? " and (until is null or until > :today)" : " and until <= :today");
            params.and("today", today);
        }
        return find(where + " order by id", params).page(0, limit).list();
    }
}
