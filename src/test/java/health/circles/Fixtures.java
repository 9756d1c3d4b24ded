package health.circles;

import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one way tests make their records: fluent builders for contacts, ties, touchpoints, segments and campaigns,
 * created through the API as an administrator (whatever identity the test itself calls with), each test with its own.
 * A builder sends exactly the fields it was given, plus a generated name for a person or organisation left unnamed.
 *
 * <pre>{@code
 * String ana = Fixtures.contact().patient().named("Ana", "Ruiz").consent("EMAIL", "GRANTED").create().id();
 * String tie = Fixtures.tie(doctor, ana).type("TREATS").declaredStrength(0.8).create().id();
 * }</pre>
 */
public final class Fixtures {

    private static final AtomicInteger SEQ = new AtomicInteger();

    private Fixtures() {
    }

    /** A contact to describe; call one of the kind methods, then {@link ContactFixture#create()}. */
    public static ContactFixture contact() {
        return new ContactFixture();
    }

    /** A tie from one contact to another (ids as strings or UUIDs); name its type, then create it. */
    public static TieFixture tie(Object from, Object to) {
        return new TieFixture(from, to);
    }

    /** A touchpoint over a channel between participants (ids as strings or UUIDs), occurring now unless told. */
    public static TouchpointFixture touchpoint(String channel, Object... participants) {
        return new TouchpointFixture(channel, participants);
    }

    /** A group of a kind (HOUSEHOLD, CARE_TEAM …) with a unique name unless told; add members, then create it. */
    public static GroupFixture group(String kind) {
        return new GroupFixture(kind);
    }

    /** A saved segment with a unique name; give its filter, then create it. */
    public static SegmentFixture segment() {
        return new SegmentFixture();
    }

    /** A campaign on a segment with a unique name, by default with no seeds, no prediction and one hop. */
    public static CampaignFixture campaign(String segment) {
        return new CampaignFixture(segment);
    }

