package health.circles.outreach;

import static health.circles.outreach.OutreachCalls.granted;
import static health.circles.outreach.OutreachCalls.members;
import static health.circles.outreach.OutreachCalls.outcome;
import static health.circles.outreach.OutreachCalls.person;
import static health.circles.Fixtures.campaign;
import static health.circles.Fixtures.contact;
import static health.circles.Fixtures.segment;
import static health.circles.Fixtures.tie;
import static health.circles.Fixtures.uniqueTag;
import static health.circles.TestTokens.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.Fixtures;
import io.restassured.http.ContentType;
import health.circles.contact.Channel;
import health.circles.network.GraphReads;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Segments over HTTP against the real stores: consent per channel, filters, paging, export, communities, erasure. */
@QuarkusTest
@AsRole("admin")
class SegmentApiTest {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    GraphReads graphReads;

    @Inject
    SegmentService segments;

    @Test
    void deniedAndDoNotContactAreNeverMembersAndUnknownOnlyWhenTheSegmentSaysSo() {
        String tag = uniqueTag();
        String granted = granted("PATIENT", tag);
        String denied = person("PATIENT", tag, "DENIED", false);
        String unknown = person("PATIENT", tag, null, false);
        String explicitUnknown = person("PATIENT", tag, "UNKNOWN", false);
        String doNotContact = person("PATIENT", tag, "GRANTED", true);

        String strict = segment().tagged(tag).create();
        JsonPath page = members(strict, "EMAIL");
        assertEquals(List.of(granted), page.getList("items.id"));
        assertEquals(1, page.getInt("total"));
        assertEquals(1, page.getInt("excluded.doNotContact"));
        assertEquals(1, page.getInt("excluded.denied"));
        assertEquals(2, page.getInt("excluded.unknown"));

        String lenient = segment().tagged(tag).includeUnknown(true).create();
        JsonPath withUnknown = members(lenient, "EMAIL");
        assertEquals(Set.of(granted, unknown, explicitUnknown), new HashSet<>(withUnknown.getList("items.id")));
        assertEquals(0, withUnknown.getInt("excluded.unknown"));
        assertEquals(1, withUnknown.getInt("excluded.denied"));
        assertEquals(1, withUnknown.getInt("excluded.doNotContact"));

        // Consent is per channel: nobody answered for SMS, so only the lenient segment has members, never do-not-contact.
        assertEquals(List.of(), memberIds(strict, "SMS"));
        assertEquals(4, members(strict, "SMS").getInt("excluded.unknown"));
        assertEquals(Set.of(granted, denied, unknown, explicitUnknown), new HashSet<>(memberIds(lenient, "SMS")));
        assertFalse(memberIds(lenient, "SMS").contains(doNotContact));

        // The service method seed selection uses answers the same.
        assertEquals(List.of(UUID.fromString(granted)), segments.memberIds(UUID.fromString(strict), Channel.EMAIL));
    }

    @Test
    void previewCountsTheMembersShowsAFewAndSaysWhoWasLeftOut() {
        String tag = uniqueTag();
        for (int i = 0; i < 12; i++) {
            granted("CAREGIVER", tag);
        }
        person("CAREGIVER", tag, "DENIED", false);
        String segment = segment().tagged(tag).create();
        given().queryParam("channel", "email").when().get("/api/v1/segments/" + segment + "/preview")
                .then().statusCode(200)
                .body("count", equalTo(12))
                .body("sample", hasSize(10))
                .body("excluded.denied", equalTo(1))
                .body("channel", equalTo("EMAIL"));
    }

