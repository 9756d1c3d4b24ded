package health.circles.network;

import health.circles.security.AuditedRecord;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A contact's concentric circles. */
@Schema(name = "Circles")
public record CirclesView(
        ContactRef centre,
        int depth,
        @Schema(description = "Ring 1 = direct ties, ring 2 = ties of ties, …; each contact once, in its nearest ring") List<Ring> rings,
        @Schema(description = "Members listed, over all rings") int total,
        @Schema(description = "true when the size bound cut the answer short; note says where") boolean truncated,
        String note,
        @Schema(description = "false when the graph had not caught up with recent writes within the wait") boolean graphCurrent)
        implements AuditedRecord {

    @Override
    public String auditId() {
        return centre.id().toString();
    }

    /** The centre and every member listed: the answer names them all. */
    @Override
    public Set<UUID> auditContacts() {
        Set<UUID> ids = new LinkedHashSet<>(2 * (1 + total)); // no rehash on the way
        ids.add(centre.id());
        rings.forEach(r -> r.members().forEach(m -> ids.add(m.id())));
        return ids;
    }

    /** A contact as graph answers name it. */
    @Schema(name = "ContactRef")
    public record ContactRef(UUID id, String kind, String displayName) {
    }

    /** One ring. */
    @Schema(name = "Ring")
    public record Ring(int ring, List<Member> members) {
    }

    /** A contact in a ring. */
    @Schema(name = "CircleMember")
    public record Member(
            UUID id,
            String kind,
            String displayName,
            @Schema(description = "The strongest path to the centre among the shortest ones: the product of its ties' strengths, 0..1") double strength,
            @Schema(description = "The contact of the previous ring on that strongest path (the centre for ring 1)") UUID via,
            @Schema(description = "Types of the active ties joining it to the previous ring") List<String> tieTypes) {
    }
}
