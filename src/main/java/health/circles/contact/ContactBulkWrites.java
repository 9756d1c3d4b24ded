package health.circles.contact;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Contacts written in bulk, for bulk imports: a batch at a time, by external id, as a few set-based statements, every
 * write at the version read (an update that finds another version changes nothing and is reported back as not done).
 * Each method runs on the batch transaction's connection the caller passes, so a batch lands whole or not at all;
 * the caller owns that transaction, the outbox rows of what it wrote, and the erasure check of the rows it sends.
 * Package contact keeps its tables (contact, contact_consent): this is their only bulk way in.
 */
@ApplicationScoped
public class ContactBulkWrites {

    /** A contact a tie or touchpoint row names by its external id. */
    public record Ref(UUID id, ContactKind kind) {
    }

    private final ContactBulkStore store;

    ContactBulkWrites(ContactBulkStore store) {
        this.store = store;
    }

    /** The contacts (id and kind) with these external ids, by external id. */
    public Map<String, Ref> refs(Connection c, Set<String> externalIds) throws SQLException {
        return store.refs(c, externalIds);
    }

    /** The stored contacts with these external ids, with their consent, by external id. */
    public Map<String, Contact> load(Connection c, Set<String> externalIds) throws SQLException {
        return store.load(c, externalIds);
    }

    /** Inserts new contacts; returns the external ids inserted (one another writer took meanwhile is left out). */
    public Set<String> insert(Connection c, List<Contact> contacts) throws SQLException {
        return store.insert(c, contacts);
    }

    /** Updates contacts at the version read; returns the ids updated (one changed meanwhile is left out). */
    public Set<UUID> update(Connection c, List<Contact> contacts) throws SQLException {
        return store.update(c, contacts);
    }

    /** Locks contacts in id order, so that an API write cannot interleave with the batch's consent. */
    public void lock(Connection c, List<UUID> ids) throws SQLException {
        store.lock(c, ids);
    }

    /** A new version, updated at {@code now}, for contacts whose only change is their consent. */
    public void bumpVersions(Connection c, List<UUID> ids, Instant now) throws SQLException {
        store.bumpVersions(c, ids, now);
    }
}
