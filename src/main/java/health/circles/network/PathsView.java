package health.circles.network;

import health.circles.security.AuditedRecord;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Introduction paths between two contacts, strongest first. */
@Schema(name = "Paths")
public record PathsView(
        CirclesView.ContactRef from,
        CirclesView.ContactRef to,
        int maxHops,
        List<PathView> paths,
        @Schema(description = "Why the list is empty; absent otherwise") String reason,
        @Schema(description = "false when the graph had not caught up with recent writes within the wait") boolean graphCurrent)
        implements AuditedRecord {

    @Override
    public String auditId() {
        return null; // a question about two contacts, not a stored record
    }

    /** Both ends and every contact on a path returned: the answer names them all. */
    @Override
    public Set<UUID> auditContacts() {
        Set<UUID> ids = new LinkedHashSet<>();
        ids.add(from.id());
        ids.add(to.id());
        paths.forEach(p -> p.hops().forEach(h -> {
            ids.add(h.from().id());
            ids.add(h.to().id());
        }));
        return ids;
    }

    /** One path: who introduces whom, hop by hop. */
    @Schema(name = "Path")
    public record PathView(
            @Schema(description = "Product of the strengths of the path's ties, 0..1") double strength,
            int length,
            List<HopView> hops) {
    }

    /** One hop and the tie it walks. */
    @Schema(name = "Hop")
    public record HopView(CirclesView.ContactRef from, CirclesView.ContactRef to, TieRef tie) {
    }

    /** The tie of a hop. */
    @Schema(name = "HopTie")
    public record TieRef(
            UUID id,
            String type,
            double strength,
            @Schema(description = "FORWARD: the tie runs from this hop's from to its to; BACKWARD: the other way; SYMMETRIC: a symmetric type") String direction) {
    }
}
