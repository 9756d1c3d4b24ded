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
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Campaigns over HTTP against the real stores: targets, outcomes as touchpoints, opt-outs, pending lists, reports. */
@QuarkusTest
@AsRole("admin")
class CampaignApiTest {

    // JsonPath reads JSON numbers as floats.
    private static final double EPS = 1e-6;

    @Inject
    CampaignService campaigns;

    /**
     * Seed S reaches a and c directly (ties S-a, S-c); b hangs off a (a-b); d-e are far from S; f is never approached.
     * Outcomes: a RESPONDED via S, b REACHED via a, c DECLINED via S, d RESPONDED via staff W, e OPTED_OUT via W. With
     * one hop: targets 6, reached 5, responded 2 (a, d), declined 1, opted out 1, pending 1; S reaches a and c (2),
     * of whom a responded (1); coverage 2 / 6.
     */
    @Test
    void reportFiguresMatchAHandComputedSmallGraph() {
        String tag = uniqueTag();
        String staff = granted("NURSE", uniqueTag());
        String seed = granted("COMMUNITY_LEADER", uniqueTag());
        String a = granted("PATIENT", tag);
        String b = granted("PATIENT", tag);
        String c = granted("CAREGIVER", tag);
        String d = granted("PATIENT", tag);
        String e = granted("CAREGIVER", tag);
        String f = granted("PATIENT", tag);
        person("PATIENT", tag, "DENIED", false);
        person("PATIENT", tag, null, false);
        person("CAREGIVER", tag, "GRANTED", true);
        String seedA = tie(seed, a).type("FRIEND_OF").declaredStrength(0.5).create().id();
        tie(a, b).type("FRIEND_OF").declaredStrength(0.5).create();
        tie(seed, c).type("FRIEND_OF").declaredStrength(0.5).create();
        tie(d, e).type("FRIEND_OF").declaredStrength(0.5).create();

        String segment = segment().tagged(tag).create();
        String campaign = campaign(segment).channel("EMAIL")
                .seeds("[{\"contactId\":\"" + seed + "\",\"expectedReach\":3}]").predictedCoverage(0.5).create();
        JsonPath started = given().when().get("/api/v1/campaigns/" + campaign).then().statusCode(200).extract().jsonPath();
        assertEquals(6, started.getInt("counts.targets"));
        assertEquals(6, started.getInt("counts.pending"));
        assertEquals(1, started.getInt("excludedAtStart.denied"));
        assertEquals(1, started.getInt("excludedAtStart.unknown"));
        assertEquals(1, started.getInt("excludedAtStart.doNotContact"));
        assertEquals(seed, started.getString("seeds[0].contactId"));
        assertEquals(Set.of(a, b, c, d, e, f), new HashSet<>(pending(campaign)));

        JsonPath responded = outcome(campaign, a, "RESPONDED", seed).then().statusCode(201)
                .header("Graph-Position", org.hamcrest.Matchers.notNullValue())
                .body("status", equalTo("RESPONDED")).extract().jsonPath();
        outcome(campaign, b, "REACHED", a).then().statusCode(201);
        outcome(campaign, c, "DECLINED", seed).then().statusCode(201);
        outcome(campaign, d, "RESPONDED", staff).then().statusCode(201);
        outcome(campaign, e, "OPTED_OUT", staff).then().statusCode(201).body("consentDenied", equalTo(true));
        assertEquals(List.of(f), pending(campaign));

        // The outcome is a touchpoint of the campaign, and it strengthened the tie: 0.5 declared + 0.013 for an email.
        given().when().get("/api/v1/touchpoints/" + responded.getString("touchpointId")).then().statusCode(200)
                .body("campaignId", equalTo(campaign)).body("outcome", equalTo("RESPONDED"))
                .body("participants", hasItem(seed));
        double strength = given().when().get("/api/v1/ties/" + seedA).then().statusCode(200).extract().jsonPath()
                .getDouble("strength");
        assertEquals(0.513, strength, 1e-3);

        JsonPath report = given().when().get("/api/v1/campaigns/" + campaign + "/report").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(6, report.getInt("totals.targets"));
        assertEquals(5, report.getInt("totals.reached"));
        assertEquals(2, report.getInt("totals.responded"));
        assertEquals(1, report.getInt("totals.declined"));
        assertEquals(1, report.getInt("totals.optedOut"));
        assertEquals(1, report.getInt("totals.pending"));
        assertEquals(5.0 / 6, report.getDouble("totals.reachRate"), EPS);
        assertEquals(2.0 / 5, report.getDouble("totals.responseRate"), EPS);

        Map<String, Object> patients = group(report, "byKind", "PATIENT");
        assertEquals(4, patients.get("targets"));
        assertEquals(3, patients.get("reached"));
        assertEquals(2, patients.get("responded"));
        Map<String, Object> caregivers = group(report, "byKind", "CAREGIVER");
        assertEquals(2, caregivers.get("targets"));
        assertEquals(2, caregivers.get("reached"));
        assertEquals(0, caregivers.get("responded"));

        assertEquals(seed, report.getString("seeds[0].contactId"));
        assertEquals(3, report.getInt("seeds[0].expectedReach"));
        assertEquals(2, report.getInt("seeds[0].reachedWithinHops"));
        assertEquals(1, report.getInt("seeds[0].respondedWithinHops"));
        assertEquals(2, report.getInt("seeds[0].outcomesVia"));
        assertEquals(0.5, report.getDouble("prediction.predictedCoverage"), EPS);
        assertEquals(2.0 / 6, report.getDouble("prediction.actualCoverage"), EPS);
        assertEquals(3, report.getInt("prediction.expectedReach"));
        assertEquals(2, report.getInt("prediction.actualReach"));
        assertEquals(1, report.getInt("prediction.respondedNearSeeds"));

        // Two hops: b (through a) joins what S reached downstream.
        String wider = campaign(segment).channel("EMAIL")
                .seeds("[{\"contactId\":\"" + seed + "\"}]").hops(2).create();
        outcome(wider, b, "RESPONDED", seed).then().statusCode(201);
        JsonPath two = given().when().get("/api/v1/campaigns/" + wider + "/report").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(1, two.getInt("seeds[0].respondedWithinHops"));
        assertEquals(1, two.getInt("seeds[0].reachedWithinHops"));
        assertNull(two.get("prediction.expectedReach"));
    }

