package health.circles.fhir;

import health.circles.Sql;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * contact_identifier (FHIR business identifiers of contacts) and erased_identifier (fingerprints of those of erased
 * contacts). Runs on the transaction's connection, so identifiers commit or roll back with the contact they name.
 */
@ApplicationScoped
public class IdentifierStore {

    /** One identifier: a system and a value. */
    public record Identifier(String system, String value) {
        String key() {
            return system + "|" + value;
        }
    }

    /** An identifier and the contact holding it. */
    public record Held(Identifier identifier, UUID contact) {
    }

    // Who holds any of the identifiers: each pair compared in full, through the primary key.
    private static final String HOLDERS = """
            SELECT i.system, i.value, i.contact_id
            FROM contact_identifier i
            JOIN unnest(?::text[], ?::text[]) AS wanted(system, value)
              ON i.system = wanted.system AND i.value = wanted.value""";

    // A contact's identifiers, in the order they were first seen.
    private static final String OF_CONTACT = """
            SELECT system, value FROM contact_identifier WHERE contact_id = ? ORDER BY created_at, system, value""";

    // Adds an identifier to a contact; one already held by it stays as it is.
    private static final String ADD = """
            INSERT INTO contact_identifier (system, value, contact_id, created_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (system, value) DO NOTHING""";

    private static final String ERASED = """
            SELECT count(*) FROM erased_identifier
            WHERE identifier_mac IN (SELECT decode(h, 'hex') FROM unnest(?::text[]) AS h)""";

    private static final String REMEMBER_ERASED = """
            INSERT INTO erased_identifier (identifier_mac, erased_at) VALUES (decode(?, 'hex'), ?)
            ON CONFLICT (identifier_mac) DO NOTHING""";

    private static final String FORGET = """
            DELETE FROM contact_identifier WHERE contact_id = ?""";

    // Which groups hold any of the identifiers (Group.identifier, CareTeam.identifier).
    private static final String GROUP_HOLDERS = """
            SELECT DISTINCT i.group_id
            FROM group_identifier i
            JOIN unnest(?::text[], ?::text[]) AS wanted(system, value)
              ON i.system = wanted.system AND i.value = wanted.value""";

    private static final String OF_GROUP = """
            SELECT system, value FROM group_identifier WHERE group_id = ? ORDER BY created_at, system, value""";

    // Which of the groups hold any identifier at all (a care team matched by its subject is one that holds none).
    private static final String GROUPS_WITH_IDENTIFIERS = """
            SELECT DISTINCT group_id FROM group_identifier WHERE group_id = ANY (?::uuid[])""";

    private static final String ADD_TO_GROUP = """
            INSERT INTO group_identifier (system, value, group_id, created_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (system, value) DO NOTHING""";

    private final AgroalDataSource dataSource;

    IdentifierStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    public List<Held> holders(Collection<Identifier> identifiers) {
        if (identifiers.isEmpty()) {
            return List.of();
        }
        String[] systems = identifiers.stream().map(Identifier::system).toArray(String[]::new);
        String[] values = identifiers.stream().map(Identifier::value).toArray(String[]::new);
        return Sql.query(dataSource, HOLDERS, List.of(systems, values),
                r -> new Held(new Identifier(r.getString(1), r.getString(2)), r.getObject(3, UUID.class)));
    }

    public List<Identifier> of(UUID contact) {
        return Sql.query(dataSource, OF_CONTACT, List.of(contact),
                r -> new Identifier(r.getString(1), r.getString(2)));
    }

    public void add(UUID contact, Collection<Identifier> identifiers, Instant now) {
        for (Identifier identifier : identifiers) {
            Sql.update(dataSource, ADD, List.of(identifier.system(), identifier.value(), contact, now));
        }
    }

    /** The groups holding any of the identifiers. */
    public List<UUID> groupHolders(Collection<Identifier> identifiers) {
        if (identifiers.isEmpty()) {
            return List.of();
        }
        String[] systems = identifiers.stream().map(Identifier::system).toArray(String[]::new);
        String[] values = identifiers.stream().map(Identifier::value).toArray(String[]::new);
        return Sql.query(dataSource, GROUP_HOLDERS, List.of(systems, values), r -> r.getObject(1, UUID.class));
    }

    public List<Identifier> ofGroup(UUID group) {
        return Sql.query(dataSource, OF_GROUP, List.of(group), r -> new Identifier(r.getString(1), r.getString(2)));
    }

    /** Those of {@code groups} that hold at least one identifier. */
    public java.util.Set<UUID> withIdentifiers(Collection<UUID> groups) {
        if (groups.isEmpty()) {
            return java.util.Set.of();
        }
        return java.util.Set.copyOf(Sql.query(dataSource, GROUPS_WITH_IDENTIFIERS,
                List.of((Object) groups.toArray(UUID[]::new)), r -> r.getObject(1, UUID.class)));
    }

    public void addToGroup(UUID group, Collection<Identifier> identifiers, Instant now) {
        for (Identifier identifier : identifiers) {
            Sql.update(dataSource, ADD_TO_GROUP, List.of(identifier.system(), identifier.value(), group, now));
        }
    }

    /** Every erased contact's identifier fingerprint, hex as the erasure register writes them: what sweeps match. */
    Set<String> erasedFingerprints() {
        return new HashSet<>(Sql.query(dataSource, "SELECT encode(identifier_mac, 'hex') FROM erased_identifier",
                List.of(), r -> r.getString(1)));
    }

    /** Whether any of the fingerprints (hex) is of an erased contact's identifier. */
    public boolean anyErased(Collection<String> fingerprintsHex) {
        if (fingerprintsHex.isEmpty()) {
            return false;
        }
        return Sql.query(dataSource, ERASED, List.of((Object) fingerprintsHex.toArray(String[]::new)),
                r -> r.getLong(1)).get(0) > 0;
    }

    /** Keeps the fingerprints of an erased contact's identifiers and removes the identifiers. */
    public void erase(UUID contact, Collection<String> fingerprintsHex, Instant now) {
        for (String hex : fingerprintsHex) {
            Sql.update(dataSource, REMEMBER_ERASED, List.of(hex, now));
        }
        Sql.update(dataSource, FORGET, List.of(contact));
    }
}
