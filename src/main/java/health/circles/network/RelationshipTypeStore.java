package health.circles.network;

import health.circles.Sql;
import health.circles.contact.ContactKind;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The registry of relationship types: the {@code relationship_type} table (V20). */
@ApplicationScoped
public class RelationshipTypeStore {

    private static final String COLUMNS = """
            code, forward_name, reverse_name, from_kinds, to_kinds, "symmetric", grants_access, default_weight,
            description, built_in, created_by, created_at, updated_at, version""";

    /** Every type, by code. The registry is small (tens of rows): callers read it whole. */
    private static final String ALL = "SELECT " + COLUMNS + " FROM relationship_type ORDER BY code";

    /** A page of types by code, after a code. */
    private static final String PAGE = "SELECT " + COLUMNS
            + " FROM relationship_type WHERE code > ? ORDER BY code LIMIT ?";

    private static final String ONE = "SELECT " + COLUMNS + " FROM relationship_type WHERE code = ?";

    /**
     * One type, held until the caller's transaction ends against its deletion (FOR KEY SHARE: what the tie's foreign
     * key takes too), so that a tie validated against it is written with it; writers of other ties are not held up.
     */
    private static final String ONE_HELD = ONE + " FOR KEY SHARE";

    /**
     * Serialises changes to the registry (additions, renames, deletions), so that the uniqueness of names across
     * types, which no index can state, holds; tie writers (FOR KEY SHARE) and readers are not held up.
     */
    private static final String LOCK_FOR_CHANGE = "LOCK TABLE relationship_type IN SHARE ROW EXCLUSIVE MODE";

    private static final String INSERT = "INSERT INTO relationship_type (" + COLUMNS + """
            ) VALUES (?, ?, ?, ?, ?, ?, false, ?, ?, false, ?, ?, ?, 0)""";

    /** The names, description and weight of a type at an expected version; never its meaning. */
    private static final String UPDATE = """
            UPDATE relationship_type SET forward_name = ?, reverse_name = ?, description = ?, default_weight = ?,
                   updated_at = ?, version = version + 1
            WHERE code = ? AND version = ?""";

    private static final String IN_USE = "SELECT EXISTS (SELECT 1 FROM tie WHERE type = ?)";

    /** Only added types are deleted; built-in ones are what the code relies on. */
    private static final String DELETE = "DELETE FROM relationship_type WHERE code = ? AND NOT built_in";

    private final AgroalDataSource dataSource;

    RelationshipTypeStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    List<RelationshipType> all() {
        return Sql.query(dataSource, ALL, List.of(), RelationshipTypeStore::typeOf);
    }

    List<RelationshipType> page(String after, int limit) {
        return Sql.query(dataSource, PAGE, List.of(after == null ? "" : after, limit), RelationshipTypeStore::typeOf);
    }

    Optional<RelationshipType> find(String code) {
        return Sql.query(dataSource, ONE, List.of(code), RelationshipTypeStore::typeOf).stream().findFirst();
    }

    /** The type, held against deletion until the caller's transaction ends. */
    Optional<RelationshipType> findHeld(String code) {
        return Sql.query(dataSource, ONE_HELD, List.of(code), RelationshipTypeStore::typeOf).stream().findFirst();
    }

    void lockForChange() {
        Sql.update(dataSource, LOCK_FOR_CHANGE, List.of());
    }

    void insert(RelationshipType t) {
        Sql.update(dataSource, INSERT, List.of(t.code(), t.forwardName(), t.reverseName(), names(t.fromKinds()),
                names(t.toKinds()), t.symmetric(), t.defaultWeight(), t.description() == null ? Sql.NULL : t.description(),
                t.createdBy() == null ? Sql.NULL : t.createdBy(), t.createdAt(), t.updatedAt()));
    }

    /** Whether the type was at {@code version} and is now changed. */
    boolean update(String code, long version, String forwardName, String reverseName, String description,
                   double defaultWeight, Instant now) {
        return Sql.update(dataSource, UPDATE, List.of(forwardName, reverseName,
                description == null ? Sql.NULL : description, defaultWeight, now, code, version)) == 1;
    }

    boolean inUse(String code) {
        return Sql.query(dataSource, IN_USE, List.of(code), r -> r.getBoolean(1)).get(0);
    }

    /** Whether an added type was deleted; a tie written meanwhile makes the foreign key refuse (see {@link #isInUse}). */
    boolean delete(String code) {
        return Sql.update(dataSource, DELETE, List.of(code)) == 1;
    }

    /** Whether {@code e}, thrown by {@link #delete}, is the foreign key of a tie that still names the type. */
    static boolean isInUse(RuntimeException e) {
        return e.getCause() instanceof SQLException sql && "23503".equals(sql.getSQLState());
    }

    private static String[] names(Set<ContactKind> kinds) {
        return kinds.stream().sorted().map(Enum::name).toArray(String[]::new);
    }

    private static RelationshipType typeOf(ResultSet r) throws SQLException {
        return new RelationshipType(r.getString(1), r.getString(2), r.getString(3), kinds(r.getArray(4)),
                kinds(r.getArray(5)), r.getBoolean(6), r.getBoolean(7), r.getDouble(8), r.getString(9),
                r.getBoolean(10), r.getString(11), r.getTimestamp(12).toInstant(), r.getTimestamp(13).toInstant(),
                r.getLong(14));
    }

    private static Set<ContactKind> kinds(Array array) throws SQLException {
        EnumSet<ContactKind> kinds = EnumSet.noneOf(ContactKind.class); // in declaration order, as answers show them
        for (Object k : (Object[]) array.getArray()) {
            kinds.add(ContactKind.valueOf((String) k));
        }
        return Collections.unmodifiableSet(kinds);
    }
}