    @Test
    void aFilterIsPreviewedBeforeItIsSavedAndNothingIsWritten() {
        String tag = uniqueTag();
        for (int i = 0; i < 3; i++) {
            granted("NURSE", tag);
        }
        person("NURSE", tag, null, false);
        long saved = given().queryParam("limit", 200).when().get("/api/v1/segments").then().statusCode(200)
                .extract().jsonPath().getList("items").size();
        String draft = """
                {"filter":{"tags":["%s"],"kinds":["NURSE"]},"includeUnknown":%s}""";
        given().contentType(ContentType.JSON).body(draft.formatted(tag, false)).queryParam("channel", "EMAIL")
                .when().post("/api/v1/segments/preview").then().statusCode(200)
                .body("count", equalTo(3)).body("sample", hasSize(3)).body("excluded.unknown", equalTo(1));
        given().contentType(ContentType.JSON).body(draft.formatted(tag, true)).queryParam("channel", "EMAIL")
                .when().post("/api/v1/segments/preview").then().statusCode(200).body("count", equalTo(4));
        assertEquals(saved, given().queryParam("limit", 200).when().get("/api/v1/segments").then().statusCode(200)
                .extract().jsonPath().getList("items").size());

        // Validated like a save.
        given().contentType(ContentType.JSON).body("{\"filter\":{\"tieTo\":{\"contactId\":\"" + UUID.randomUUID()
                        + "\",\"hops\":1}}}").queryParam("channel", "EMAIL")
                .when().post("/api/v1/segments/preview").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItem("filter.tieTo.contactId"));
        given().contentType(ContentType.JSON).body("{\"filter\":{}}").queryParam("channel", "FAX")
                .when().post("/api/v1/segments/preview").then().statusCode(400)
                .contentType("application/problem+json");
        given().contentType(ContentType.JSON).body("{}").queryParam("channel", "EMAIL")
                .when().post("/api/v1/segments/preview").then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void membersArePagedByNameWithACursor() {
        String tag = uniqueTag();
        Set<String> all = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            all.add(granted("PATIENT", tag));
        }
        String segment = segment().tagged(tag).create();
        List<String> seen = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            var request = given().queryParam("channel", "EMAIL").queryParam("limit", 2);
            if (next != null) {
                request = request.queryParam("cursor", next);
            }
            JsonPath page = request.when().get("/api/v1/segments/" + segment + "/members").then().statusCode(200)
                    .extract().jsonPath();
            seen.addAll(page.getList("items.id"));
            next = page.getString("next");
            pages++;
        } while (next != null && pages < 10);
        assertEquals(3, pages);
        assertEquals(5, seen.size());
        assertEquals(all, new HashSet<>(seen));
    }

    @Test
    void filtersCombineKindsTagsLanguagesAndPostalCodes() {
        String tag = uniqueTag();
        String spanishPatient = contact().patient().named("Ana", "Lopez").tags(tag).languages("es").postalCode("90110")
                .consent("MAIL", "GRANTED").create().id();
        contact().patient().named("Bob", "Lee").tags(tag).languages("en").postalCode("90110")
                .consent("MAIL", "GRANTED").create();
        contact().nurse().named("Eva", "Ruiz").tags(tag).languages("es").postalCode("90110")
                .consent("MAIL", "GRANTED").create();
        contact().patient().named("Luz", "Diaz").tags(tag).languages("es").postalCode("10001")
                .consent("MAIL", "GRANTED").create();
        String segment = segment().filter("""
                {"tags":["%s"],"kinds":["PATIENT"],"languages":["es"],"postalCodes":["90110"]}"""
                .formatted(tag.toUpperCase())).create();
        assertEquals(List.of(spanishPatient), memberIds(segment, "MAIL"));
    }

    @Test
    void tieToAContactWithinKHopsAsksTheGraph() {
        String tag = uniqueTag();
        String anchor = granted("COMMUNITY_LEADER", tag);
        String one = granted("PATIENT", tag);
        String two = granted("PATIENT", tag);
        String three = granted("PATIENT", tag);
        String deniedNeighbour = person("PATIENT", tag, "DENIED", false);
        tie(anchor, one).type("FRIEND_OF").declaredStrength(0.5).create();
        tie(one, two).type("FRIEND_OF").declaredStrength(0.5).create();
        tie(two, three).type("FRIEND_OF").declaredStrength(0.5).create();
        tie(anchor, deniedNeighbour).type("FRIEND_OF").declaredStrength(0.5).create();
        String hop1 = segment().filter("""
                {"tieTo":{"contactId":"%s","hops":1}}""".formatted(anchor)).create();
        JsonPath near = members(hop1, "EMAIL");
        assertEquals(List.of(one), near.getList("items.id"));
        assertEquals(1, near.getInt("excluded.denied"));
        String hop2 = segment().filter("""
                {"tieTo":{"contactId":"%s","hops":2},"tags":["%s"]}""".formatted(anchor, tag)).create();
        assertEquals(Set.of(one, two), new HashSet<>(memberIds(hop2, "EMAIL")));
        String hop3 = segment().filter("""
                {"tieTo":{"contactId":"%s","hops":3}}""".formatted(anchor)).create();
        assertEquals(Set.of(one, two, three), new HashSet<>(memberIds(hop3, "EMAIL")));
    }

    @Test
    void badFiltersAndUnknownSegmentsAreProblems() {
        String body = """
                {"name":"%s","filter":%s}""";
        given().contentType(ContentType.JSON).body(body.formatted("k4", """
                {"tieTo":{"contactId":"%s","hops":4}}""".formatted(UUID.randomUUID())))
                .when().post("/api/v1/segments").then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("filter.tieTo.hops"));
        given().contentType(ContentType.JSON).body(body.formatted("k0", """
                {"tieTo":{"contactId":"%s","hops":0}}""".formatted(UUID.randomUUID())))
                .when().post("/api/v1/segments").then().statusCode(400);
        given().contentType(ContentType.JSON).body(body.formatted("nobody", """
                {"tieTo":{"contactId":"%s","hops":2}}""".formatted(UUID.randomUUID())))
                .when().post("/api/v1/segments").then().statusCode(400)
                .body("errors.field", hasItem("filter.tieTo.contactId"));
        given().contentType(ContentType.JSON).body(body.formatted("kind", "{\"kinds\":[\"WIZARD\"]}"))
                .when().post("/api/v1/segments").then().statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(body.formatted("rank", "{\"influence\":{\"metric\":\"PAGERANK\"}}"))
                .when().post("/api/v1/segments").then().statusCode(400)
                .body("errors.field", hasItem("filter.influence"));
        given().contentType(ContentType.JSON).body("{\"filter\":{}}")
                .when().post("/api/v1/segments").then().statusCode(400).body("errors.field", hasItem("name"));
        String name = "Same " + UUID.randomUUID();
        given().contentType(ContentType.JSON).body(body.formatted(name, "{}"))
                .when().post("/api/v1/segments").then().statusCode(201);
        given().contentType(ContentType.JSON).body(body.formatted(name.toUpperCase(), "{}"))
                .when().post("/api/v1/segments").then().statusCode(409).body("type", containsString("duplicate-name"));

        String unknown = UUID.randomUUID().toString();
        given().when().get("/api/v1/segments/" + unknown).then().statusCode(404).contentType("application/problem+json");
        given().queryParam("channel", "EMAIL").when().get("/api/v1/segments/" + unknown + "/members").then().statusCode(404);
        given().when().get("/api/v1/segments/not-a-uuid").then().statusCode(400);
        String segment = segment().tagged(uniqueTag()).create();
        given().when().get("/api/v1/segments/" + segment + "/members").then().statusCode(400)
                .body("errors.field", hasItem("channel"));
        given().queryParam("channel", "FAX").when().get("/api/v1/segments/" + segment + "/members").then().statusCode(400)
                .body("errors.field", hasItem("channel"));
        given().queryParam("channel", "EMAIL").queryParam("limit", 0)
                .when().get("/api/v1/segments/" + segment + "/members").then().statusCode(400)
                .body("errors.field", hasItem("limit"));
    }

    @Test
    void segmentsAreReplacedWithIfMatchListedAndDeleted() {
        String tag = uniqueTag();
        String id = segment().tagged(tag).create();
        String etag = given().when().get("/api/v1/segments/" + id).then().statusCode(200).extract().header("ETag");
        String body = """
                {"name":"Renamed %s","filter":{"tags":["%s"]},"includeUnknown":true}""".formatted(id, tag);
        given().contentType(ContentType.JSON).header("If-Match", etag).body(body)
                .when().put("/api/v1/segments/" + id).then().statusCode(200)
                .body("includeUnknown", equalTo(true)).body("version", equalTo(1));
        given().contentType(ContentType.JSON).header("If-Match", etag).body(body)
                .when().put("/api/v1/segments/" + id).then().statusCode(412);
        JsonPath first = given().queryParam("limit", 1).when().get("/api/v1/segments").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(1, first.getList("items").size());
        given().header("If-Match", "\"1\"").when().delete("/api/v1/segments/" + id).then().statusCode(204);
        given().when().get("/api/v1/segments/" + id).then().statusCode(404);
    }

    @Test
    void csvExportListsTheConsentingMembersInTheCallersViewAndAuditsEachOne() throws Exception {
        String tag = uniqueTag();
        String a = contact().patient().named("=HYPERLINK(1)", "Comma, Quote\"").email("a@example.org")
                .phone("+1 555 0100").tags(tag).consent("EMAIL", "GRANTED").create().id();
        String b = granted("PATIENT", tag);
        person("PATIENT", tag, "DENIED", false);
        String segment = segment().tagged(tag).create();
        var answer = as("outreach").queryParam("channel", "EMAIL").when().get("/api/v1/segments/" + segment + "/export")
                .then().statusCode(200).contentType(containsString("text/csv"))
                .header("Segment-Excluded-Denied", "1").header("Segment-Members", "2")
                .extract();
        String[] lines = answer.asString().split("\r\n");
        assertEquals(3, lines.length);
        assertEquals("\"" + String.join("\",\"", SegmentCsv.HEADER) + "\"", lines[0]);
        String rowA = java.util.Arrays.stream(lines).filter(l -> l.startsWith("\"" + a)).findFirst().orElseThrow();
        // Every cell quoted, a formula defused, quotes doubled, and outreach sees no phone without PHONE consent.
        assertTrue(rowA.contains("\"'=HYPERLINK(1) Comma, Quote\"\"\""), rowA);
        assertTrue(rowA.contains("\"a@example.org\""), rowA);
        assertFalse(rowA.contains("555 0100"), rowA); // the phone; the row's id may hold "555" by chance
        assertTrue(java.util.Arrays.stream(lines).anyMatch(l -> l.startsWith("\"" + b)));

        assertEquals(Set.of(a, b), auditedContacts("export", segment));
        members(segment, "EMAIL");
        assertEquals(Set.of(a, b), auditedContacts("list", segment));
    }

    @Test
    void aSegmentByCommunitySelectsTheMembersOfTheLatestRunAndItsCampaignReportsByCommunity() throws Exception {
        String tag = uniqueTag();
        List<String> left = new ArrayList<>();
        List<String> right = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            left.add(i == 3 ? person("PATIENT", tag, "DENIED", false) : granted("PATIENT", tag));
            right.add(granted("PATIENT", tag));
        }
        for (List<String> clique : List.of(left, right)) {
            for (int i = 0; i < clique.size(); i++) {
                for (int j = i + 1; j < clique.size(); j++) {
                    tie(clique.get(i), clique.get(j)).type("FRIEND_OF").declaredStrength(0.5).create();
                }
            }
        }
        graphReads.await(null);
        Fixtures.analyticsRun(Duration.ofMinutes(10));
        JsonPath communities = given().when().get("/api/v1/contacts/" + left.get(0) + "/communities")
                .then().statusCode(200).extract().jsonPath();
        long community = communities.getLong("memberships.find { it.primary && it.level == 0 }.communityId");

        String segment = segment().filter("{\"communities\":[" + community + "],\"membership\":\"PRIMARY\"}").create();
        JsonPath page = members(segment, "EMAIL");
        assertEquals(Set.copyOf(left.subList(0, 3)), new HashSet<>(page.getList("items.id")));
        assertEquals(1, page.getInt("excluded.denied"));
        given().when().get("/api/v1/segments/" + segment).then().body("filter.communities[0]", equalTo((int) community));

        String influential = segment().filter("""
                {"tags":["%s"],"influence":{"metric":"DEGREE","minScore":3}}""".formatted(tag)).create();
        assertEquals(Set.copyOf(concat(left.subList(0, 3), right)), new HashSet<>(memberIds(influential, "EMAIL")));

        given().contentType(ContentType.JSON).body("{\"name\":\"gone\",\"filter\":{\"communities\":[999999999]}}")
                .when().post("/api/v1/segments").then().statusCode(400).body("errors.field", hasItem("filter.communities"));

        // A campaign on the community: the report groups its targets by the run's community.
        String campaign = campaign(segment).channel("EMAIL").create();
        outcome(campaign, left.get(0), "RESPONDED", left.get(1)).then().statusCode(201);
        JsonPath report = given().when().get("/api/v1/campaigns/" + campaign + "/report").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(String.valueOf(community), report.getString("byCommunity[0].key"));
        assertEquals(3, report.getInt("byCommunity[0].targets"));
        assertEquals(1, report.getInt("byCommunity[0].responded"));
    }

    @Test
    void erasingTheAnchorOfASegmentLeavesItMatchingNobody() {
        String tag = uniqueTag();
        String anchor = granted("PATIENT", tag);
        String friend = granted("PATIENT", tag);
        tie(anchor, friend).type("FRIEND_OF").declaredStrength(0.5).create();
        String segment = segment().filter("""
                {"tieTo":{"contactId":"%s","hops":1}}""".formatted(anchor)).create();
        assertEquals(List.of(friend), memberIds(segment, "EMAIL"));
        given().when().post("/api/v1/contacts/" + anchor + "/erasure").then().statusCode(204);
        given().when().get("/api/v1/segments/" + segment).then().statusCode(200)
                .body("filter.tieTo.contactId", nullValue());
        assertEquals(List.of(), memberIds(segment, "EMAIL"));
    }

    @Test
    void aHandPickedSegmentListsThePickedContactsThatConsentAndForgetsAnErasedOne() {
        String tag = uniqueTag();
        String kept = granted("PATIENT", tag);
        String erased = granted("PATIENT", tag);
        String declined = person("PATIENT", tag, "DENIED", false);
        granted("PATIENT", tag); // same tag, not picked
        String segment = segment().filter("""
                {"contacts":["%s","%s","%s","%s"]}""".formatted(kept, erased, declined, kept)).create();
        assertEquals(Set.of(kept, erased), new HashSet<>(memberIds(segment, "EMAIL")));
        assertEquals(1, members(segment, "EMAIL").getInt("excluded.denied"));
        given().when().get("/api/v1/segments/" + segment).then().statusCode(200)
                .body("filter.contacts", hasSize(3)); // saved once each

        given().when().post("/api/v1/contacts/" + erased + "/erasure").then().statusCode(204);
        given().when().get("/api/v1/segments/" + segment).then().statusCode(200)
                .body("filter.contacts", equalTo(List.of(kept, declined)));
        assertEquals(List.of(kept), memberIds(segment, "EMAIL"));

        String tooMany = "[" + String.join(",", java.util.Collections.nCopies(2001, '"' + kept + '"')) + "]";
        given().contentType(ContentType.JSON).body("""
                        {"name":"too many %s","filter":{"contacts":%s}}""".formatted(tag, tooMany))
                .when().post("/api/v1/segments").then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void aHandPickedSegmentWhosePickedContactsAreAllErasedMatchesNobody() {
        String tag = uniqueTag();
        String picked = granted("PATIENT", tag);
        granted("PATIENT", tag); // not picked
        String segment = segment().filter("""
                {"contacts":["%s"],"tags":["%s"]}""".formatted(picked, tag)).create();
        assertEquals(List.of(picked), memberIds(segment, "EMAIL"));
        given().when().post("/api/v1/contacts/" + picked + "/erasure").then().statusCode(204);
        // Not every contact with the tag: the list picked one person, and now picks nobody.
        given().when().get("/api/v1/segments/" + segment).then().statusCode(200).body("filter.contacts", hasSize(0));
        assertEquals(List.of(), memberIds(segment, "EMAIL"));
        assertEquals(0, members(segment, "EMAIL").getInt("total"));
        // An empty list from a client means the same (so a segment read back and saved again keeps matching nobody):
        // it picks nobody, never everyone.
        String empty = segment().filter("""
                {"contacts":[],"tags":["%s"]}""".formatted(tag)).create();
        assertEquals(List.of(), memberIds(empty, "EMAIL"));
        given().when().get("/api/v1/segments/" + empty).then().statusCode(200).body("filter.contacts", hasSize(0));
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** The contacts named by the audit rows of one segment's member reads of an action. */
    private Set<String> auditedContacts(String action, String segment) throws Exception {
        Set<String> out = new HashSet<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT unnest(contact_ids)::text FROM audit_event
                WHERE resource_type = 'segment-members' AND action = ? AND path LIKE ?""")) {
            s.setString(1, action);
            s.setString(2, "%" + segment + "%");
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
        }
        return out;
    }

    private static List<String> memberIds(String segment, String channel) {
        return members(segment, channel).getList("items.id");
    }
}
