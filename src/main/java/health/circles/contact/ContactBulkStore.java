package health.circles.contact;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import health.circles.Sql;
import health.circles.contact.ContactBulkWrites.Ref;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Contacts as a bulk import reads and writes them, a batch at a time, on the batch transaction's connection: by
 * external id, as set-based statements over arrays unnested server-side, every write at the version read (an update
 * that finds another version changes nothing and is reported back as not done). Used through
 * {@link ContactBulkWrites}.
 */
@ApplicationScoped
class ContactBulkStore {

    private static final String REFS = "SELECT external_id, id, kind FROM contact WHERE external_id = ANY(?)";

    /** A contact's columns in the order {@link #contact(ResultSet)} reads them. */
    static final String COLUMNS = """
            id, kind, given_name, family_name, organization_name, display_name, sort_name, email, phone, postal_code,
            city, languages, specialties, tags, do_not_contact, external_id, created_at, updated_at, version""";

    /** {@link #COLUMNS}, each from table alias c. */
    static final String ALIASED_COLUMNS = COLUMNS.strip().replaceAll("(\\w+)", "c.$1");

    /**
     * The consent of the contact row aliased {@code c}, as one column after {@link #COLUMNS}: a JSON array of
     * {@code [channel, status, recorded at in microseconds since the epoch, source]}, null when no channel has an
     * answer. Read by {@link #contactWithConsent}, so that a read of contacts (by id, by external id or by search) is
     * one statement and one round trip instead of a second statement for their consent.
     */
    static final String CONSENT_COLUMN = """
            (SELECT json_agg(json_build_array(cc.channel, cc.status,
                                              (extract(epoch FROM cc.recorded_at) * 1000000)::bigint, cc.source))
             FROM contact_consent cc WHERE cc.contact_id = c.id)""";

    private static final String LOAD =
            "SELECT " + ALIASED_COLUMNS + ", " + CONSENT_COLUMN + " FROM contact c WHERE c.external_id = ANY(?)";

    private static final JsonFactory JSON = new JsonFactory();

    /** The batch's contacts as rows, one array per column; list columns are array literals, cast per element. */
    private static final String CONTACT_ROWS = """
            unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                   ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::boolean[], ?::text[], ?::timestamptz[],
                   ?::bigint[])
              AS u(id, kind, given_name, family_name, organization_name, display_name, sort_name, email, phone,
                   postal_code, city, languages, specialties, tags, do_not_contact, external_id, at, version)""";

    /** New contacts; one whose external id another writer took meanwhile is left out (not returned). */
    private static final String INSERT = """
            INSERT INTO contact (id, kind, given_name, family_name, organization_name, display_name, sort_name,
                                 email, phone, postal_code, city, languages, specialties, tags, do_not_contact,
                                 external_id, created_at, updated_at, version)
            SELECT id, kind, given_name, family_name, organization_name, display_name, sort_name, email, phone,
                   postal_code, city, languages::text[], specialties::text[], tags::text[], do_not_contact,
                   external_id, at, at, version
            FROM\s""" + CONTACT_ROWS + """

            ON CONFLICT DO NOTHING
            RETURNING external_id""";

    /** Changed contacts at the version read; one changed meanwhile is left out (not returned). */
    private static final String UPDATE = """
            UPDATE contact c SET kind = u.kind, given_name = u.given_name, family_name = u.family_name,
                   organization_name = u.organization_name, display_name = u.display_name, sort_name = u.sort_name,
                   email = u.email, phone = u.phone, postal_code = u.postal_code, city = u.city,
                   languages = u.languages::text[], specialties = u.specialties::text[], tags = u.tags::text[],
                   do_not_contact = u.do_not_contact, updated_at = u.at, version = c.version + 1
            FROM\s""" + CONTACT_ROWS + """

            WHERE c.id = u.id AND c.version = u.version
            RETURNING c.id""";

    /** Locks contacts in id order, so that an API write cannot interleave with the batch's consent. */
    private static final String LOCK = "SELECT id FROM contact WHERE id = ANY(?) ORDER BY id FOR UPDATE";

    /** A new version for contacts whose only change is their consent. */
    private static final String BUMP_VERSIONS =
            "UPDATE contact SET version = version + 1, updated_at = ?::timestamptz WHERE id = ANY(?)";

    /** The contacts (id and kind) with these external ids, by external id. */
    Map<String, Ref> refs(Connection c, Set<String> externalIds) throws SQLException {
        Map<String, Ref> refs = new HashMap<>();
        Sql.query(c, REFS, List.of((Object) externalIds.toArray(String[]::new)), r -> refs.put(r.getString(1),
                new Ref(r.getObject(2, UUID.class), ContactKind.valueOf(r.getString(3)))));
        return refs;
    }

    /** The stored contacts with these external ids, with their consent, by external id. */
    Map<String, Contact> load(Connection c, Set<String> externalIds) throws SQLException {
        Map<String, Contact> byExternalId = new HashMap<>();
        for (Contact ct : Sql.query(c, LOAD, List.of((Object) externalIds.toArray(String[]::new)),
                ContactBulkStore::contactWithConsent)) {
            byExternalId.put(ct.externalId, ct);
        }
        return byExternalId;
    }

    /** Inserts new contacts; returns the external ids inserted. */
    Set<String> insert(Connection c, List<Contact> contacts) throws SQLException {
        if (contacts.isEmpty()) {
            return new HashSet<>();
        }
        return new HashSet<>(Sql.query(c, INSERT, columns(contacts), r -> r.getString(1)));
    }