    @Test
    void anOptOutDuringACampaignDeniesConsentAtOnceAndEmptiesEveryPendingList() {
        String tag = uniqueTag();
        String staff = granted("NURSE", uniqueTag());
        String quitter = granted("PATIENT", tag);
        String stayer = granted("PATIENT", tag);
        String segment = segment().tagged(tag).create();
        String first = campaign(segment).channel("EMAIL").create();
        String second = campaign(segment).channel("EMAIL").create();
        long version = given().when().get("/api/v1/contacts/" + quitter).then().extract().jsonPath().getLong("version");

        outcome(first, quitter, "OPTED_OUT", staff).then().statusCode(201)
                .body("consentDenied", equalTo(true)).body("removedFromPendingLists", equalTo(1));

        JsonPath contact = given().when().get("/api/v1/contacts/" + quitter).then().statusCode(200).extract().jsonPath();
        assertEquals("DENIED", contact.getString("consent.EMAIL.status"));
        assertEquals("campaign-opt-out", contact.getString("consent.EMAIL.source"));
        assertEquals(version + 1, contact.getLong("version"));
        // The opt-out is an entry of the contact's consent ledger, newest first.
        JsonPath history = given().when().get("/api/v1/contacts/" + quitter + "/consent").then().statusCode(200)
                .extract().jsonPath();
        assertEquals("EMAIL", history.getString("items[0].channel"));
        assertEquals("DENIED", history.getString("items[0].status"));
        assertEquals("campaign-opt-out", history.getString("items[0].source"));
        assertEquals("DENIED", history.getString("effective.EMAIL.status"));
        assertEquals("GRANTED", history.getString("items[1].status"));
        assertEquals(List.of(stayer), pending(first));
        assertEquals(List.of(stayer), pending(second));
        given().when().get("/api/v1/campaigns/" + second).then().body("counts.removed", equalTo(1));
        assertFalse(campaigns.contactsInActiveCampaigns().contains(UUID.fromString(quitter)));
        assertTrue(campaigns.contactsInActiveCampaigns().contains(UUID.fromString(stayer)));

        // Nobody asks them again: not in this campaign, not in the other, not in a new one.
        outcome(first, quitter, "REACHED", staff).then().statusCode(409).body("type", containsString("opted-out"));
        outcome(second, quitter, "RESPONDED", staff).then().statusCode(409);
        JsonPath members = members(segment, "EMAIL");
        assertEquals(List.of(stayer), members.getList("items.id"));
        assertEquals(1, members.getInt("excluded.denied"));
        String third = campaign(segment).channel("EMAIL").create();
        assertEquals(List.of(stayer), pending(third));
    }

