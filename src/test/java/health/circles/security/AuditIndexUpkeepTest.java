package health.circles.security;

import static health.circles.TestTokens.as;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.Anonymous;
import health.circles.Fixtures;
import health.circles.Lz4;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The audit trail's chunks are made by the service's own role, which may not write them itself: a search by contact
 * or by record finds every row that named it whether the row is chunked yet or not (migrations V36, V37), and pages
 * across the two in id order.
 */
@QuarkusTest
@Anonymous
class AuditIndexUpkeepTest {

    private static final int CONTACTS = 30;
    private static final int LISTINGS = 15;

    @Inject
    AuditIndexUpkeep upkeep;

    @Inject
    AuditStore store;

    @Inject
    AgroalDataSource db;

    @Test
    void aSearchByContactFindsEveryRowChunkedOrNotAndPagesAcrossBoth() {
        String tag = Fixtures.uniqueTag();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < CONTACTS; i++) {
            ids.add(Fixtures.contact().patient().tags(tag).create().id());
        }
        String last = ids.get(CONTACTS - 1);
        list(tag);
        assertEquals(LISTINGS, listingsOf(last).size(), "found before chunking");

        assertTrue(upkeep.chunkAll() >= LISTINGS, "the listings' rows were chunked");
        assertEquals(0, upkeep.chunkAll(), "nothing left to chunk");
        List<Long> chunked = listingsOf(last);
        assertEquals(LISTINGS, chunked.size(), "found the same once chunked");

        list(tag); // LISTINGS more, after the chunk
        List<Long> both = listingsOf(last);
        assertEquals(2 * LISTINGS, both.size(), "chunked rows and the rows after them");
        assertTrue(both.containsAll(chunked));