    /** Updates contacts at the version read; returns the ids updated. */
    Set<UUID> update(Connection c, List<Contact> contacts) throws SQLException {
        if (contacts.isEmpty()) {
            return new HashSet<>();
        }
        return new HashSet<>(Sql.query(c, UPDATE, columns(contacts), r -> r.getObject(1, UUID.class)));
    }

    void lock(Connection c, List<UUID> ids) throws SQLException {
        Sql.query(c, LOCK, List.of((Object) ids.toArray(UUID[]::new)), r -> null);
    }

    void bumpVersions(Connection c, List<UUID> ids, Instant now) throws SQLException {
        Sql.update(c, BUMP_VERSIONS, List.of(now.toString(), ids.toArray(UUID[]::new)));
    }

    /** A PostgreSQL array literal of strings, cast server-side to text[]. */
    static String arrayLiteral(List<String> values) {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append('"').append(values.get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return out.append('}').toString();
    }

    /** The parameters of {@link #CONTACT_ROWS}: one array per column, in its order. */
    private static List<Object> columns(List<Contact> contacts) {
        int n = contacts.size();
        UUID[] ids = new UUID[n];
        String[][] texts = new String[13][n];
        Boolean[] doNotContact = new Boolean[n];
        String[] externalIds = new String[n];
        String[] at = new String[n];
        Long[] versions = new Long[n];
        for (int i = 0; i < n; i++) {
            Contact ct = contacts.get(i);
            ids[i] = ct.id;
            String[] row = {ct.kind.name(), ct.givenName, ct.familyName, ct.organizationName, ct.displayName,
                    ct.sortName, ct.email, ct.phone, ct.postalCode, ct.city, arrayLiteral(ct.languages),
                    arrayLiteral(ct.specialties), arrayLiteral(ct.tags)};
            for (int k = 0; k < row.length; k++) {
                texts[k][i] = row[k];
            }
            doNotContact[i] = ct.doNotContact;
            externalIds[i] = ct.externalId;
            at[i] = ct.updatedAt.toString();
            versions[i] = ct.version;
        }
        List<Object> params = new ArrayList<>();
        params.add(ids);
        params.addAll(Arrays.asList(texts));
        params.addAll(List.of(doNotContact, externalIds, at, versions));
        return params;
    }

    /** A contact from a row of {@link #COLUMNS}, not managed by Hibernate (its consent empty until loaded). */
    static Contact contact(ResultSet r) throws SQLException {
        Contact ct = new Contact();
        ct.id = r.getObject(1, UUID.class);
        ct.kind = ContactKind.valueOf(r.getString(2));
        ct.givenName = r.getString(3);
        ct.familyName = r.getString(4);
        ct.organizationName = r.getString(5);
        ct.displayName = r.getString(6);
        ct.sortName = r.getString(7);
        ct.email = r.getString(8);
        ct.phone = r.getString(9);
        ct.postalCode = r.getString(10);
        ct.city = r.getString(11);
        ct.languages = strings(r.getArray(12));
        ct.specialties = strings(r.getArray(13));
        ct.tags = strings(r.getArray(14));
        ct.doNotContact = r.getBoolean(15);
        ct.externalId = r.getString(16);
        ct.createdAt = r.getTimestamp(17).toInstant();
        ct.updatedAt = r.getTimestamp(18).toInstant();
        ct.version = r.getLong(19);
        return ct;
    }

    /** A contact read with {@link #COLUMNS} followed by {@link #CONSENT_COLUMN}. */
    static Contact contactWithConsent(ResultSet r) throws SQLException {
        Contact ct = contact(r);
        String consent = r.getString(CONSENT_COLUMN_INDEX);
        if (consent != null) {
            readConsent(consent, ct.consent);
        }
        return ct;
    }

    /** The column of {@link #CONSENT_COLUMN} after {@link #COLUMNS}. */
    static final int CONSENT_COLUMN_INDEX = COLUMNS.split(",").length + 1;

    /** Reads {@link #CONSENT_COLUMN}'s array of {@code [channel, status, microseconds, source]} into {@code into}. */
    private static void readConsent(String json, Map<Channel, ConsentRecord> into) {
        try (JsonParser p = JSON.createParser(json)) {
            expect(p, JsonToken.START_ARRAY);
            while (p.nextToken() == JsonToken.START_ARRAY) {
                expect(p, JsonToken.VALUE_STRING);
                Channel channel = Channel.valueOf(p.getText());
                expect(p, JsonToken.VALUE_STRING);
                ConsentStatus status = ConsentStatus.valueOf(p.getText());
                expect(p, JsonToken.VALUE_NUMBER_INT);
                long micros = p.getLongValue();
                String source = p.nextToken() == JsonToken.VALUE_NULL ? null : p.getText();
                expect(p, JsonToken.END_ARRAY);
                into.put(channel, new ConsentRecord(status, Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                        Math.floorMod(micros, 1_000_000L) * 1_000L), source));
            }
        } catch (IOException e) {
            throw new IllegalStateException("Unreadable consent column: " + e.getMessage(), e);
        }
    }

    private static void expect(JsonParser p, JsonToken token) throws IOException {
        if (p.nextToken() != token) {
            throw new JsonParseException(p, "expected " + token + ", found " + p.currentToken());
        }
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? new ArrayList<>() : new ArrayList<>(Arrays.asList((String[]) array.getArray()));
    }
}
