package health.circles.group;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;

/** A group of contacts (a household, a care team …), the record of truth in PostgreSQL. */
@Entity(name = "ContactGroup")
@Table(name = "contact_group")
public class ContactGroup {

    @Id
    public UUID id;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public GroupKind kind;

    @Column(nullable = false)
    public String name;

    public String description;

    public String externalId;

    @Column(name = "managing_org_id")
    public UUID managingOrganization;

    @Column(nullable = false)
    public Instant createdAt;

    @Column(nullable = false)
    public Instant updatedAt;

    @Version
    public long version;
}
