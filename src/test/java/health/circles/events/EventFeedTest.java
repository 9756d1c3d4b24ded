package health.circles.events;

import static health.circles.Fixtures.campaign;
import static health.circles.Fixtures.contact;
import static health.circles.Fixtures.segment;
import static health.circles.Fixtures.tie;
import static health.circles.Fixtures.touchpoint;
import static health.circles.Fixtures.uniqueTag;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.Fixtures;
import health.circles.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The change event feed: one event per change, in commit order, filtered by type and role, with purged history. */
@QuarkusTest
@AsRole("admin")
class EventFeedTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    EventStore store;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    EventPublisher publisher;

    @Test
    void everyContactChangeIsOneEventInOrderWithTheNamesOfWhatChangedAndNoPersonalData() {
        long start = head();
        Fixtures.Created created = contact().patient().named("Feodora", "Eventful").email("feodora@example.org")
                .consent("EMAIL", "GRANTED", "form").create();
        String id = created.id();
        given().contentType("application/merge-patch+json").header("If-Match", created.etag())
                .body("{\"email\":\"f.eventful@example.org\",\"tags\":[\"vip\"]}")
                .when().patch("/api/v1/contacts/" + id).then().statusCode(200);
        given().contentType(ContentType.JSON).body("""
                        {"channel":"SMS","status":"DENIED","givenAt":"2026-01-01T00:00:00Z","source":"call"}""")
                .when().post("/api/v1/contacts/" + id + "/consent").then().statusCode(201);
        String etag = given().get("/api/v1/contacts/" + id).then().extract().header("ETag");
        given().header("If-Match", etag).when().delete("/api/v1/contacts/" + id).then().statusCode(204);

        List<Map<String, Object>> events = awaitEventsOf(start, id, 4);
        assertEquals(List.of("contact.created", "contact.updated", "contact.consent-changed", "contact.deleted"),
                events.stream().map(e -> e.get("type")).toList());
        assertEquals(List.of("email", "tags"), events.get(1).get("changed"));
        assertEquals(List.of("consent"), events.get(2).get("changed"));
        long previous = start;
        for (Map<String, Object> e : events) {
            long position = ((Number) e.get("position")).longValue();
            assertTrue(position > previous, "positions increase");
            assertEquals("evt_" + position, e.get("id"));
            assertEquals(Map.of("kind", "contact", "id", id), e.get("subject"));
            previous = position;
        }
        String raw = given().queryParam("after", start).queryParam("limit", 1000).get("/api/v1/events").asString();
        assertFalse(raw.contains("Feodora") || raw.contains("Eventful") || raw.contains("example.org"),
                "no names or addresses in events");
    }

    @Test
    void erasureIsAnEventToo() {
        long start = head();
        String id = contact().patient().named("Erin", "Erased").create().id();
        given().when().post("/api/v1/contacts/" + id + "/erasure").then().statusCode(204);
        assertEquals(List.of("contact.created", "contact.erased"),
                awaitEventsOf(start, id, 2).stream().map(e -> e.get("type")).toList());
    }

    /** Other records' events no longer say whom an erased person was tied to. */
    @Test
    void anErasedContactsIdLeavesTheRelatedIdsOfOtherRecordsEvents() {
        long start = head();
        String a = contact().patient().named("Ezra", "Related").create().id();
        String b = contact().caregiver().create().id();
        Fixtures.Created t = tie(a, b).type("FRIEND_OF").create();
        assertEquals(Map.of("from", a, "to", b), awaitEventsOf(start, t.id(), 1).get(0).get("related"));
        given().when().post("/api/v1/contacts/" + a + "/erasure").then().statusCode(204);
        assertEquals(Map.of("from", "erased", "to", b), awaitEventsOf(start, t.id(), 1).get(0).get("related"));
    }

    @Test
    void tieLifecycleIsOneEventPerChange() {
        long start = head();
        String a = contact().patient().create().id();
        String b = contact().caregiver().create().id();
        Fixtures.Created t = tie(a, b).type("FRIEND_OF").create();
        String etag = given().contentType(ContentType.JSON).header("If-Match", t.etag())
                .body("{\"declaredStrength\":0.9,\"notes\":\"met at church\"}")
                .when().put("/api/v1/ties/" + t.id()).then().statusCode(200).extract().header("ETag");
        etag = given().header("If-Match", etag)
                .when().post("/api/v1/ties/" + t.id() + "/end").then().statusCode(200).extract().header("ETag");
        given().header("If-Match", etag).when().delete("/api/v1/ties/" + t.id()).then().statusCode(204);
        List<Map<String, Object>> events = awaitEventsOf(start, t.id(), 4);
        assertEquals(List.of("tie.created", "tie.updated", "tie.ended", "tie.deleted"),
                events.stream().map(e -> e.get("type")).toList());
        assertEquals(List.of("declaredStrength", "notes"), events.get(1).get("changed"));
        assertEquals(Map.of("from", a, "to", b), events.get(0).get("related"));

        // A clinician's claim, confirmed and rejected by an integration.
        UUID doctor = contact().kind("PHYSICIAN").create().uuid();
        String p1 = contact().patient().create().id();
        String p2 = contact().patient().create().id();
        String claimed = claim(doctor, p1);
        String other = claim(doctor, p2);
        TestTokens.as("integration").when().post("/api/v1/ties/" + claimed + "/confirm").then().statusCode(200);
        TestTokens.as("integration").when().post("/api/v1/ties/" + other + "/reject").then().statusCode(200);
        assertEquals("tie.confirmed", awaitEventsOf(start, claimed, 2).get(1).get("type"));
        assertEquals("tie.rejected", awaitEventsOf(start, other, 2).get(1).get("type"));
    }

    @Test
    void groupsAndTheirMembershipsAreEventsWithIdsAndCodesOnly() {
        long start = head();
        String parent = contact().patient().named("Hedda", "Household").create().id();
        String child = contact().patient().create().id();
        String group = Fixtures.group("HOUSEHOLD").named("The Household family").member(parent, null).create().id();
        List<Map<String, Object>> created = awaitEventsOf(start, group, 1);
        assertEquals("group.created", created.get(0).get("type"));
        assertEquals(Map.of("kind", "HOUSEHOLD"), created.get(0).get("related"));
        String member = given().contentType(ContentType.JSON).body(Map.of("contactId", child))
                .when().post("/api/v1/groups/" + group + "/members").then().statusCode(201).extract().path("id");
        given().when().post("/api/v1/groups/" + group + "/members/" + member + "/end")
                .then().statusCode(200);
        List<Map<String, Object>> memberEvents = awaitEventsOf(start, member, 2);
        assertEquals(List.of("group-member.added", "group-member.ended"),
                memberEvents.stream().map(e -> e.get("type")).toList());
        @SuppressWarnings("unchecked")
        Map<String, Object> related = (Map<String, Object>) memberEvents.get(0).get("related");
        assertEquals(group, related.get("group"));
        assertEquals(child, related.get("contact"));
        String all = given().queryParam("after", start).queryParam("limit", 500).when().get("/api/v1/events")
                .then().statusCode(200).extract().asString();
        assertTrue(!all.contains("Household") && !all.contains("Hedda"), "no names in events: " + all);
    }

    @Test
    void touchpointsSegmentsAndCampaignsAreEvents() {
        long start = head();
        String tag = uniqueTag();
        String staff = contact().kind("NURSE").email("n-" + tag + "@example.org").consent("EMAIL", "GRANTED", "t")
                .tags(tag + "-staff").create().id();
        String target = contact().patient().email("p-" + tag + "@example.org").consent("EMAIL", "GRANTED", "t")
                .tags(tag).create().id();
        String other = contact().patient().create().id();
        String touchpointId = touchpoint("PHONE", staff, other).create().path("id");
        given().when().delete("/api/v1/touchpoints/" + touchpointId).then().statusCode(204);
        List<Map<String, Object>> tp = awaitEventsOf(start, touchpointId, 2);
        assertEquals(List.of("touchpoint.created", "touchpoint.deleted"), tp.stream().map(e -> e.get("type")).toList());
        assertEquals(List.of(staff, other).stream().sorted().toList(),
                ((Map<?, ?>) tp.get(0).get("related")).get("participants"));

        String segmentId = segment().tagged(tag).create();
        String campaignId = campaign(segmentId).channel("EMAIL").create();
        given().contentType(ContentType.JSON).body(Map.of("contactId", target, "outcome", "REACHED", "via", staff))
                .when().post("/api/v1/campaigns/" + campaignId + "/outcomes").then().statusCode(201);
        given().when().post("/api/v1/campaigns/" + campaignId + "/close").then().statusCode(200);
        assertEquals(List.of("campaign.created", "campaign.outcome-recorded", "campaign.closed"),
                awaitEventsOf(start, campaignId, 3).stream().map(e -> e.get("type")).toList());
        assertEquals("segment.created", awaitEventsOf(start, segmentId, 1).get(0).get("type"));

        String spare = segment().tagged(tag + "-spare").create();
        given().header("If-Match", "\"0\"").contentType(ContentType.JSON)
                .body(Map.of("name", "renamed " + tag, "filter", Map.of("tags", List.of(tag))))
                .when().put("/api/v1/segments/" + spare).then().statusCode(200);
        given().header("If-Match", "\"1\"").when().delete("/api/v1/segments/" + spare).then().statusCode(204);
        List<Map<String, Object>> segmentEvents = awaitEventsOf(start, spare, 3);
        assertEquals(List.of("segment.created", "segment.updated", "segment.deleted"),
                segmentEvents.stream().map(e -> e.get("type")).toList());
        assertEquals(List.of("name", "filter"), segmentEvents.get(1).get("changed"));
    }

    @Test
    void aBulkImportIsOneEventPerRecordAndItsJob() {
        long start = head();
        String run = uniqueTag();
        String file = """
                {"record":"contact","externalId":"ev-a-%1$s","kind":"PATIENT","givenName":"Ann","familyName":"Bulk"}
                {"record":"contact","externalId":"ev-b-%1$s","kind":"CAREGIVER","givenName":"Bob","familyName":"Bulk"}
                {"record":"tie","externalId":"ev-t-%1$s","from":"ev-a-%1$s","to":"ev-b-%1$s","type":"FRIEND_OF"}
                """.formatted(run);
        String location = TestTokens.as("integration").contentType("application/x-ndjson")
                .body(file.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .when().post("/api/v1/imports").then().statusCode(202).extract().header("Location");
        String job = location.substring(location.lastIndexOf('/') + 1);
        List<Map<String, Object>> jobEvents = awaitEventsOf(start, job, 2);
        assertEquals(List.of("import.created", "import.completed"), jobEvents.stream().map(e -> e.get("type")).toList());
        List<Map<String, Object>> all = feed(start, "contact.created,tie.created");
        long contacts = all.stream().filter(e -> job.equals(((Map<?, ?>) e.get("related")).get("import"))
                && e.get("type").equals("contact.created")).count();
        long ties = all.stream().filter(e -> job.equals(((Map<?, ?>) e.get("related")).get("import"))
                && e.get("type").equals("tie.created")).count();
        assertEquals(2, contacts);
        assertEquals(1, ties);
    }

    @Test
    void analyticsRunsAreEvents() {
        long start = head();
        String location = await().atMost(WAIT).until(() -> {
            var started = given().contentType(ContentType.JSON).body("{\"samplingSize\": 200}").when()
                    .post("/api/v1/analytics/runs");
            return started.statusCode() == 202 ? started.header("Location") : null; // 409: another run in progress
        }, java.util.Objects::nonNull);
        String run = location.substring(location.lastIndexOf('/') + 1);
        List<Object> types = awaitEventsOf(start, run, 2).stream().map(e -> e.get("type")).toList();
        assertEquals("analytics-run.started", types.get(0));
        // However the run ends (this test's graph may be too small to compute on), its end is an event.
        assertTrue(List.of("analytics-run.completed", "analytics-run.failed").contains(types.get(1)), types.toString());
    }

    @Test
    void typesFilterAndRolesDecideWhatTheFeedShows() {
        long start = head();
        String a = contact().patient().create().id();
        String b = contact().patient().create().id();
        String t = tie(a, b).type("FRIEND_OF").create().id();
        String s = segment().tagged(uniqueTag()).create();
        awaitEventsOf(start, s, 1);
        awaitEventsOf(start, t, 1);
        List<Map<String, Object>> ties = feed(start, "tie.*");
        assertTrue(ties.stream().allMatch(e -> e.get("type").toString().startsWith("tie.")));
        assertTrue(ties.stream().anyMatch(e -> t.equals(((Map<?, ?>) e.get("subject")).get("id"))));
        assertTrue(feed(start, "contact.created").stream().allMatch(e -> e.get("type").equals("contact.created")));

        // Integration sees record events, not segments; asking for them by name is refused.
        List<Map<String, Object>> seen = TestTokens.as("integration").queryParam("after", start)
                .queryParam("limit", 1000).get("/api/v1/events").then().statusCode(200).extract().jsonPath()
                .getList("items");
        assertTrue(seen.stream().noneMatch(e -> e.get("type").toString().startsWith("segment.")));
        assertTrue(seen.stream().anyMatch(e -> a.equals(((Map<?, ?>) e.get("subject")).get("id"))));
        TestTokens.as("integration").queryParam("types", "segment.*").get("/api/v1/events")
                .then().statusCode(403).body("type", containsString("event-types-not-permitted"));
        for (String role : List.of("clinician", "outreach", "analyst")) {
            TestTokens.as(role).get("/api/v1/events").then().statusCode(403);
        }
    }

    @Test
    void badFeedParametersAreRefusedByName() {
        given().queryParam("after", "-1").get("/api/v1/events").then().statusCode(400)
                .body("errors[0].field", equalTo("after"));
        given().queryParam("after", "x").get("/api/v1/events").then().statusCode(400);
        given().queryParam("types", "contact.sneezed").get("/api/v1/events").then().statusCode(400)
                .body("errors[0].field", equalTo("types[0]"));
        given().queryParam("wait", "31").get("/api/v1/events").then().statusCode(400)
                .body("errors[0].field", equalTo("wait"));
        given().queryParam("limit", "0").get("/api/v1/events").then().statusCode(400);
        given().queryParam("cursor", "abc").get("/api/v1/events").then().statusCode(400);
    }

    /** A long poll holds a worker thread, so those are rate limited; reads that do not wait are not. */
    @Test
    void longPollsAreRateLimitedAndPlainReadsAreNot() {
        String limited = TestTokens.token("throttled-waits", Set.of("integration"));
        for (int i = 0; i < 3; i++) {
            TestTokens.bearer(limited).queryParam("limit", 1).queryParam("wait", 0).get("/api/v1/events").then()
                    .statusCode(200);
            TestTokens.bearer(limited).queryParam("limit", 1).get("/api/v1/events").then().statusCode(200);
        }
        for (int i = 0; i < 2; i++) {
            TestTokens.bearer(limited).queryParam("limit", 1).queryParam("wait", 1).get("/api/v1/events").then()
                    .statusCode(200);
        }
        TestTokens.bearer(limited).queryParam("limit", 1).queryParam("wait", 1).get("/api/v1/events").then()
                .statusCode(429).contentType("application/problem+json")
                .header("Retry-After", org.hamcrest.Matchers.notNullValue())
                .body("type", equalTo("https://circles.health/problems/rate-limited"))
                .body("detail", containsString("event-waits"));
        TestTokens.bearer(limited).queryParam("limit", 1).get("/api/v1/events").then().statusCode(200);
        TestTokens.bearer(TestTokens.token("free-" + UUID.randomUUID(), Set.of("integration")))
                .queryParam("limit", 1).queryParam("wait", 1).get("/api/v1/events").then().statusCode(200);
    }

    @Test
    void nextIsAlwaysThereAndAnEmptyPageMovesItToTheLastPublishedPosition() {
        long start = head();
        JsonPath page = given().queryParam("after", start).queryParam("types", "analytics-run.failed")
                .get("/api/v1/events").then().statusCode(200).extract().jsonPath();
        assertTrue(Long.parseLong(page.getString("next")) >= start);
        String id = contact().patient().create().id();
        awaitEventsOf(start, id, 1);
        long next = Long.parseLong(given().queryParam("after", start).queryParam("types", "contact.created")
                .queryParam("limit", 1000).get("/api/v1/events").then().extract().path("next"));
        assertTrue(next > start);
    }

    @Test
    void aLongPollAnswersAsSoonAsAnEventIsPublished() {
        long start = head();
        long began = System.nanoTime();
        // The event comes a second later, while the request waits.
        java.util.concurrent.CompletableFuture.runAsync(() -> TestTokens.as("admin").contentType(ContentType.JSON)
                        .body("{\"kind\":\"PATIENT\",\"givenName\":\"Lona\",\"familyName\":\"Poll\"}")
                        .post("/api/v1/contacts").then().statusCode(201),
                java.util.concurrent.CompletableFuture.delayedExecutor(1, java.util.concurrent.TimeUnit.SECONDS));
        List<Map<String, Object>> items = given().queryParam("after", start).queryParam("types", "contact.created")
                .queryParam("wait", 5).get("/api/v1/events").then().statusCode(200).extract().jsonPath()
                .getList("items");
        assertFalse(items.isEmpty());
        assertTrue(System.nanoTime() - began < Duration.ofMillis(4900).toNanos(), "answered before the wait ran out");
    }

    /**
     * Commit order, not insert order: a transaction that wrote its event first but commits last must not be skipped by
     * a reader that already read the event of a transaction that committed before it.
     */
    @Test
    void anEventCommittedLateIsNeverBehindAReader() throws Exception {
        long start = head();
        UUID early = UUID.randomUUID();
        UUID late = UUID.randomUUID();
        try (Connection first = dataSource.getConnection(); Connection second = dataSource.getConnection()) {
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            insertEvent(first, early); // takes its sequence value first
            insertEvent(second, late);
            second.commit(); // commits first
            // The publisher runs meanwhile; the early transaction is still open, so nothing after it is numbered.
            publisher.publishAll();
            publisher.publishAll();
            List<Map<String, Object>> before = feed(start, "contact.created");
            assertTrue(before.stream().noneMatch(e -> subject(e).equals(late.toString())),
                    "an event is not published while an older transaction could still add one before it");
            long next = Long.parseLong(given().queryParam("after", start).queryParam("types", "contact.created")
                    .queryParam("limit", 1000).get("/api/v1/events").then().extract().path("next"));
            first.commit();
            List<Map<String, Object>> after = await().atMost(WAIT).until(() -> feed(next, "contact.created"),
                    l -> l.stream().filter(e -> subject(e).equals(early.toString())
                            || subject(e).equals(late.toString())).count() == 2);
            List<Long> positions = new ArrayList<>();
            after.forEach(e -> positions.add(((Number) e.get("position")).longValue()));
            for (int i = 1; i < positions.size(); i++) {
                assertEquals(positions.get(i - 1) + 1, positions.get(i), "positions are gap-free");
            }
        }
    }

    @Test
    void aTransactionsEventsTakeConsecutivePositionsInTheOrderTheyWereWrittenHoweverMany() throws Exception {
        long start = head();
        String big = UUID.randomUUID().toString().substring(0, 24);
        String small = UUID.randomUUID().toString().substring(0, 24);
        int many = 6_500; // more than one numbering's batch (circles.events.publish-batch, 5000): never split
        try (Connection a = dataSource.getConnection(); Connection b = dataSource.getConnection()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            for (int i = 0; i < 3; i++) { // the two transactions' ids interleave
                insertEvents(a, big, i, 1);
                insertEvents(b, small, i, 1);
            }
            insertEvents(a, big, 3, many - 3);
            b.commit();
            a.commit();
        }
        publisher.wake();
        List<Map<String, Object>> events = await().atMost(WAIT).until(() -> feed(start, "contact.created"),
                l -> l.stream().filter(e -> subject(e).startsWith(big)).count() == many
                        && l.stream().filter(e -> subject(e).startsWith(small)).count() == 3);
        for (String prefix : List.of(big, small)) {
            List<Map<String, Object>> of = events.stream().filter(e -> subject(e).startsWith(prefix)).toList();
            for (int i = 0; i < of.size(); i++) {
                assertEquals(subjectOf(prefix, i), subject(of.get(i)), "in the order written");
                assertEquals(position(of.get(0)) + i, position(of.get(i)), "consecutive");
            }
        }
        // Reading from the middle of a transaction, one event and a filtered page.
        long middle = events.stream().filter(e -> subject(e).equals(subjectOf(big, 4_000))).mapToLong(
                EventFeedTest::position).findFirst().orElseThrow();
        assertEquals(subjectOf(big, 4_000), store.at(middle).orElseThrow().subjectId().toString());
        List<Map<String, Object>> next = given().queryParam("after", middle).queryParam("types", "contact.created")
                .queryParam("limit", 2).get("/api/v1/events").then().statusCode(200).extract().jsonPath()
                .getList("items");
        assertEquals(List.of(subjectOf(big, 4_001), subjectOf(big, 4_002)), next.stream().map(
                EventFeedTest::subject).toList());
        assertEquals(middle + 2, position(next.get(1)));
        assertTrue(given().queryParam("after", middle).queryParam("types", "tie.created").queryParam("limit", 10)
                .get("/api/v1/events").then().statusCode(200).extract().jsonPath().getList("items").stream()
                .noneMatch(e -> subject((Map<String, Object>) e).startsWith(big)), "the type filter applies inside");
    }

    @Test
    void anAfterBelowThePurgedHistoryIsGone() throws Exception {
        long start = head();
        String id = contact().patient().create().id();
        awaitEventsOf(start, id, 1);
        long through = store.purge(Instant.now().plusSeconds(5)); // as if the retention had passed for all of them
        assertTrue(through > start);
        // The purged groups go with their events.
        assertEquals(0L, count("SELECT count(*) FROM change_event WHERE subject_id = CAST(? AS uuid)", id));
        assertEquals(0L, count("SELECT count(*) FROM change_event_group WHERE last_position <= ?", through));
        given().queryParam("after", start).get("/api/v1/events").then().statusCode(410)
                .contentType("application/problem+json").body("type", containsString("events-purged"))
                .body("detail", containsString("retention"));
        given().queryParam("after", through).get("/api/v1/events").then().statusCode(200);
        // Without after, the feed starts at the oldest event kept.
        assertTrue(Long.parseLong(given().get("/api/v1/events").then().statusCode(200).extract().path("next"))
                >= through);
    }

    // --- helpers -------------------------------------------------------------------------------------------

    private static void insertEvent(Connection c, UUID subject) throws Exception {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO change_event (type, subject_kind, subject_id) VALUES ('contact.created', 'contact', ?)")) {
            s.setObject(1, subject);
            s.executeUpdate();
        }
    }

    /** {@code count} events of subjects {@code prefix}-ordinal from {@code from} on, in one statement. */
    private static void insertEvents(Connection c, String prefix, int from, int count) throws Exception {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO change_event (type, subject_kind, subject_id)
                SELECT 'contact.created', 'contact', CAST(? || lpad(to_hex(i), 12, '0') AS uuid)
                FROM generate_series(?, ?) AS i ORDER BY i""")) {
            s.setString(1, prefix);
            s.setInt(2, from);
            s.setInt(3, from + count - 1);
            s.executeUpdate();
        }
    }

    private long count(String sql, Object parameter) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, parameter);
            try (var r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private static String subjectOf(String prefix, int ordinal) {
        return prefix + String.format("%012x", ordinal);
    }

    private static long position(Map<String, Object> event) {
        return ((Number) event.get("position")).longValue();
    }

    private String claim(UUID doctor, String patient) {
        return TestTokens.asClinician("dr-" + doctor, doctor).contentType(ContentType.JSON)
                .body(Map.of("from", doctor.toString(), "to", patient, "type", "TREATS"))
                .when().post("/api/v1/ties").then().statusCode(201).extract().path("id");
    }

    /** The last position published now: what a test's events will come after. */
    private long head() {
        return store.state().lastPosition();
    }

    private static String subject(Map<String, Object> event) {
        return String.valueOf(((Map<?, ?>) event.get("subject")).get("id"));
    }

    static List<Map<String, Object>> feed(long after, String types) {
        List<Map<String, Object>> all = new ArrayList<>();
        long from = after;
        while (true) {
            JsonPath page = TestTokens.as("admin").queryParam("after", from).queryParam("types", types)
                    .queryParam("limit", 1000).get("/api/v1/events").then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> items = page.getList("items");
            all.addAll(items);
            long next = Long.parseLong(page.getString("next"));
            if (items.size() < 1000) {
                return all;
            }
            from = next;
        }
    }

    static List<Map<String, Object>> awaitEventsOf(long after, String subjectId, int count) {
        return await("events of " + subjectId).atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> feed(after, "*").stream().filter(e -> subject(e).equals(subjectId)).toList(),
                        l -> l.size() >= count);
    }

}
