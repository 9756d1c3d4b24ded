package health.circles.network;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/** An interaction between two or more contacts; immutable once recorded, it feeds the strength of their ties. */
@Entity
@Table(name = "touchpoint")
public class Touchpoint {

    @Id
    public UUID id;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public TouchpointChannel channel;

    @Column(nullable = false)
    public Instant occurredAt;

    public String topic;
    public String outcome;

    /** Whether it was a clinical encounter (its content then belongs to the clinical record, not to this CRM). */
    @Column(nullable = false)
    public boolean clinical;

    public UUID campaignId;
    public String externalId;

    @Column(nullable = false)
    public Instant createdAt;

    @ElementCollection
    @CollectionTable(name = "touchpoint_participant", joinColumns = @JoinColumn(name = "touchpoint_id"))
    @Column(name = "contact_id")
    public Set<UUID> participants = new LinkedHashSet<>();
}
