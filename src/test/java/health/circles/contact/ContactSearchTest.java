package health.circles.contact;

import static health.circles.Fixtures.contact;
import static health.circles.Fixtures.uniqueTag;
import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import io.agroal.api.AgroalDataSource;
import io.restassured.response.Response;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

@QuarkusTest
@AsRole("admin")
class ContactSearchTest {

    @Inject
    AgroalDataSource db;

    @Inject
    @io.quarkus.agroal.DataSource(ContactStore.SEARCH_POOL)
    AgroalDataSource searchPool;

    private static final List<String> GIVEN = List.of("Ana", "Bea", "Carlos", "Dina", "Esther", "Fatima", "Grace",
            "Hana", "Ivan", "Jorge", "Kwame", "Linh", "Mei", "Nia", "Omar", "Peter", "Quinn", "Rosa", "Samuel", "Tomas");

    @Test
    void aForgedRelevanceCursorIs400NotAFailure() {
        UUID someone = UUID.randomUUID();
        for (String score : new String[] {"1E+999999999", "1E-999999999", "99999999999999999999", "-5000", "0.1234567",
                "NaN", "Infinity"}) {
            String cursor = new health.circles.web.Cursor("r" + score, someone).encode();
            given().queryParam("q", "smith").queryParam("cursor", cursor).when().get("/api/v1/contacts")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("errors[0].field", equalTo("cursor"));
        }
        String fine = new health.circles.web.Cursor("r0.512345", someone).encode();
        given().queryParam("q", "smith").queryParam("cursor", fine).when().get("/api/v1/contacts")
                .then().statusCode(200);
    }

    @Test
    void typosInNamesStillFindTheContact() {
        String tag = uniqueTag();
        String john = contact().patient().named("John", "Smith").tags(tag).create().id();
        contact().patient().named("Maria", "Garcia").tags(tag).create();

        given().queryParam("q", "Jhon Smiht").queryParam("tag", tag)
                .when().get("/api/v1/contacts")
                .then().statusCode(200)
                .body("items.id", equalTo(List.of(john)));
        given().queryParam("q", "Jhon Smiht").queryParam("limit", 200)
                .when().get("/api/v1/contacts")
                .then().statusCode(200)
                .body("items.id", hasItem(john));
        given().queryParam("q", "smi").queryParam("tag", tag)
                .when().get("/api/v1/contacts")
                .then().statusCode(200)
                .body("items.id", equalTo(List.of(john)));
        given().queryParam("q", "Zzyzxqv Qwrtp").queryParam("tag", tag)
                .when().get("/api/v1/contacts")
                .then().statusCode(200)
                .body("items", empty())
                .body("next", nullValue());
    }