        // Pages of 7, newest first, across the chunk's end: every row once, in descending id order.
        List<Long> paged = new ArrayList<>();
        String cursor = null;
        do {
            var request = as("admin").queryParam("contact", last).queryParam("action", "list").queryParam("limit", 7);
            if (cursor != null) {
                request = request.queryParam("cursor", cursor);
            }
            JsonPath page = request.when().get("/api/v1/audit").then().statusCode(200).extract().jsonPath();
            paged.addAll(page.getList("items.id", Long.class));
            cursor = page.getString("next");
        } while (cursor != null);
        assertEquals(both, paged);
        for (int i = 1; i < paged.size(); i++) {
            assertTrue(paged.get(i) < paged.get(i - 1), "descending ids: " + paged);
        }
        // Another contact of the same listings is found in the same rows; a contact never shown is in none.
        assertEquals(both, listingsOf(ids.get(0)));
        assertEquals(List.of(), listingsOf(java.util.UUID.randomUUID().toString()));
        as("admin").when().get("/api/v1/audit/verification").then().statusCode(200).body("intact", equalTo(true));
    }

    @Test
    void aSearchByRecordFindsItsOwnRowsAndTheListingsThatShowedItChunkedOrNot() {
        String tag = Fixtures.uniqueTag();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(Fixtures.contact().patient().tags(tag).create().id());
        }
        String one = ids.get(1);
        as("admin").when().get("/api/v1/contacts/" + one).then().statusCode(200);
        as("admin").queryParam("tag", tag).when().get("/api/v1/contacts").then().statusCode(200);
        List<Long> before = rowsOfRecord(one);
        // Its creation, its read and the listing.
        assertEquals(3, before.size(), "rows naming the record before chunking: " + before);

        assertTrue(upkeep.chunkAll() >= 3);
        assertEquals(before, rowsOfRecord(one), "the same once chunked");

        as("admin").when().get("/api/v1/contacts/" + one).then().statusCode(200);
        List<Long> after = rowsOfRecord(one);
        assertEquals(4, after.size(), "the chunked rows and the read after them: " + after);
        assertEquals(before, after.subList(1, 4));
        assertTrue(after.get(0) > after.get(1));
        assertEquals(List.of(), rowsOfRecord(java.util.UUID.randomUUID().toString()));
    }

    @Test
    void chunksFillEpochsAndASearchFindsRowsInEveryEpoch() throws SQLException {
        String tag = Fixtures.uniqueTag();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < CONTACTS; i++) {
            ids.add(Fixtures.contact().patient().tags(tag).create().id());
        }
        String one = ids.get(3);
        upkeep.chunkAll(); // whatever other tests left waiting

        // An epoch of one chunk row: each chunk opens the next epoch.
        List<Long> rounds = new ArrayList<>();
        long firstEpoch = epoch();
        for (int round = 1; round <= 3; round++) {
            list(tag);
            as("admin").when().get("/api/v1/contacts/" + one).then().statusCode(200);
            assertTrue(store.chunk(1, AuditIndexUpkeep.MAX_CHUNK_ROWS, Duration.ZERO, 1) >= LISTINGS + 1);
            assertEquals(firstEpoch + round, epoch(), "round " + round + " in an epoch of its own");
            assertEquals(rowsInEpoch(epoch()), epochRows(), "the epoch counts its chunk rows");
            rounds.add(epochRows());
        }
        assertEquals(3 * LISTINGS, listingsOf(one).size(), "listings found in all three epochs");
        assertEquals(1 + 3 * (LISTINGS + 1), rowsOfRecord(one).size(), "created, then read and listed in three epochs");
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                var r = s.executeQuery("SELECT count(DISTINCT epoch) FROM audit_contact_chunk WHERE contact_id = '"
                        + one + "' AND epoch > " + firstEpoch)) {
            r.next();
            assertEquals(3, r.getInt(1), "the contact has a chunk row in each new epoch");
        }
        // Each round's chunk: the same contacts and records shown, at least the 30 contacts and their 30 records.
        assertEquals(1, new HashSet<>(rounds).size(), "the same chunk rows each round: " + rounds);
        assertTrue(rounds.get(0) >= 2L * CONTACTS, "contacts and records: " + rounds);

        // A large epoch keeps filling the one it is in.
        list(tag);
        long epoch = epoch();
        long before = epochRows();
        assertTrue(store.chunk(1, AuditIndexUpkeep.MAX_CHUNK_ROWS, Duration.ZERO, Long.MAX_VALUE) >= LISTINGS);
        assertEquals(epoch, epoch());
        assertTrue(epochRows() >= before + 2L * CONTACTS, "one more chunk in the same epoch");
        assertEquals(rowsInEpoch(epoch), epochRows(), "the epoch counts its chunk rows");
        assertEquals(4 * LISTINGS, listingsOf(one).size());

        RuntimeException refused = assertThrows(RuntimeException.class,
                () -> store.chunk(1, AuditIndexUpkeep.MAX_CHUNK_ROWS, Duration.ZERO, 0));
        assertEquals("22023", ((SQLException) refused.getCause()).getSQLState()); // invalid_parameter_value
    }

    private long epoch() throws SQLException {
        return chunked("epoch");
    }

    private long epochRows() throws SQLException {
        return chunked("epoch_rows");
    }

    private long rowsInEpoch(long epoch) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                var r = s.executeQuery("SELECT (SELECT count(*) FROM audit_contact_chunk WHERE epoch = " + epoch
                        + ") + (SELECT count(*) FROM audit_record_chunk WHERE epoch = " + epoch + ")")) {
            r.next();
            return r.getLong(1);
        }
    }

    private long chunked(String column) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                var r = s.executeQuery("SELECT " + column + " FROM audit_chunked")) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void theServiceRoleReadsTheChunksButCannotWriteThem() throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.executeQuery("SELECT count(*) FROM audit_contact_chunk").close();
            for (String change : List.of(
                    "DELETE FROM audit_contact_chunk",
                    "UPDATE audit_chunked SET through = 0",
                    "DELETE FROM audit_record_chunk",
                    "INSERT INTO audit_contact_chunk VALUES (gen_random_uuid(), 1, '{1}')")) {
                SQLException refused = assertThrows(SQLException.class, () -> s.executeUpdate(change), change);
                assertEquals("42501", refused.getSQLState(), change); // insufficient_privilege
            }
        }
    }

    /** V39: new lists of row ids are compressed with LZ4 where the server has it (pglz, PostgreSQL's own, where not). */
    @Test
    void chunkListsAreCompressedWithLz4WhereTheServerHasIt() throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            boolean lz4 = Lz4.supported(c);
            try (var r = s.executeQuery("""
                    SELECT a.attrelid::regclass::text, a.attcompression FROM pg_attribute a
                    WHERE a.attrelid IN ('audit_contact_chunk'::regclass, 'audit_record_chunk'::regclass)
                      AND a.attname = 'event_ids' ORDER BY 1""")) {
                int columns = 0;
                while (r.next()) {
                    columns++;
                    assertEquals(lz4 ? "l" : "", r.getString(2), r.getString(1) + ".event_ids compression");
                }
                assertEquals(2, columns);
            }
        }
    }

    private static void list(String tag) {
        for (int i = 0; i < LISTINGS; i++) {
            as("admin").queryParam("tag", tag).queryParam("limit", CONTACTS).when().get("/api/v1/contacts")
                    .then().statusCode(200).body("items.size()", equalTo(CONTACTS));
        }
    }

    /** The ids of the rows naming the record, as their resource or among a listing's records, newest first. */
    private static List<Long> rowsOfRecord(String record) {
        return as("admin").queryParam("resourceId", record).queryParam("limit", 500).when().get("/api/v1/audit")
                .then().statusCode(200).extract().jsonPath().getList("items.id", Long.class);
    }

    /** The ids of the listing rows that showed the contact, newest first. */
    private static List<Long> listingsOf(String contact) {
        List<Long> found = as("admin").queryParam("contact", contact).queryParam("action", "list")
                .queryParam("limit", 500).when().get("/api/v1/audit").then().statusCode(200).extract().jsonPath()
                .getList("items.id", Long.class);
        Set<Long> distinct = new HashSet<>(found);
        assertEquals(found.size(), distinct.size(), "each row once: " + found);
        return found;
    }
}