    @Test
    void anOptOutInOneCampaignEndsEveryOtherActiveCampaignForThemWhateverItsChannelOrTheirStatus() {
        String tag = uniqueTag();
        String staff = granted("NURSE", uniqueTag());
        String person = health.circles.Fixtures.contact().patient().email("both-" + tag + "@example.org")
                .phone("+1 555 010 4242").tags(tag).consent("EMAIL", "GRANTED").consent("SMS", "GRANTED").create().id();
        String segment = segment().tagged(tag).create();
        String sms = campaign(segment).channel("SMS").create();
        String email = campaign(segment).channel("EMAIL").create();
        outcome(email, person, "REACHED", staff).then().statusCode(201);
        outcome(sms, person, "OPTED_OUT", staff).then().statusCode(201).body("removedFromPendingLists", equalTo(1));
        // Reached by e-mail before, but they asked to be left alone: nothing more is recorded against them there.
        outcome(email, person, "RESPONDED", staff).then().statusCode(409).body("type", containsString("opted-out"));
    }

    @Test
    void anOptOutLoggedAfterTheContactGrantedAgainSaysItDeniedNothing() throws Exception {
        String tag = uniqueTag();
        String staff = granted("NURSE", uniqueTag());
        String contact = granted("PATIENT", tag); // EMAIL granted now
        String campaign = campaign(segment().tagged(tag).create()).channel("EMAIL").create();
        String optedOutAt = java.time.Instant.now().toString();
        Thread.sleep(20);
        // They opted out on the call, then changed their mind before staff logged the call.
        given().contentType(ContentType.JSON).body(Map.of("channel", "EMAIL", "status", "GRANTED",
                        "givenAt", java.time.Instant.now().toString(), "source", "phone-call"))
                .when().post("/api/v1/contacts/" + contact + "/consent").then().statusCode(201);
        given().contentType(ContentType.JSON)
                .body(Map.of("contactId", contact, "outcome", "OPTED_OUT", "via", staff, "occurredAt", optedOutAt))
                .when().post("/api/v1/campaigns/" + campaign + "/outcomes").then().statusCode(201)
                .body("consentDenied", equalTo(false)).body("status", equalTo("OPTED_OUT"));
        // The grant given after the call stands; the opt-out is in the ledger as history.
        JsonPath history = given().when().get("/api/v1/contacts/" + contact + "/consent").then().statusCode(200)
                .extract().jsonPath();
        assertEquals("GRANTED", history.getString("effective.EMAIL.status"));
        assertTrue(history.getList("items.source").contains("campaign-opt-out"));
    }

    /**
     * An outcome cannot predate its campaign (an opt-out dated so would land behind every later grant and change
     * nothing) nor lie in the future; nor go through someone who said no, nor reach a person a way they refused.
     */
    @Test
    void outcomesAreRefusedBeforeTheCampaignInTheFutureViaSomeoneWhoRefusedOrOnARefusedChannel() {
        String tag = uniqueTag();
        String staff = granted("NURSE", uniqueTag());
        String contact = granted("PATIENT", tag);
        String campaign = campaign(segment().tagged(tag).create()).channel("EMAIL").create();
        String lastWeek = java.time.Instant.now().minus(java.time.Duration.ofDays(7)).toString();
        String tomorrow = java.time.Instant.now().plus(java.time.Duration.ofDays(1)).toString();
        for (String at : List.of(lastWeek, tomorrow)) {
            given().contentType(ContentType.JSON)
                    .body(Map.of("contactId", contact, "outcome", "OPTED_OUT", "via", staff, "occurredAt", at))
                    .when().post("/api/v1/campaigns/" + campaign + "/outcomes").then().statusCode(400)
                    .body("errors[0].field", equalTo("occurredAt"));
        }
        patch(contact, "{\"consent\":{\"PHONE\":{\"status\":\"DENIED\"}}}");
        given().contentType(ContentType.JSON)
                .body(Map.of("contactId", contact, "outcome", "REACHED", "via", staff, "touchpointChannel", "PHONE"))
                .when().post("/api/v1/campaigns/" + campaign + "/outcomes").then().statusCode(409)
                .body("type", containsString("no-consent"));
        patch(staff, "{\"doNotContact\":true}");
        given().contentType(ContentType.JSON)
                .body(Map.of("contactId", contact, "outcome", "REACHED", "via", staff))
                .when().post("/api/v1/campaigns/" + campaign + "/outcomes").then().statusCode(409)
                .body("type", containsString("via-without-consent"));
        given().when().get("/api/v1/contacts/" + contact + "/touchpoints").then().statusCode(200)
                .body("items", org.hamcrest.Matchers.empty());
    }