    /** A tag no other test uses, to find exactly the contacts a test made. */
    public static String uniqueTag() {
        return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /**
     * Starts an analytics run, waiting out one already in progress (ours must see the graph as it is now), and waits
     * until it has succeeded; answers its id. Runs are global to the database. Betweenness is sampled from 200
     * sources, as on a network over the exact threshold: by the time most tests ask for a run, the suite's database
     * holds thousands of contacts, and exact betweenness would take most of the run for scores these tests don't read.
     */
    public static String analyticsRun(Duration atMost) {
        return analyticsRun(atMost, "{\"samplingSize\": 200}");
    }

    /** The same with the run's parameters ({@code POST /analytics/runs}'s body). */
    public static String analyticsRun(Duration atMost, String parameters) {
        long deadline = System.nanoTime() + atMost.toNanos();
        String location = await().atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    Response started = admin().contentType(ContentType.JSON).body(parameters).when()
                            .post("/api/v1/analytics/runs");
                    if (started.statusCode() == 202) {
                        return started.header("Location");
                    }
                    if (started.statusCode() != 409) { // 409: another run is in progress
                        throw new AssertionError("could not start an analytics run: " + started.statusCode() + " "
                                + started.asString());
                    }
                    return null;
                }, Objects::nonNull);
        String id = location.substring(location.lastIndexOf('/') + 1);
        Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), Duration.ofSeconds(1).toNanos()));
        // Done when it failed, or when it succeeded and its communities are named (that follows the run).
        String state = await("analytics run " + id).atMost(left).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    io.restassured.path.json.JsonPath run = admin().when().get("/api/v1/analytics/runs/" + id).then()
                            .statusCode(200).extract().jsonPath();
                    boolean named = run.getString("namedAt") != null;
                    return "SUCCEEDED".equals(run.getString("state")) && !named ? "RUNNING" : run.getString("state");
                }, s -> !"RUNNING".equals(s));
        if (!"SUCCEEDED".equals(state)) {
            throw new AssertionError("analytics run " + id + " ended " + state);
        }
        return id;
    }

    private static RequestSpecification admin() {
        return TestTokens.as("admin");
    }

    private static String id(Object idOrUuid) {
        return Objects.requireNonNull(idOrUuid, "id").toString();
    }

    /** What a create answered: the new record's id, its ETag and its Location. */
    public record Created(String id, String etag, String location) {

        public UUID uuid() {
            return UUID.fromString(id);
        }

        static Created of(Response response) {
            ExtractableResponse<Response> created = response.then().statusCode(201).extract();
            return new Created(created.path("id"), created.header("ETag"), created.header("Location"));
        }
    }

    /** A contact's fields, sent as given to POST /api/v1/contacts. */
    public static final class ContactFixture {

        private final Map<String, Object> body = new LinkedHashMap<>();
        private Map<String, Object> consent;

        private ContactFixture() {
        }

        public ContactFixture kind(String kind) {
            return set("kind", kind);
        }

        public ContactFixture patient() {
            return kind("PATIENT");
        }

        public ContactFixture physician() {
            return kind("PHYSICIAN");
        }

        public ContactFixture nurse() {
            return kind("NURSE");
        }

        public ContactFixture caregiver() {
            return kind("CAREGIVER");
        }

        public ContactFixture communityLeader() {
            return kind("COMMUNITY_LEADER");
        }

        /** An organisation named {@code name}, sent as given (untrimmed). */
        public ContactFixture organization(String name) {
            return kind("ORGANIZATION").set("organizationName", name);
        }

        public ContactFixture named(String givenName, String familyName) {
            return set("givenName", givenName).set("familyName", familyName);
        }

        public ContactFixture email(String email) {
            return set("email", email);
        }

        public ContactFixture phone(String phone) {
            return set("phone", phone);
        }

        public ContactFixture postalCode(String postalCode) {
            return set("postalCode", postalCode);
        }

        public ContactFixture city(String city) {
            return set("city", city);
        }

        public ContactFixture externalId(String externalId) {
            return set("externalId", externalId);
        }

        public ContactFixture languages(String... languages) {
            return set("languages", List.of(languages));
        }

        public ContactFixture tags(String... tags) {
            return set("tags", List.of(tags));
        }

        public ContactFixture specialties(String... specialties) {
            return set("specialties", List.of(specialties));
        }

        public ContactFixture doNotContact(boolean doNotContact) {
            return set("doNotContact", doNotContact);
        }

        /** An answer for one channel (EMAIL, SMS, PHONE, MAIL, ...), without a source. */
        public ContactFixture consent(String channel, String status) {
            return consent(channel, Map.of("status", status));
        }

        public ContactFixture consent(String channel, String status, String source) {
            return consent(channel, Map.of("status", status, "source", source));
        }

        /** An answer for one channel as the API takes it: status, and optionally at and source. */
        public ContactFixture consent(String channel, Map<String, ?> answer) {
            if (consent == null) {
                consent = new LinkedHashMap<>();
                body.put("consent", consent);
            }
            consent.put(channel, answer);
            return this;
        }

        /** The consent object sent as is, e.g. an empty one: answers for no channel. */
        public ContactFixture consent(Map<String, ?> all) {
            consent = new LinkedHashMap<>(all);
            body.put("consent", consent);
            return this;
        }

        /**
         * The details a record of this kind typically has. A patient: e-mail {@code <given>@example.org}, phone,
         * postal code 90210 in Riverside, an EHR number ({@code mrn-<random>}), consent to e-mail and none to mail. A
         * physician: e-mail {@code dr.<family>@example.org}. Call after {@link #named}.
         */
        public ContactFixture fullRecord() {
            String kind = String.valueOf(body.get("kind"));
            switch (kind) {
                case "PATIENT" -> email(String.valueOf(body.get("givenName")).toLowerCase() + "@example.org")
                        .phone("+1 555 010 2030").postalCode("90210").city("Riverside")
                        .externalId("mrn-" + UUID.randomUUID())
                        .consent("EMAIL", "GRANTED").consent("MAIL", "DENIED");
                case "PHYSICIAN" -> email("dr." + String.valueOf(body.get("familyName")).toLowerCase() + "@example.org");
                default -> throw new IllegalStateException("no full record for kind " + kind);
            }
            return this;
        }

        /** Any other field, sent as given: for the bodies tests of validation send. */
        public ContactFixture set(String field, Object value) {
            body.put(field, value);
            return this;
        }

        /** The body this builder sends, as a new map a test may change; an unnamed contact is named first. */
        public Map<String, Object> body() {
            if (!body.containsKey("kind")) {
                throw new IllegalStateException("a contact needs a kind: " + body);
            }
            if ("ORGANIZATION".equals(body.get("kind"))) {
                body.putIfAbsent("organizationName", "Org " + SEQ.incrementAndGet());
            } else if (!body.containsKey("givenName") && !body.containsKey("familyName")) {
                named("Test", "Person" + SEQ.incrementAndGet());
            }
            Map<String, Object> copy = new LinkedHashMap<>(body);
            if (consent != null) {
                copy.put("consent", new LinkedHashMap<>(consent));
            }
            return copy;
        }

        /** Posts the contact, whatever the answer: for tests of the create itself. */
        public Response post() {
            return admin().contentType(ContentType.JSON).body(body()).when().post("/api/v1/contacts");
        }

        /** Creates the contact, expecting 201. */
        public Created create() {
            return Created.of(post());
        }
    }

    /** A tie's fields, sent as given to POST /api/v1/ties. */
    public static final class TieFixture {

        private final Map<String, Object> body = new LinkedHashMap<>();

        private TieFixture(Object from, Object to) {
            body.put("from", id(from));
            body.put("to", id(to));
        }

        public TieFixture type(String type) {
            return set("type", type);
        }

        public TieFixture declaredStrength(double declaredStrength) {
            return set("declaredStrength", declaredStrength);
        }

        public TieFixture notes(String notes) {
            return set("notes", notes);
        }

        public TieFixture since(String date) {
            return set("since", date);
        }

        public TieFixture until(String date) {
            return set("until", date);
        }

        /** Any other field, sent as given. */
        public TieFixture set(String field, Object value) {
            body.put(field, value);
            return this;
        }

        public Map<String, Object> body() {
            return new LinkedHashMap<>(body);
        }

        /** Posts the tie, whatever the answer: for tests of the create itself. */
        public Response post() {
            return admin().contentType(ContentType.JSON).body(body).when().post("/api/v1/ties");
        }

        /** Creates the tie, expecting 201. */
        public Created create() {
            if (!body.containsKey("type")) {
                throw new IllegalStateException("a tie needs a type: " + body);
            }
            return Created.of(post());
        }
    }

    /** A group's fields, sent as given to POST /api/v1/groups. */
    public static final class GroupFixture {

        private final Map<String, Object> body = new LinkedHashMap<>();
        private final List<Map<String, Object>> members = new ArrayList<>();

        private GroupFixture(String kind) {
            body.put("kind", kind);
            body.put("name", "Group " + SEQ.incrementAndGet() + " " + uniqueTag());
        }

        public GroupFixture named(String name) {
            return set("name", name);
        }

        /** A current member in a role (null: the kind's default). */
        public GroupFixture member(Object contact, String role) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("contactId", id(contact));
            if (role != null) {
                m.put("role", role);
            }
            members.add(m);
            return this;
        }

        /** Any other field, sent as given. */
        public GroupFixture set(String field, Object value) {
            body.put(field, value);
            return this;
        }

        public Map<String, Object> body() {
            Map<String, Object> all = new LinkedHashMap<>(body);
            if (!members.isEmpty()) {
                all.put("members", members);
            }
            return all;
        }

        /** Posts the group, whatever the answer. */
        public Response post() {
            return admin().contentType(ContentType.JSON).body(body()).when().post("/api/v1/groups");
        }

        /** Creates the group, expecting 201. */
        public Created create() {
            return Created.of(post());
        }
    }

    /** A touchpoint's fields, sent as given to POST /api/v1/touchpoints. */
    public static final class TouchpointFixture {

        private final Map<String, Object> body = new LinkedHashMap<>();

        private TouchpointFixture(String channel, Object... participants) {
            List<String> ids = new ArrayList<>();
            Arrays.stream(participants).forEach(p -> ids.add(id(p)));
            body.put("participants", ids);
            body.put("channel", channel);
            body.put("occurredAt", Instant.now().toString());
        }

        public TouchpointFixture at(Instant occurredAt) {
            return set("occurredAt", occurredAt.toString());
        }

        public TouchpointFixture topic(String topic) {
            return set("topic", topic);
        }

        public TouchpointFixture outcome(String outcome) {
            return set("outcome", outcome);
        }

        public TouchpointFixture clinical(boolean clinical) {
            return set("clinical", clinical);
        }

        /** Any other field, sent as given. */
        public TouchpointFixture set(String field, Object value) {
            body.put(field, value);
            return this;
        }

        /** Records the touchpoint, expecting 201; the answer names the ties it strengthened or inferred. */
        public ExtractableResponse<Response> create() {
            return admin().contentType(ContentType.JSON).body(body).when().post("/api/v1/touchpoints")
                    .then().statusCode(201).extract();
        }
    }

    /** A segment: a filter (JSON) and whether unknown consent counts, saved under a unique name. */
    public static final class SegmentFixture {

        private String filter = "{}";
        private boolean includeUnknown;

        private SegmentFixture() {
        }

        /** The filter as JSON, e.g. {@code {"tags":["x"]}}. */
        public SegmentFixture filter(String json) {
            filter = json;
            return this;
        }

        /** The contacts with {@code tag}. */
        public SegmentFixture tagged(String tag) {
            return filter("{\"tags\":[\"" + tag + "\"]}");
        }

        public SegmentFixture includeUnknown(boolean includeUnknown) {
            this.includeUnknown = includeUnknown;
            return this;
        }

        /** Saves the segment, expecting 201; answers its id. */
        public String create() {
            return admin().contentType(ContentType.JSON).body("""
                            {"name":"Segment %s","filter":%s,"includeUnknown":%s}"""
                            .formatted(UUID.randomUUID(), filter, includeUnknown))
                    .when().post("/api/v1/segments").then().statusCode(201).extract().path("id");
        }
    }

    /** A campaign on a segment, over one channel, with seeds (JSON), a predicted coverage and a number of hops. */
    public static final class CampaignFixture {

        private final String segment;
        private String channel = "EMAIL";
        private String seeds = "[]";
        private Double predictedCoverage;
        private int hops = 1;

        private CampaignFixture(String segment) {
            this.segment = segment;
        }

        public CampaignFixture channel(String channel) {
            this.channel = channel;
            return this;
        }

        /** The seeds as JSON, e.g. {@code [{"contactId":"...","expectedReach":3}]}. */
        public CampaignFixture seeds(String json) {
            seeds = json;
            return this;
        }

        public CampaignFixture predictedCoverage(Double predictedCoverage) {
            this.predictedCoverage = predictedCoverage;
            return this;
        }

        public CampaignFixture hops(int hops) {
            this.hops = hops;
            return this;
        }

        /** Starts the campaign, expecting 201; answers its id. */
        public String create() {
            return admin().contentType(ContentType.JSON).body("""
                            {"name":"Campaign %s","segmentId":"%s","channel":"%s","seeds":%s,"predictedCoverage":%s,"hops":%d}"""
                            .formatted(UUID.randomUUID(), segment, channel, seeds, predictedCoverage, hops))
                    .when().post("/api/v1/campaigns").then().statusCode(201).extract().path("id");
        }
    }
}
