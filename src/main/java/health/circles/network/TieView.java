package health.circles.network;

import health.circles.security.AuditedRecord;
import health.circles.security.Disclosable;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A tie as the API shows it. */
@Schema(name = "Tie")
public record TieView(
        UUID id,
        UUID from,
        UUID to,
        @Schema(description = "Its relationship type's code (GET /api/v1/relationship-types)") String type,
        @Schema(description = "false for symmetric types, whose from/to order carries no meaning") boolean directed,
        LocalDate since,
        LocalDate until,
        @Schema(description = "Open, or ending in the future") boolean active,
        double declaredStrength,
        @Schema(description = "0..1: declared strength plus the decayed weight of the touchpoints between the two contacts, at most 1") double strength,
        TieSource source,
        @Schema(description = """
                Who stated it. ASSERTED: an admin or an integration (or anyone, for types that grant nothing); \
                CLAIMED: a clinician's pending claim of a care relationship, which grants nothing and is not in the \
                graph until an admin or an integration confirms it; CONFIRMED; REJECTED (history only); INFERRED: \
                from touchpoints. Only ASSERTED and CONFIRMED TREATS ties grant access.""") TieAssertion assertion,
        @Schema(description = "Token subject that asserted or claimed it; absent for imports and older ties") String assertedBy,
        Instant assertedAt,
        @Schema(description = "Token subject that confirmed or rejected the claim") String reviewedBy,
        Instant reviewedAt,
        String notes,
        String externalId,
        Instant createdAt,
        Instant updatedAt,
        long version,
        @Schema(description = """
                Only in a contact's ties: how the tie reads from that contact's side, the type's forward name when \
                the contact is its from end, else its reverse name (CHILD_OF for the to end of a PARENT_OF tie)""")
        String relationship,
        @Schema(description = "Only in a contact's ties: the contact at the other end") UUID other)
        implements AuditedRecord, Disclosable<TieView> {

    @Override
    public String auditId() {
        return id.toString();
    }

    @Override
    public Set<UUID> auditContacts() {
        // From, then to: Set.of would order them differently from one JVM to the next.
        return new java.util.LinkedHashSet<>(java.util.List.of(from, to));
    }

    /** A tie is whole for whoever sees either end's record whole (security.Disclosure). */
    @Override
    public java.util.List<UUID> disclosedBy() {
        return java.util.List.of(from, to);
    }

    @Override
    public TieView limited() {
        return withoutNotes();
    }

    /** The tie without its free-text notes, which may hold clinical detail. */
    public TieView withoutNotes() {
        return new TieView(id, from, to, type, directed, since, until, active, declaredStrength, strength, source,
                assertion, assertedBy, assertedAt, reviewedBy, reviewedAt, null, externalId, createdAt, updatedAt, version,
                relationship, other);
    }

    static TieView of(Tie t, LocalDate today) {
        return new TieView(t.id, t.fromId, t.toId, t.type, !t.symmetric, t.since, t.until, t.active(today),
                t.declaredStrength, t.strength, t.source, t.assertion, t.assertedBy, t.assertedAt, t.reviewedBy,
                t.reviewedAt, t.notes, t.externalId, t.createdAt, t.updatedAt, t.version, null, null);
    }

    /** The tie as {@code contact}, one of its ends, reads it: its relationship from that side and the other end. */
    TieView from(UUID contact, RelationshipType type) {
        boolean fromEnd = contact.equals(from);
        return new TieView(id, from, to, this.type, directed, since, until, active, declaredStrength, strength, source,
                assertion, assertedBy, assertedAt, reviewedBy, reviewedAt, notes, externalId, createdAt, updatedAt,
                version, type == null ? this.type : type.nameFrom(fromEnd), fromEnd ? to : from);
    }
}
