package health.circles.network;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Ties written in bulk, for bulk imports: a batch at a time, by external id, as a few set-based statements, updates at
 * the version read. Each method runs on the batch transaction's connection the caller passes, so a batch lands whole
 * or not at all; the caller owns that transaction and the outbox rows of what it wrote. Package network keeps its
 * table (tie): this is its only bulk way in.
 */
@ApplicationScoped
public class TieBulkWrites {

    private final TieBulkStore store;

    TieBulkWrites(TieBulkStore store) {
        this.store = store;
    }

    /** The stored ties with these external ids, by external id. */
    public Map<String, Tie> load(Connection c, Set<String> externalIds) throws SQLException {
        return store.load(c, externalIds);
    }

    /**
     * Inserts new ties, asserted; returns the external ids inserted (one that would duplicate an open tie of its type,
     * or whose external id another writer took meanwhile, is left out).
     */
    public Set<String> insert(Connection c, List<Tie> ties) throws SQLException {
        return store.insert(c, ties);
    }

    /**
     * Updates ties at their read version; returns the ids updated. A tie that would reopen a duplicate is left out
     * rather than fail the batch: the statement runs under a savepoint of the caller's transaction, rolled back on a
     * unique violation (nothing of these ties is then updated).
     */
    public Set<UUID> update(Connection c, List<Tie> ties) throws SQLException {
        return store.update(c, ties);
    }
}
