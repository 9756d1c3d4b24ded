package health.circles.contact;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.MapKeyColumn;
import jakarta.persistence.MapKeyEnumerated;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A person or organisation in the network: the record of truth, kept in PostgreSQL. */
@Entity
@Table(name = "contact")
public class Contact {

    @Id
    public UUID id;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public ContactKind kind;

    public String givenName;
    public String familyName;
    public String organizationName;

    @Column(nullable = false)
    public String displayName;

    @Column(nullable = false)
    public String sortName;

    public String email;
    public String phone;
    public String postalCode;
    public String city;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false, columnDefinition = "text[]")
    public List<String> languages = new ArrayList<>();

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false, columnDefinition = "text[]")
    public List<String> specialties = new ArrayList<>();

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false, columnDefinition = "text[]")
    public List<String> tags = new ArrayList<>();

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "contact_consent", joinColumns = @JoinColumn(name = "contact_id"))
    @MapKeyColumn(name = "channel")
    @MapKeyEnumerated(EnumType.STRING)
    public Map<Channel, ConsentRecord> consent = new EnumMap<>(Channel.class);

    @Column(nullable = false)
    public boolean doNotContact;

    public String externalId;

    @Column(nullable = false)
    public Instant createdAt;

    @Column(nullable = false)
    public Instant updatedAt;

    @Version
    public long version;

    /** The name shown everywhere, and the key listings sort by: organisation name, or given and family name. */
    void refreshNames() {
        if (kind == ContactKind.ORGANIZATION) {
            displayName = organizationName.strip();
            sortName = displayName.toLowerCase(java.util.Locale.ROOT);
        } else {
            String given = givenName == null ? "" : givenName.strip();
            String family = familyName == null ? "" : familyName.strip();
            displayName = (given + " " + family).strip();
            sortName = (family + " " + given).strip().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