    /** Consent is read again for seeds too: one who opted out since the start is flagged, not worked through. */
    @Test
    void aSeedWhoOptedOutSinceTheStartIsShownAsNotToBeContacted() {
        String tag = uniqueTag();
        String seed = granted("NURSE", uniqueTag());
        String campaign = campaign(segment().tagged(tag).create()).channel("EMAIL")
                .seeds("[{\"contactId\":\"" + seed + "\"}]").create();
        given().when().get("/api/v1/campaigns/" + campaign).then().statusCode(200)
                .body("seeds[0].contactId", equalTo(seed)).body("seeds[0].mayContact", equalTo(true));
        patch(seed, "{\"doNotContact\":true}");
        given().when().get("/api/v1/campaigns/" + campaign).then().statusCode(200)
                .body("seeds[0].contactId", equalTo(seed)).body("seeds[0].mayContact", equalTo(false));
    }

    @Test
    void consentWithdrawnOrDoNotContactMeanwhileLeavesThePendingListAtOnce() {
        String tag = uniqueTag();
        String staff = granted("NURSE", uniqueTag());
        String later = granted("PATIENT", tag);
        String denies = granted("PATIENT", tag);
        String stays = granted("PATIENT", tag);
        String campaign = campaign(segment().tagged(tag).create()).channel("EMAIL").create();
        patch(later, "{\"doNotContact\":true}");
        patch(denies, "{\"consent\":{\"EMAIL\":{\"status\":\"DENIED\"}}}");

        JsonPath page = given().when().get("/api/v1/campaigns/" + campaign + "/pending").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(List.of(stays), page.getList("items.id"));
        assertEquals(1, page.getInt("excluded.doNotContact"));
        assertEquals(1, page.getInt("excluded.denied"));
        outcome(campaign, later, "REACHED", staff).then().statusCode(409).body("type", containsString("no-consent"));
        outcome(campaign, denies, "RESPONDED", staff).then().statusCode(409);
    }

    @Test
    void unknownConsentIsTargetedOnlyWhenTheSegmentIncludesIt() {
        String tag = uniqueTag();
        String yes = granted("PATIENT", tag);
        String unknown = person("PATIENT", tag, null, false);
        String strict = campaign(segment().tagged(tag).create()).channel("EMAIL").create();
        String lenient = campaign(segment().tagged(tag).includeUnknown(true).create()).channel("EMAIL").create();
        assertEquals(List.of(yes), pending(strict));
        given().when().get("/api/v1/campaigns/" + strict).then().body("excludedAtStart.unknown", equalTo(1))
                .body("includeUnknown", equalTo(false));
        assertEquals(Set.of(yes, unknown), new HashSet<>(pending(lenient)));
        given().when().get("/api/v1/campaigns/" + lenient).then().body("excludedAtStart.unknown", equalTo(0));
    }

