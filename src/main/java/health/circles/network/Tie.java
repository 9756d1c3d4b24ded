package health.circles.network;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/** A relationship between two contacts, the record of truth in PostgreSQL; ended ties stay as history. */
@Entity
@Table(name = "tie")
public class Tie {

    @Id
    public UUID id;

    @Column(name = "from_id", nullable = false)
    public UUID fromId;

    @Column(name = "to_id", nullable = false)
    public UUID toId;

    /** The code of its relationship type (RelationshipTypes), a built-in {@link TieType} or one an admin added. */
    @Column(nullable = false)
    public String type;

    /** Copied from the type so that the database can tell A-B from B-A duplicates of symmetric ties. */
    // SYMMETRIC is a reserved word in PostgreSQL, hence the quotes.
    @Column(name = "\"symmetric\"", nullable = false)
    public boolean symmetric;

    public LocalDate since;
    public LocalDate until;

    /** What staff or the source said, 0..1. */
    @Column(nullable = false)
    public double declaredStrength;

    /** Declared strength plus what touchpoints add; the weight graph algorithms use. */
    @Column(nullable = false)
    public double strength;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public TieSource source;

    /** Who stated the tie; a tie of an access-granting type grants access only when asserted or confirmed. */
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public TieAssertion assertion;

    /** Token subject of whoever asserted or claimed it; empty for imports and ties older than provenance. */
    public String assertedBy;

    @Column(nullable = false)
    public Instant assertedAt;

    /** Token subject of the admin or integration that confirmed or rejected a claim. */
    public String reviewedBy;
    public Instant reviewedAt;

    public String notes;
    public String externalId;

    @Column(nullable = false)
    public Instant createdAt;

    @Column(nullable = false)
    public Instant updatedAt;

    @Version
    public long version;

    /** Open ties are in the graph's active network (once they are facts: see {@link TieAssertion#inGraph()}); ended ones only in history. */
    public boolean active(LocalDate today) {
        return until == null || until.isAfter(today);
    }

    /** Whether this tie now gives its from end the whole record of its to end. */
    public boolean grantsAccess(LocalDate today) {
        return TieType.grantsAccess(type) && assertion.grantsAccess() && active(today);
    }
}