    /**
     * A word typed matches the words that start with it: through the lexicon's list of them when there are at most 32,
     * as a prefix of the search index when there are more, and always itself, even when the lexicon lost it (a
     * deletion of its last holder racing an insert of a new one, simulated here by taking it out). The names differ
     * by more than the typo tolerance, so that only completions match.
     */
    @Test
    void aWordFindsEveryNameItStartsHoweverManyAndWhatTheLexiconLost() throws Exception {
        String tag = uniqueTag();
        Random random = new Random();
        StringBuilder stem = new StringBuilder("qz");
        for (int i = 0; i < 2; i++) {
            stem.append((char) ('a' + random.nextInt(26)));
        }
        Map<String, String> byFamily = new LinkedHashMap<>();
        for (int k = 0; k < 40; k++) {
            String suffix = k < 10 ? "bb" + String.valueOf((char) ('a' + k)).repeat(4)
                    : "" + (char) ('c' + k % 24) + (char) ('a' + k / 24) + "xyzw";
            String family = stem + suffix;
            byFamily.put(family, contact().patient().named("Ana", family).tags(tag).create().id());
        }

        List<String> all = given().queryParam("q", stem.toString()).queryParam("tag", tag).queryParam("limit", 200)
                .when().get("/api/v1/contacts").then().statusCode(200).extract().path("items.id");
        assertThat("40 words start with the stem: matched as a prefix", all,
                containsInAnyOrder(byFamily.values().toArray()));

        String[] startingWithB = byFamily.entrySet().stream()
                .filter(e -> e.getKey().startsWith(stem + "bb")).map(Map.Entry::getValue).toArray(String[]::new);
        assertEquals(10, startingWithB.length);
        assertSearch(tag, stem + "bb", startingWithB);
        assertSearch(tag, "Ana " + stem + "bbcccc", byFamily.get(stem + "bbcccc"));

        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("DELETE FROM search_lexicon WHERE word = ?")) {
            s.setString(1, stem + "bbdddd");
            assertEquals(1, s.executeUpdate());
        }
        assertSearch(tag, stem + "bbdddd", byFamily.get(stem + "bbdddd"));
        assertSearch(tag, "ana " + stem.toString().toUpperCase() + "BBDDDD", byFamily.get(stem + "bbdddd"));
    }

    @Test
    void organisationTagsAndSpecialtiesAreSearchedToo() {
        String tag = uniqueTag();
        String clinic = contact().organization("Riverside Family Health Center").tags(tag).create().id();
        String cardiologist = contact().physician().named("Samuel", "Mensah").specialties("Cardiology").tags(tag)
                .create().id();
        String volunteer = contact().patient().named("Rosa", "Diallo").tags(tag, "food-insecurity").create().id();

        assertSearch(tag, "Rivrside Helth", clinic);
        assertSearch(tag, "cardiolgy", cardiologist);
        assertSearch(tag, "food insecurity", volunteer);
        assertSearch(tag, "José Mensah", new String[0]);
        assertSearch(tag, "mensah", cardiologist);
    }

    @Test
    void exactNameRanksAboveNearMisses() {
        String tag = uniqueTag();
        contact().patient().named("Jon", "Smyth").tags(tag).create();
        String exact = contact().patient().named("John", "Smith").tags(tag).create().id();
        contact().patient().named("Joan", "Smithers").tags(tag).create();

        List<String> ids = given().queryParam("q", "John Smith").queryParam("tag", tag)
                .when().get("/api/v1/contacts")
                .then().statusCode(200)
                .extract().path("items.id");
        assertEquals(exact, ids.get(0), "exact match first in " + ids);
    }

    @Test
    void kindFilterIsRepeatableAndAcceptsLists() {
        String tag = uniqueTag();
        contact().patient().named("Ana", "Kind").tags(tag).create();
        String nurse = contact().nurse().named("Bea", "Kind").tags(tag).create().id();
        String physician = contact().physician().named("Carlos", "Kind").tags(tag).create().id();
        String org = contact().organization("Kind Clinic").tags(tag).create().id();

        given().queryParam("tag", tag).queryParam("kind", "NURSE", "PHYSICIAN")
                .when().get("/api/v1/contacts")
                .then().statusCode(200).body("items.id", containsInAnyOrder(nurse, physician));
        given().queryParam("tag", tag).queryParam("kind", "nurse,organization")
                .when().get("/api/v1/contacts")
                .then().statusCode(200).body("items.id", containsInAnyOrder(nurse, org));
        given().queryParam("tag", tag).queryParam("kind", "PHYSICIAN").queryParam("q", "kind")
                .when().get("/api/v1/contacts")
                .then().statusCode(200).body("items.id", equalTo(List.of(physician)));
    }

    @Test
    void postalCodeLanguageAndTagFiltersMatchExactly() {
        String tag = uniqueTag();
        String a = contact().patient().named("Ana", "Filter").postalCode("ab1 2cd").languages("es", "en")
                .tags(tag, "diabetes").create().id();
        String b = contact().patient().named("Bea", "Filter").postalCode("XY9 8ZZ").languages("en").tags(tag)
                .create().id();

        given().queryParam("tag", tag).queryParam("postalCode", "AB1 2CD")
                .when().get("/api/v1/contacts").then().statusCode(200).body("items.id", equalTo(List.of(a)));
        given().queryParam("tag", tag).queryParam("postalCode", "ab1 2cd")
                .when().get("/api/v1/contacts").then().statusCode(200).body("items.id", equalTo(List.of(a)));
        given().queryParam("tag", tag).queryParam("language", "es")
                .when().get("/api/v1/contacts").then().statusCode(200).body("items.id", equalTo(List.of(a)));
        given().queryParam("tag", tag).queryParam("language", "en")
                .when().get("/api/v1/contacts").then().statusCode(200).body("items.id", containsInAnyOrder(a, b));
        given().queryParam("tag", tag.toUpperCase())
                .when().get("/api/v1/contacts").then().statusCode(200).body("items.id", containsInAnyOrder(a, b));
        given().queryParam("tag", tag).queryParam("q", "diabetes")
                .when().get("/api/v1/contacts").then().statusCode(200).body("items.id", equalTo(List.of(a)));
    }

    @Test
    void aHitIsTheContactAsItsOwnReadShowsIt() {
        String tag = uniqueTag();
        String full = contact().patient().named("Ines", "Hitcheck").fullRecord().tags(tag, "second").languages("pt", "en")
                .consent("EMAIL", "GRANTED", "intake").consent("SMS", "DENIED")
                .doNotContact(true).create().id();
        String bare = contact().physician().named("Ivo", "Hitcheck").specialties("Geriatrics").tags(tag).create().id();
        // A later answer, so that a hit must show the consent in force, not the first one.
        given().contentType("application/json").body(Map.of("channel", "EMAIL", "status", "DENIED",
                        "givenAt", java.time.Instant.now().toString(), "source", "call"))
                .when().post("/api/v1/contacts/" + full + "/consent")
                .then().statusCode(201);

        for (String id : List.of(full, bare)) {
            Map<String, Object> read = given().when().get("/api/v1/contacts/" + id)
                    .then().statusCode(200).extract().jsonPath().getMap("");
            for (Map<String, String> query : List.of(Map.of("q", "Hitcheck", "tag", tag),
                    Map.of("tag", tag, "sort", "name"))) {
                List<Map<String, Object>> items = given().queryParams(query).when().get("/api/v1/contacts")
                        .then().statusCode(200).extract().jsonPath().getList("items");
                Map<String, Object> hit = items.stream().filter(i -> id.equals(i.get("id"))).findFirst().orElseThrow();
                assertEquals(read, hit, "search " + query + " shows " + id + " as its read does");
            }
        }
    }

    @Test
    void aHitCarriesEachAnswerAsStoredToTheMicrosecond() throws Exception {
        String tag = uniqueTag();
        // PHONE answered at creation with no source; the others explicitly, before 1970 (negative microseconds) and
        // with JSON's own characters in their sources.
        String id = contact().patient().named("Odile", "Microsecond").tags(tag).consent("EMAIL", "GRANTED", "intake")
                .consent("PHONE", "DENIED").create().id();
        Map<String, String> answers = new LinkedHashMap<>();
        answers.put("SMS", "1969-12-31T23:59:59.999999Z");
        answers.put("MAIL", "1900-02-28T12:00:00.000001Z");
        for (Map.Entry<String, String> answer : answers.entrySet()) {
            given().contentType("application/json").body(Map.of("channel", answer.getKey(), "status", "DENIED",
                            "givenAt", answer.getValue(), "source", "quote \" backslash \\ ] [ , " + answer.getKey()))
                    .when().post("/api/v1/contacts/" + id + "/consent")
                    .then().statusCode(201);
        }
        java.time.Instant phoneAt;
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT recorded_at FROM contact_consent WHERE contact_id = ? AND channel = 'PHONE'")) {
            s.setObject(1, UUID.fromString(id));
            try (java.sql.ResultSet r = s.executeQuery()) {
                assertTrue(r.next());
                phoneAt = r.getObject(1, java.time.OffsetDateTime.class).toInstant();
            }
        }

        for (Map<String, String> query : List.of(Map.of("q", "Odile Microsecond", "tag", tag),
                Map.of("q", "Microsecond", "tag", tag, "sort", "name"), Map.of("tag", tag, "sort", "name"))) {
            Map<String, Object> hit = given().queryParams(query).when().get("/api/v1/contacts")
                    .then().statusCode(200).body("items.id", equalTo(List.of(id)))
                    .extract().jsonPath().getMap("items[0].consent");
            for (Map.Entry<String, String> answer : answers.entrySet()) {
                Map<?, ?> shown = (Map<?, ?>) hit.get(answer.getKey());
                assertEquals("DENIED", shown.get("status"), query + " " + answer.getKey());
                assertEquals(java.time.Instant.parse(answer.getValue()),
                        java.time.Instant.parse((String) shown.get("at")), query + " " + answer.getKey());
                assertEquals("quote \" backslash \\ ] [ , " + answer.getKey(), shown.get("source"),
                        query + " " + answer.getKey());
            }
            Map<?, ?> phone = (Map<?, ?>) hit.get("PHONE");
            assertEquals("DENIED", phone.get("status"), query.toString());
            assertEquals(phoneAt, java.time.Instant.parse((String) phone.get("at")), query.toString());
            assertEquals(null, phone.get("source"), query.toString());
            assertEquals("GRANTED", ((Map<?, ?>) hit.get("EMAIL")).get("status"), query.toString());
            assertEquals("intake", ((Map<?, ?>) hit.get("EMAIL")).get("source"), query.toString());
            assertEquals("UNKNOWN", ((Map<?, ?>) hit.get("IN_PERSON")).get("status"), query.toString());
            assertEquals(null, ((Map<?, ?>) hit.get("IN_PERSON")).get("at"), query.toString());
        }
    }

    @Test
    void textSearchesRunOnConnectionsThatPlanGenerically() throws Exception {
        try (Connection c = searchPool.getConnection(); PreparedStatement s = c.prepareStatement("SHOW plan_cache_mode");
             java.sql.ResultSet r = s.executeQuery()) {
            assertTrue(r.next());
            assertEquals("force_generic_plan", r.getString(1));
        }
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("SHOW plan_cache_mode");
             java.sql.ResultSet r = s.executeQuery()) {
            assertTrue(r.next());
            assertEquals("auto", r.getString(1), "the main pool keeps PostgreSQL's own choice");
        }
    }

    @Test
    void consentFilterTreatsUnansweredChannelsAsUnknown() {
        String tag = uniqueTag();
        String granted = contact().patient().named("Ana", "Consent").tags(tag).consent("EMAIL", "GRANTED")
                .create().id();
        String denied = contact().patient().named("Bea", "Consent").tags(tag).consent("EMAIL", "DENIED")
                .create().id();
        String unanswered = contact().patient().named("Carlos", "Consent").tags(tag).create().id();
        String explicitUnknown = contact().patient().named("Dina", "Consent").tags(tag).consent("EMAIL", "UNKNOWN")
                .consent("SMS", "GRANTED").create().id();

        assertConsent(tag, List.of("EMAIL:GRANTED"), granted);
        assertConsent(tag, List.of("email:denied"), denied);
        assertConsent(tag, List.of("EMAIL:UNKNOWN"), unanswered, explicitUnknown);
        assertConsent(tag, List.of("SMS:GRANTED"), explicitUnknown);
        assertConsent(tag, List.of("SMS:UNKNOWN"), granted, denied, unanswered);
        // Different channels must all hold; statuses of one channel are alternatives.
        assertConsent(tag, List.of("EMAIL:UNKNOWN", "SMS:GRANTED"), explicitUnknown);
        assertConsent(tag, List.of("EMAIL:GRANTED", "EMAIL:DENIED"), granted, denied);
        assertConsent(tag, List.of("EMAIL:GRANTED", "SMS:GRANTED"));
    }

    @Test
    void nameListingIsSortedByFamilyThenGivenName() {
        String tag = uniqueTag();
        String c = contact().patient().named("Ana", "Zapata").tags(tag).create().id();
        String a = contact().patient().named("Bea", "Alvarez").tags(tag).create().id();
        String b = contact().patient().named("Ana", "Alvarez").tags(tag).create().id();
        String org = contact().organization("Mercy Clinic").tags(tag).create().id();
        given().queryParam("tag", tag).queryParam("sort", "name")
                .when().get("/api/v1/contacts")
                .then().statusCode(200).body("items.id", equalTo(List.of(b, a, org, c)));
    }

    @Test
    void pagingByNameVisitsEveryContactOnce() {
        String tag = uniqueTag();
        Set<String> created = new HashSet<>();
        for (int i = 0; i < 23; i++) {
            created.add(contact().patient().named(GIVEN.get(i % GIVEN.size()), "Pager" + (char) ('a' + i % 5))
                    .tags(tag).create().id());
        }
        List<String> seen = pageThrough(Map.of("tag", tag, "sort", "name"), 5, () -> {
        });
        assertEquals(created.size(), seen.size(), "no duplicates");
        assertEquals(created, new HashSet<>(seen));
    }

    @Test
    void pagingByNameStaysStableWhileContactsAreInserted() throws Exception {
        assertStablePaging(false);
    }

    @Test
    void pagingByRelevanceStaysStableWhileContactsAreInserted() throws Exception {
        assertStablePaging(true);
    }

    /**
     * Pages through a listing while another client keeps inserting matching contacts (some sorting before the
     * cursor, some after, some adding close spellings of the query word to the search lexicon): every contact that
     * existed before the first page must be seen, and none twice.
     */
    private void assertStablePaging(boolean byRelevance) throws Exception {
        String tag = uniqueTag();
        String surname = "Abernathy";
        List<String> variants = List.of("Abernathey", "Abernethy", "Abernathie", "Abernaty", "Abernathi", "Abernathyy");
        Set<String> existing = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            existing.add(contact().patient().named(GIVEN.get(i % GIVEN.size()) + (i / GIVEN.size() == 0 ? "" : "a"),
                    surname).tags(tag).create().id());
        }
        AtomicBoolean paging = new AtomicBoolean(true);
        AtomicInteger inserted = new AtomicInteger();
        ExecutorService inserter = Executors.newSingleThreadExecutor();
        Future<?> insertions = inserter.submit(() -> {
            Random random = new Random(7);
            while (paging.get()) {
                String given = GIVEN.get(random.nextInt(GIVEN.size()));
                String family = random.nextBoolean() ? surname : variants.get(random.nextInt(variants.size()));
                contact().patient().named(given, family).tags(tag).create();
                inserted.incrementAndGet();
            }
        });
        List<String> seen;
        try {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("tag", tag);
            if (byRelevance) {
                params.put("q", surname);
                params.put("sort", "relevance");
            } else {
                params.put("sort", "name");
            }
            // The pause between pages is the point: it gives the inserter time to add contacts mid-listing.
            seen = pageThrough(params, 4, () -> {
                try {
                    Thread.sleep(30);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        } finally {
            paging.set(false);
            insertions.get(30, TimeUnit.SECONDS);
            inserter.shutdown();
        }
        assertTrue(inserted.get() > 0, "contacts were inserted while paging");
        assertEquals(new HashSet<>(seen).size(), seen.size(), "no contact is listed twice: " + seen);
        Set<String> missing = new HashSet<>(existing);
        missing.removeAll(seen);
        assertThat("pre-existing contacts skipped", missing, empty());
    }

    private static List<String> pageThrough(Map<String, String> params, int limit, Runnable betweenPages) {
        List<String> seen = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            var request = given().queryParams(params).queryParam("limit", limit);
            if (next != null) {
                request.queryParam("cursor", next);
            }
            Response page = request.when().get("/api/v1/contacts").then().statusCode(200).extract().response();
            List<String> ids = page.path("items.id");
            assertTrue(ids.size() <= limit);
            seen.addAll(ids);
            next = page.path("next");
            betweenPages.run();
            assertTrue(++pages < 500, "paging ends");
        } while (next != null);
        return seen;
    }

    private static void assertSearch(String tag, String q, String... expected) {
        given().queryParam("q", q).queryParam("tag", tag)
                .when().get("/api/v1/contacts")
                .then().statusCode(200)
                .body("items.id", containsInAnyOrder(expected));
    }

    private static void assertConsent(String tag, List<String> consent, String... expected) {
        given().queryParam("tag", tag).queryParam("consent", consent)
                .when().get("/api/v1/contacts")
                .then().statusCode(200)
                .body("items.id", containsInAnyOrder(expected));
    }
}
