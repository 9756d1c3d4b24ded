package health.circles.contact;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.eclipse.collections.impl.map.mutable.primitive.LongLongHashMap;

/**
 * Where the graph store keeps each contact's node, as this process last saw it: the internal node id the contact
 * projection's writes returned. A tie's write looks its ends up by these ids instead of the contacts' index of string
 * ids, which took about 20 of the 70 µs a tie costs the store (bench/RESULTS.md, issue 17, fiftieth session).
 *
 * <p>Only a hint. Neo4j reuses the ids of deleted nodes, a rebuild renumbers every node, a write that returned an id
 * may have been rolled back, and another replica writes without telling this one; so a write that uses a hint also
 * checks that the node it finds is a contact with that id, and looks the contact up by its index when it is not.
 * Nothing here has to be kept right, and nothing is lost when it is forgotten. Keyed by the contact's UUID folded to
 * 64 bits (two contacts sharing a key only cost one of them its hint), at most {@link #CAPACITY} contacts.
 */
@ApplicationScoped
public class ContactNodes {

    /** Past this many hints they are forgotten and gathered again: 16 bytes and some slack each, about 100 MB. */
    static final int CAPACITY = 4_000_000;
    public static final long UNKNOWN = -1;

    private final LongLongHashMap nodes = new LongLongHashMap();

    public void remember(String contactId, long node) {
        long key = key(contactId);
        synchronized (nodes) {
            if (nodes.size() >= CAPACITY) {
                nodes.clear();
            }
            nodes.put(key, node);
        }
    }

    /** The node last seen holding the contact {@code contactId}, or {@link #UNKNOWN}. */
    public long find(String contactId) {
        long key = key(contactId);
        synchronized (nodes) {
            return nodes.getIfAbsent(key, UNKNOWN);
        }
    }

    public void forget(String contactId) {
        long key = key(contactId);
        synchronized (nodes) {
            nodes.remove(key);
        }
    }

    private static long key(String contactId) {
        UUID id = UUID.fromString(contactId);
        return id.getMostSignificantBits() ^ Long.rotateLeft(id.getLeastSignificantBits(), 32);
    }
}
