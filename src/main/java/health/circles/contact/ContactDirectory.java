package health.circles.contact;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * What other packages may ask about contacts by id (whether they exist, their kind and name), so that they need neither
 * the contact store nor the entity. Reads in the caller's transaction when there is one.
 */
@ApplicationScoped
public class ContactDirectory {

    /** A contact as other capabilities refer to it. */
    public record Entry(UUID id, ContactKind kind, String displayName) {
    }

    private final ContactStore contacts;
    private final ErasureStore erasures;

    ContactDirectory(ContactStore contacts, ErasureStore erasures) {
        this.contacts = contacts;
        this.erasures = erasures;
    }

    /**
     * The contacts erased on request at or after {@code since}: a copy of the graph held elsewhere leaves them out,
     * whether or not the outbox rows that removed them from the graph are still there to say so.
     */
    public List<UUID> erasedSince(Instant since) {
        return erasures.erasedSince(since);
    }

    @Transactional
    public Optional<Entry> find(UUID id) {
        return Optional.ofNullable(contacts.findById(id)).map(ContactDirectory::entry);
    }

    /**
     * A contact as {@link #find} gives it, read by one plain statement outside any transaction and Hibernate session:
     * for reads that write nothing (the graph's questions name their contacts with it). In a transaction it does not
     * see changes not yet flushed; writers use {@link #find}.
     */
    public Optional<Entry> read(UUID id) {
        return contacts.entry(id);
    }

    /** The ids among these that name contacts PostgreSQL holds: one query, no record read. */
    @Transactional
    public Set<UUID> existing(Collection<UUID> ids) {
        return ids.isEmpty() ? Set.of() : contacts.heldAmong(ids.toArray(UUID[]::new));
    }

    /** The contacts of {@code ids} that exist, by id. */
    public Map<UUID, Entry> findAll(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return contacts.list("id in ?1", List.copyOf(ids)).stream()
                .collect(Collectors.toMap(c -> c.id, ContactDirectory::entry));
    }

    private static Entry entry(Contact c) {
        return new Entry(c.id, c.kind, c.displayName);
    }
}
