package health.circles.network;

import health.circles.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Ties as a bulk import reads and writes them, a batch at a time, on the batch transaction's connection: by external
 * id, as set-based statements over arrays unnested server-side, updates at the version read. Used through
 * {@link TieBulkWrites}.
 */
@ApplicationScoped
class TieBulkStore {

    private static final String LOAD = """
            SELECT id, from_id, to_id, type, "symmetric", since, until, declared_strength, strength, source, notes,
                   external_id, created_at, updated_at, version
            FROM tie WHERE external_id = ANY(?)""";

    /** The batch's ties as rows, one array per column. */
    private static final String TIE_ROWS = """
            unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::text[], ?::boolean[], ?::text[], ?::text[], ?::float8[],
                   ?::float8[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[])
              AS u(id, from_id, to_id, type, sym, since, until, declared_strength, strength, source, notes,
                   external_id, at, version)""";

    /** New ties, asserted (imports come from admins and integrations), as {@link #INSERT_NEW} and {@link #INSERT}. */
    private static final String INSERT_ALL = """
            INSERT INTO tie (id, from_id, to_id, type, "symmetric", since, until, declared_strength, strength, source,
                             notes, external_id, created_at, updated_at, version, assertion, asserted_at)
            SELECT id, from_id, to_id, type, sym, since::date, until::date, declared_strength, strength,
                   source, notes, external_id, at::timestamptz, at::timestamptz, version, 'ASSERTED', at::timestamptz
            FROM\s""" + TIE_ROWS;

    /**
     * Every new tie at once: a plain insert, which fails on the first tie that would duplicate an open tie of its type
     * or whose external id another writer took meanwhile. Checking every row for a conflict instead
     * (ON CONFLICT, {@link #INSERT_NEW}) made the insert of 100,000 ties 10-25 % slower, though a conflict is rare.
     */
    private static final String INSERT = INSERT_ALL + "\nRETURNING external_id";

    /** New ties, those that conflict (as in {@link #INSERT}) left out (not returned). */
    private static final String INSERT_NEW = INSERT_ALL + "\nON CONFLICT DO NOTHING\nRETURNING external_id";

    /**
     * Changed ties at the version read. A tie an import sends is asserted (a pending claim with the same external id
     * included), which also keeps the graph, which every written tie reaches, in step.
     */
    private static final String UPDATE = """
            UPDATE tie t SET since = u.since::date, until = u.until::date, declared_strength = u.declared_strength,
                   strength = u.strength, source = u.source, notes = u.notes, updated_at = u.at::timestamptz,
                   version = t.version + 1,
                   assertion = CASE WHEN t.assertion = 'CONFIRMED' THEN 'CONFIRMED' ELSE 'ASSERTED' END,
                   asserted_by = CASE WHEN t.assertion IN ('ASSERTED', 'CONFIRMED') THEN t.asserted_by END,
                   asserted_at = CASE WHEN t.assertion IN ('ASSERTED', 'CONFIRMED') THEN t.asserted_at
                                      ELSE u.at::timestamptz END
            FROM\s""" + TIE_ROWS + """

            WHERE t.id = u.id AND t.version = u.version
            RETURNING t.id""";

    /** The stored ties with these external ids, by external id. */
    Map<String, Tie> load(Connection c, Set<String> externalIds) throws SQLException {
        Map<String, Tie> ties = new HashMap<>();
        for (Tie t : Sql.query(c, LOAD, List.of((Object) externalIds.toArray(String[]::new)), TieBulkStore::tie)) {
            ties.put(t.externalId, t);
        }
        return ties;
    }

    /**
     * Inserts new ties; returns the external ids inserted. All of them in one plain insert under a savepoint; when one
     * conflicts, that insert is rolled back and the ties are inserted again, the conflicting ones left out.
     */
    Set<String> insert(Connection c, List<Tie> ties) {
        if (ties.isEmpty()) {
            return new HashSet<>();
        }
        List<Object> columns = columns(ties);
        return Sql.unlessUniqueViolation(c, () -> new HashSet<>(Sql.query(c, INSERT, columns, r -> r.getString(1))),
                () -> new HashSet<>(Sql.query(c, INSERT_NEW, columns, r -> r.getString(1))));
    }

    /**
     * Updates ties at their read version; returns the ids updated. A tie that would reopen a duplicate is left out
     * rather than fail the batch: the statement runs under a savepoint, rolled back on a unique violation (nothing
     * of these ties is then updated).
     */
    Set<UUID> update(Connection c, List<Tie> ties) {
        return Sql.unlessUniqueViolation(c,
                () -> new HashSet<>(Sql.query(c, UPDATE, columns(ties), r -> r.getObject(1, UUID.class))),
                HashSet::new);
    }

    /** The parameters of {@link #TIE_ROWS}: one array per column, in its order. */
    private static List<Object> columns(List<Tie> ties) {
        int n = ties.size();
        UUID[] ids = new UUID[n];
        UUID[] from = new UUID[n];
        UUID[] to = new UUID[n];
        String[] types = new String[n];
        Boolean[] symmetric = new Boolean[n];
        String[] since = new String[n];
        String[] until = new String[n];
        Double[] declared = new Double[n];
        Double[] strength = new Double[n];
        String[] sources = new String[n];
        String[] notes = new String[n];
        String[] externalIds = new String[n];
        String[] at = new String[n];
        Long[] versions = new Long[n];
        for (int i = 0; i < n; i++) {
            Tie t = ties.get(i);
            ids[i] = t.id;
            from[i] = t.fromId;
            to[i] = t.toId;
            types[i] = t.type;
            symmetric[i] = t.symmetric;
            since[i] = t.since == null ? null : t.since.toString();
            until[i] = t.until == null ? null : t.until.toString();
            declared[i] = t.declaredStrength;
            strength[i] = t.strength;
            sources[i] = t.source.name();
            notes[i] = t.notes;
            externalIds[i] = t.externalId;
            at[i] = t.updatedAt.toString();
            versions[i] = t.version;
        }
        return List.of(ids, from, to, types, symmetric, since, until, declared, strength, sources, notes, externalIds,
                at, versions);
    }

    private static Tie tie(ResultSet r) throws SQLException {
        Tie t = new Tie();
        t.id = r.getObject(1, UUID.class);
        t.fromId = r.getObject(2, UUID.class);
        t.toId = r.getObject(3, UUID.class);
        t.type = r.getString(4);
        t.symmetric = r.getBoolean(5);
        t.since = r.getObject(6, LocalDate.class);
        t.until = r.getObject(7, LocalDate.class);
        t.declaredStrength = r.getDouble(8);
        t.strength = r.getDouble(9);
        t.source = TieSource.valueOf(r.getString(10));
        t.notes = r.getString(11);
        t.externalId = r.getString(12);
        t.createdAt = r.getTimestamp(13).toInstant();
        t.updatedAt = r.getTimestamp(14).toInstant();
        t.version = r.getLong(15);
        return t;
    }
}
