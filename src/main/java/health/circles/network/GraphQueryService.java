package health.circles.network;

import health.circles.contact.ContactDirectory;
import health.circles.security.AuditNotes;
import health.circles.failure.InvalidInput;
import health.circles.failure.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Graph questions: checks the contacts in PostgreSQL, waits for the client's writes, asks the graph store (circles
 * from its copy in memory when that is current: {@link CirclesMemory}).
 */
@ApplicationScoped
public class GraphQueryService {

    private final ContactDirectory contacts;
    private final NetworkGraph graph;
    private final CirclesMemory memory;
    private final GraphReads reads;
    private final AuditNotes auditNotes;

    GraphQueryService(ContactDirectory contacts, NetworkGraph graph, CirclesMemory memory, GraphReads reads,
                      AuditNotes auditNotes) {
        this.contacts = contacts;
        this.graph = graph;
        this.memory = memory;
        this.reads = reads;
        this.auditNotes = auditNotes;
    }

    /** The parameters of a circles question, already validated. */
    public record CirclesQuery(UUID centre, int depth, List<String> kinds, List<String> tieTypes, double minStrength,
                               int limit, Long consistentWith) {
    }

    public CirclesView circles(CirclesQuery q) {
        CirclesView.ContactRef centre = ref(q.centre());
        boolean current = reads.await(q.consistentWith());
        String id = q.centre().toString();
        LocalDate today = today();
        NetworkGraph.Found found = memory.circles(id, q.depth(), q.kinds(), q.tieTypes(), q.minStrength(), q.limit(),
                today).orElseGet(() -> graph.circles(id, q.depth(), q.kinds(), q.tieTypes(), q.minStrength(), q.limit(),
                today));
        Map<Integer, List<CirclesView.Member>> rings = new LinkedHashMap<>();
        for (int ring = 1; ring <= q.depth(); ring++) {
            rings.put(ring, new ArrayList<>());
        }
        List<NetworkGraph.Member> members = found.members();
        if (mayHoldRemoved(current, q.consistentWith())) {
            Set<UUID> named = new HashSet<>();
            members.forEach(m -> {
                named.add(m.id());
                if (m.via() != null) {
                    named.add(m.via());
                }
            });
            Set<UUID> stored = stored(named);
            // Reached through someone gone, too, at any distance: ring by ring (members come in ring order), a
            // member stays only when the one it was reached through stayed.
            Set<UUID> kept = new HashSet<>();
            kept.add(q.centre());
            List<NetworkGraph.Member> left = new ArrayList<>();
            for (NetworkGraph.Member m : members) {
                if (stored.contains(m.id()) && (m.via() == null || kept.contains(m.via()))) {
                    kept.add(m.id());
                    left.add(m);
                }
            }
            members = left;
        }
        for (NetworkGraph.Member m : members) {
            rings.get(m.ring()).add(new CirclesView.Member(m.id(), m.kind(), m.displayName(), m.strength(), m.via(),
                    m.tieTypes()));
        }
        String note = found.note();
        if (!current) {
            note = (note == null ? "" : note + ". ") + "The graph is behind recent writes; this answer may miss them";
        }
        return new CirclesView(centre, q.depth(),
                rings.entrySet().stream().map(e -> new CirclesView.Ring(e.getKey(), e.getValue())).toList(),
                members.size(), found.truncated(), note, current);
    }

    public PathsView paths(UUID from, UUID to, int maxHops, int limit, Long consistentWith) {
        auditNotes.concerns(from, to); // named by the audit row even when the answer is an error
        if (from.equals(to)) {
            throw InvalidInput.field("to", "must differ from from");
        }
        CirclesView.ContactRef a = ref(from);
        CirclesView.ContactRef b = ref(to);
        boolean current = reads.await(consistentWith);
        List<NetworkGraph.FoundPath> found = graph.paths(from.toString(), to.toString(), maxHops, limit, today());
        if (mayHoldRemoved(current, consistentWith)) {
            Set<UUID> named = new HashSet<>();
            found.forEach(p -> p.hops().forEach(h -> named.add(UUID.fromString((String) h.to().get("id")))));
            Set<UUID> stored = stored(named);
            found = found.stream().filter(p -> p.hops().stream()
                    .allMatch(h -> stored.contains(UUID.fromString((String) h.to().get("id"))))).toList();
        }
        List<PathsView.PathView> paths = found.stream().map(GraphQueryService::view).toList();
        String reason = paths.isEmpty()
                ? "No chain of at most " + maxHops + " active ties joins these contacts" + (maxHops < NetworkGraph.MAX_HOPS
                ? "; a larger maxHops (up to " + NetworkGraph.MAX_HOPS + ") may find one" : "")
                : null;
        if (!current && paths.isEmpty()) {
            reason += "; the graph is also behind recent writes";
        }
        return new PathsView(a, b, maxHops, paths, reason, current);
    }

    private static PathsView.PathView view(NetworkGraph.FoundPath path) {
        List<PathsView.HopView> hops = path.hops().stream().map(h -> {
            Map<String, Object> t = h.tie();
            String direction = Boolean.TRUE.equals(t.get("symmetric")) ? "SYMMETRIC" : h.forward() ? "FORWARD" : "BACKWARD";
            return new PathsView.HopView(ref(h.from()), ref(h.to()), new PathsView.TieRef(
                    UUID.fromString((String) t.get("id")), (String) t.get("type"),
                    ((Number) t.get("strength")).doubleValue(), direction));
        }).toList();
        return new PathsView.PathView(path.strength(), hops.size(), hops);
    }

    private static CirclesView.ContactRef ref(Map<String, Object> node) {
        return new CirclesView.ContactRef(UUID.fromString((String) node.get("id")), (String) node.get("kind"),
                (String) node.get("displayName"));
    }

    /**
     * Whether the graph may still hold a contact deleted or erased in PostgreSQL: when the relay had not applied every
     * committed change within the wait, or the caller asked only for its own writes (an erasure by someone else since
     * may still be on its way). Then the answer keeps only contacts PostgreSQL still has: an erased person's name must
     * not come back from a graph that lags.
     */
    private static boolean mayHoldRemoved(boolean current, Long consistentWith) {
        return !current || consistentWith != null;
    }

    /** The contacts among {@code ids} that PostgreSQL holds: one query of their ids, no record read. */
    private Set<UUID> stored(Set<UUID> ids) {
        return contacts.existing(ids);
    }

    /** The contact as PostgreSQL holds it now: one plain statement, no transaction (a graph question writes nothing). */
    CirclesView.ContactRef ref(UUID id) {
        ContactDirectory.Entry c = contacts.read(id).orElseThrow(() -> new NotFound("Contact", id));
        return new CirclesView.ContactRef(c.id(), c.kind().name(), c.displayName());
    }

    private static LocalDate today() {
        return LocalDate.now(ZoneOffset.UTC);
    }
}