    @Test
    void invalidCampaignsAndOutcomesAreProblems() {
        String tag = uniqueTag();
        String staff = granted("NURSE", uniqueTag());
        String target = granted("PATIENT", tag);
        String outsider = granted("PATIENT", uniqueTag());
        String noContact = person("COMMUNITY_LEADER", uniqueTag(), "GRANTED", true);
        String segment = segment().tagged(tag).create();
        String body = """
                {"name":"x","segmentId":"%s","channel":"EMAIL","seeds":%s,"hops":%d}""";
        given().contentType(ContentType.JSON).body(body.formatted(segment, "[]", 4))
                .when().post("/api/v1/campaigns").then().statusCode(400).body("errors.field", hasItem("hops"));
        given().contentType(ContentType.JSON).body(body.formatted(UUID.randomUUID(), "[]", 1))
                .when().post("/api/v1/campaigns").then().statusCode(422).body("errors.field", hasItem("segmentId"));
        given().contentType(ContentType.JSON).body(body.formatted(segment, "[{\"contactId\":\"" + noContact + "\"}]", 1))
                .when().post("/api/v1/campaigns").then().statusCode(422).body("type", containsString("seed-without-consent"));
        given().contentType(ContentType.JSON).body(body.formatted(segment, "[{\"contactId\":\"" + UUID.randomUUID() + "\"}]", 1))
                .when().post("/api/v1/campaigns").then().statusCode(422);
        given().contentType(ContentType.JSON).body("{\"name\":\"x\",\"segmentId\":\"" + segment + "\",\"channel\":\"FAX\"}")
                .when().post("/api/v1/campaigns").then().statusCode(400);
        given().contentType(ContentType.JSON).body("""
                        {"name":"x","segmentId":"%s","channel":"EMAIL","predictedCoverage":1.5}""".formatted(segment))
                .when().post("/api/v1/campaigns").then().statusCode(400).body("errors.field", hasItem("predictedCoverage"));

        String campaign = campaign(segment).channel("EMAIL").create();
        given().when().get("/api/v1/campaigns/" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json");
        outcome(UUID.randomUUID().toString(), target, "REACHED", staff).then().statusCode(404);
        outcome(campaign, outsider, "REACHED", staff).then().statusCode(422).body("errors.field", hasItem("contactId"));
        outcome(campaign, target, "REACHED", target).then().statusCode(400).body("errors.field", hasItem("via"));
        outcome(campaign, target, "REACHED", UUID.randomUUID().toString()).then().statusCode(422)
                .body("errors.field", hasItem("via"));
        outcome(campaign, target, "WAVED", staff).then().statusCode(400);
        given().contentType(ContentType.JSON).body(Map.of("contactId", target, "outcome", "REACHED", "via", staff,
                        "occurredAt", "2999-01-01T00:00:00Z"))
                .when().post("/api/v1/campaigns/" + campaign + "/outcomes").then().statusCode(400)
                .body("errors.field", hasItem("occurredAt"));
        given().header("If-Match", "\"0\"").when().delete("/api/v1/segments/" + segment).then().statusCode(409);

        given().when().post("/api/v1/campaigns/" + campaign + "/close").then().statusCode(200)
                .body("state", equalTo("CLOSED"));
        outcome(campaign, target, "REACHED", staff).then().statusCode(409).body("type", containsString("campaign-closed"));
        assertEquals(List.of(), pending(campaign));
        JsonPath active = given().queryParam("state", "active").queryParam("limit", 200).when().get("/api/v1/campaigns")
                .then().statusCode(200).extract().jsonPath();
        assertFalse(active.getList("items.id").contains(campaign));
        given().queryParam("state", "sleeping").when().get("/api/v1/campaigns").then().statusCode(400);
    }

    @Test
    void campaignsArePagedNewestFirst() {
        String segment = segment().tagged(uniqueTag()).create();
        String older = campaign(segment).channel("SMS").create();
        String newer = campaign(segment).channel("SMS").create();
        JsonPath first = given().queryParam("limit", 1).when().get("/api/v1/campaigns").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(newer, first.getString("items[0].id"));
        JsonPath second = given().queryParam("limit", 1).queryParam("next", first.getString("next"))
                .when().get("/api/v1/campaigns").then().statusCode(200).extract().jsonPath();
        assertEquals(older, second.getString("items[0].id"));
    }

    @Test
    void erasingATargetRemovesItFromCampaignsAndTheirReports() {
        String tag = uniqueTag();
        String staff = granted("NURSE", uniqueTag());
        String erased = granted("PATIENT", tag);
        String kept = granted("PATIENT", tag);
        String campaign = campaign(segment().tagged(tag).create()).channel("EMAIL")
                .seeds("[{\"contactId\":\"" + staff + "\"}]").create();
        outcome(campaign, erased, "RESPONDED", staff).then().statusCode(201);
        outcome(campaign, kept, "REACHED", erased).then().statusCode(201);
        given().when().post("/api/v1/contacts/" + erased + "/erasure").then().statusCode(204);
        JsonPath report = given().when().get("/api/v1/campaigns/" + campaign + "/report").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(1, report.getInt("totals.targets"));
        assertEquals(0, report.getInt("totals.responded"));
        assertEquals(1, report.getInt("totals.reached"));
        assertFalse(campaigns.contactsInActiveCampaigns().contains(UUID.fromString(erased)));
    }

    private static void patch(String contact, String json) {
        String etag = given().when().get("/api/v1/contacts/" + contact).then().statusCode(200).extract().header("ETag");
        given().contentType("application/merge-patch+json").header("If-Match", etag).body(json)
                .when().patch("/api/v1/contacts/" + contact)
                .then().statusCode(200);
    }

    private static Map<String, Object> group(JsonPath report, String list, String key) {
        List<Map<String, Object>> groups = report.getList(list);
        return groups.stream().filter(g -> key.equals(g.get("key"))).findFirst().orElseThrow();
    }

    private static List<String> pending(String campaign) {
        return given().queryParam("limit", 200).when().get("/api/v1/campaigns/" + campaign + "/pending")
                .then().statusCode(200).extract().jsonPath().getList("items.id");
    }
}
