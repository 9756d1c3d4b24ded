package health.circles.network;

import health.circles.contact.ContactDirectory;
import health.circles.contact.ContactGraph;
import health.circles.sync.GraphVersion;
import health.circles.sync.Outbox;
import health.circles.web.Ids;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What changed in the graph since a copy of it was read, for the copies held in memory (the circles' adjacency, the
 * seeds' influence graph): the contacts the outbox rows of the batches applied since name, and the contacts erased
 * since. Only the contacts projection writes {@code Contact} nodes and only the ties projection {@code TIE} edges, so
 * no other row changes what the copies hold.
 */
@ApplicationScoped
public class GraphChanges {

    /** The outbox changes that move a tie in or out of the graph, or change it. */
    private static final Set<String> TIE_CHANGES = Set.of(TieGraph.UPSERTED, TieGraph.DELETED);

    /** The outbox changes that bring a contact into the graph, change it, or take it out. */
    private static final Set<String> CONTACT_CHANGES = Set.of(ContactGraph.UPSERTED, ContactGraph.DELETED);

    /**
     * How long before a copy's whole read an erasure may have been recorded and still not be in it: its removal from
     * the graph may have been applied, and its outbox rows purged, only after the read. Erasures are few.
     */
    private static final Duration ERASURE_MARGIN = Duration.ofDays(1);

    private final Outbox outbox;
    private final ContactDirectory contacts;

    GraphChanges(Outbox outbox, ContactDirectory contacts) {
        this.outbox = outbox;
        this.contacts = contacts;
    }

    /** Which ends of a changed tie a copy must read again: the one it leaves, or both. */
    public enum Ends {
        FROM, BOTH
    }

    /**
     * Whether a copy read at {@code held} can be brought to {@code now} from the outbox: the same rebuild and repair
     * (both write the graph without it), and batches applied since, not fewer.
     */
    public static boolean followable(GraphVersion held, GraphVersion now) {
        return Objects.equals(held.lastRebuild(), now.lastRebuild())
                && Objects.equals(held.repairedAt(), now.repairedAt())
                && now.appliedBatches() >= held.appliedBatches();
    }

    /**
     * The contacts a copy read at {@code held} must read again to be at {@code now}: the {@code ends} of every tie
     * changed, and every contact that came, changed or went. Empty when there are more than {@code maxTies} tie
     * changes or {@code maxContacts} contact changes, or one names no contact (removals recorded before they named
     * their ends): the copy must be read whole.
     */
    public Optional<Set<UUID>> contactsChanged(GraphVersion held, GraphVersion now, Ends ends, long maxTies,
                                               long maxContacts) {
        Set<UUID> changed = new HashSet<>();
        List<String> tieEnds = ends == Ends.FROM ? List.of("from") : List.of("from", "to");
        boolean named = named(held, now, TIE_CHANGES, tieEnds, maxTies, changed)
                && named(held, now, CONTACT_CHANGES, List.of("id"), maxContacts, changed);
        return named ? Optional.of(changed) : Optional.empty();
    }

    /** The contacts erased late enough that a copy read whole at {@code readAt} may still hold them. */
    public Set<UUID> erasedSince(Instant readAt) {
        return new HashSet<>(contacts.erasedSince(readAt.minus(ERASURE_MARGIN)));
    }

    private boolean named(GraphVersion held, GraphVersion now, Set<String> types, List<String> fields, long limit,
                          Set<UUID> changed) {
        Optional<List<String>> names = outbox.fieldsOfChanges(held.appliedBatches(), now.appliedBatches(), types,
                fields, limit);
        if (names.isEmpty()) {
            return false;
        }
        for (String name : names.get()) {
            UUID id = Ids.orNull(name);
            if (id == null) {
                return false;
            }
            changed.add(id);
        }
        return true;
    }
}
