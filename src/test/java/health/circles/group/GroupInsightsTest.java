package health.circles.group;

import static health.circles.Fixtures.contact;
import static health.circles.Fixtures.group;
import static health.circles.Fixtures.tie;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Groups where analytics, maps and segments meet them: group nodes and memberships stay out of every analysis of the
 * network, runs compare groups with communities, maps carry each contact's groups, segments select a group's members.
 */
@QuarkusTest
@AsRole("admin")
class GroupInsightsTest {

    /**
     * Two tight clusters of five with no tie between them, so that whatever else the database holds, community
     * detection keeps them apart (joining two unconnected parts never raises modularity); a household straddles them,
     * another sits in one. With no tie between them there is no path either, unless group nodes leaked into the
     * network: the path check below would then find one through the straddling household.
     */
    record Network(List<String> east, List<String> west, String tag) {

        static Network build() {
            String tag = Fixtures.uniqueTag();
            List<String> east = cluster(tag);
            List<String> west = cluster(tag);
            return new Network(east, west, tag);
        }

        private static List<String> cluster(String tag) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ids.add(contact().patient().set("tags", List.of(tag)).consent("EMAIL", "GRANTED").create().id());
            }
            for (int i = 0; i < 5; i++) {
                for (int j = i + 1; j < 5; j++) {
                    tie(ids.get(i), ids.get(j)).type("FRIEND_OF").declaredStrength(0.9).create();
                }
            }
            return ids;
        }
    }

    @Test
    void groupsChangeNeitherAnalyticsNorCirclesNorPathsAndRunsShowWhichGroupsAreSplit() {
        Network n = Network.build();
        // Once the graph holds the network: east 0's first ring is the rest of its cluster.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(
                () -> circles(n.east().get(0)).getList("rings[0].members").size() == 4);
        JsonPath circlesBefore = circles(n.east().get(0));
        JsonPath pathBefore = path(n.east().get(0), n.west().get(0));
        JsonPath first = run(Fixtures.analyticsRun(Duration.ofMinutes(3)));

        String split = group("HOUSEHOLD").named("Straddling " + n.tag()).member(n.east().get(0), "head")
                .member(n.west().get(0), "child").create().id();
        String together = group("HOUSEHOLD").named("Together " + n.tag()).member(n.east().get(1), "head")
                .member(n.east().get(2), "partner").create().id();
        String team = group("SUPPORT_GROUP").named("Everyone " + n.tag()).member(n.east().get(3), null)
                .member(n.west().get(3), null).create().id();

        String runId = Fixtures.analyticsRun(Duration.ofMinutes(3));
        JsonPath second = run(runId);
        assertEquals(first.getLong("quality.nodeCount"), second.getLong("quality.nodeCount"),
                "group nodes are not contacts of the projection");
        assertEquals(first.getLong("quality.tieCount"), second.getLong("quality.tieCount"),
                "memberships are not ties of the projection");
        assertEquals(circlesBefore.getList("rings"), circles(n.east().get(0)).getList("rings"));
        assertEquals(pathBefore.getList("paths"), path(n.east().get(0), n.west().get(0)).getList("paths"));
        assertEquals(List.of(), pathBefore.getList("paths"), "no path runs through a group");
        assertNotEquals(primary(n.east().get(0)), primary(n.west().get(0)), "the two clusters are two communities");

        String runGroups = "/api/v1/analytics/runs/" + runId + "/groups";
        JsonPath splitOnly = given().queryParam("limit", 200).when().get(runGroups).then().statusCode(200)
                .body("items.group.id", hasItem(split)).body("items.group.id", hasItem(team))
                .body("items.group.id", not(hasItem(together))).extract().jsonPath();
        List<String> kinds = splitOnly.getList("items.group.kind");
        assertTrue(kinds.indexOf("HOUSEHOLD") < kinds.indexOf("SUPPORT_GROUP"), "households first: " + kinds);
        Map<String, Object> household = splitOnly.getMap("items.find { it.group.id == '" + split + "' }");
        assertEquals(true, household.get("split"));
        assertEquals(2, ((List<?>) household.get("communities")).size());
        given().queryParam("split", "false").queryParam("kind", "HOUSEHOLD").queryParam("limit", 200).when()
                .get(runGroups).then().statusCode(200)
                .body("items.find { it.group.id == '" + together + "' }.split", equalTo(false))
                .body("items.find { it.group.id == '" + together + "' }.communities", hasSize(1))
                .body("items.group.kind", not(hasItem("SUPPORT_GROUP")));
        given().queryParam("limit", 1).when().get(runGroups).then().statusCode(200).body("items", hasSize(1));
        String next = given().queryParam("limit", 1).when().get(runGroups).then().extract().path("next");
        given().queryParam("limit", 1).queryParam("cursor", next).when().get(runGroups).then().statusCode(200);
        given().queryParam("splitt", "false").when().get(runGroups).then().statusCode(400);
        given().queryParam("kind", "TRIBE").when().get(runGroups).then().statusCode(400);
        given().when().get("/api/v1/analytics/runs/" + java.util.UUID.randomUUID() + "/groups").then().statusCode(404);

        // Maps carry each contact's current groups, so that a page can draw a household as one cluster.
        JsonPath map = given().queryParam("depth", 1).when().get("/api/v1/maps/contacts/" + n.east().get(0)).then()
                .statusCode(200).extract().jsonPath();
        List<Map<String, Object>> nodes = map.getList("elements.nodes.data");
        assertEquals(5, nodes.size());
        Map<String, String> groupsOf = new java.util.HashMap<>();
        nodes.forEach(node -> groupsOf.put((String) node.get("id"), String.valueOf(node.get("groups"))));
        assertTrue(groupsOf.get(n.east().get(0)).contains(split) && groupsOf.get(n.east().get(0)).contains("HOUSEHOLD"),
                groupsOf.toString());
        assertTrue(groupsOf.get(n.east().get(1)).contains(together), groupsOf.toString());
        assertTrue(groupsOf.get(n.east().get(3)).contains(team), groupsOf.toString());
        assertEquals("[]", groupsOf.get(n.east().get(4)));
        String graphml = given().queryParam("depth", 1).accept("application/graphml+xml").when()
                .get("/api/v1/maps/contacts/" + n.east().get(0)).then().statusCode(200).extract().asString();
        assertTrue(graphml.contains("attr.name=\"groups\"") && graphml.contains(split), graphml);
    }

    @Test
    void segmentsSelectTheCurrentMembersOfAGroupOrOfAKindWithConsentApplied() {
        String granted = contact().patient().consent("EMAIL", "GRANTED").create().id();
        String denied = contact().patient().consent("EMAIL", "DENIED").create().id();
        String ended = contact().patient().consent("EMAIL", "GRANTED").create().id();
        String outsider = contact().patient().consent("EMAIL", "GRANTED").create().id();
        String id = group("SUPPORT_GROUP").member(granted, null).member(denied, null).create().id();
        String member = given().contentType(ContentType.JSON).body(Map.of("contactId", ended)).when()
                .post("/api/v1/groups/" + id + "/members").then().statusCode(201).extract().path("id");
        given().when().post("/api/v1/groups/" + id + "/members/" + member + "/end").then().statusCode(200);
        group("HOUSEHOLD").member(outsider, null).create();

        given().contentType(ContentType.JSON).body("{\"filter\":{\"groups\":[\"" + id + "\"]}}")
                .queryParam("channel", "EMAIL").when().post("/api/v1/segments/preview").then().statusCode(200)
                .body("count", equalTo(1)).body("sample.id", equalTo(List.of(granted)))
                .body("excluded.denied", equalTo(1));
        given().contentType(ContentType.JSON).body("{\"filter\":{\"groups\":[\"" + java.util.UUID.randomUUID() + "\"]}}")
                .queryParam("channel", "EMAIL").when().post("/api/v1/segments/preview").then().statusCode(400)
                .body("errors[0].field", equalTo("filter.groups"));

        String segment = Fixtures.segment()
                .filter("{\"groups\":[\"" + id + "\"],\"groupKinds\":[\"SUPPORT_GROUP\"]}").create();
        given().queryParam("channel", "EMAIL").when().get("/api/v1/segments/" + segment + "/members").then()
                .statusCode(200).body("items.id", equalTo(List.of(granted)));
        String csv = given().queryParam("channel", "EMAIL").when().get("/api/v1/segments/" + segment + "/export")
                .then().statusCode(200).extract().asString();
        assertTrue(csv.contains(granted) && !csv.contains(denied) && !csv.contains(ended), csv);
        Set<String> byKind = new TreeSet<>(given().contentType(ContentType.JSON)
                .body("{\"filter\":{\"groupKinds\":[\"SUPPORT_GROUP\"],\"contacts\":[\"" + granted + "\",\"" + outsider
                        + "\"]}}").queryParam("channel", "EMAIL").when().post("/api/v1/segments/preview").then()
                .statusCode(200).extract().jsonPath().getList("sample.id"));
        assertEquals(Set.of(granted), byKind);
    }

    private static JsonPath run(String id) {
        return given().when().get("/api/v1/analytics/runs/" + id).then().statusCode(200).extract().jsonPath();
    }

    private static JsonPath circles(String contact) {
        return given().queryParam("depth", 3).when().get("/api/v1/contacts/" + contact + "/circles").then()
                .statusCode(200).extract().jsonPath();
    }

    private static JsonPath path(String from, String to) {
        return given().queryParam("from", from).queryParam("to", to).when().get("/api/v1/paths").then()
                .statusCode(200).extract().jsonPath();
    }

    private static Object primary(String contact) {
        return given().when().get("/api/v1/contacts/" + contact + "/communities").then().statusCode(200).extract()
                .jsonPath().getList("memberships.findAll { it.primary && it.level == 0 }.communityId");
    }

}
