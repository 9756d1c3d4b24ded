package health.circles.demo;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import health.circles.AsRole;
import health.circles.imports.ImportFormat;
import health.circles.imports.ImportService;
import health.circles.imports.ImportState;
import health.circles.synthetic.ImportFiles;
import health.circles.synthetic.SyntheticNetwork;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The demo network comes with groups: households of one family, congregations, care teams. */
@QuarkusTest
@AsRole("admin")
class DemoGroupsTest {

    @Inject
    DemoData demo;

    @Inject
    ImportService imports;

    @Inject
    ObjectMapper json;

    @Inject
    io.agroal.api.AgroalDataSource db;

    @Inject
    health.circles.security.Callers callers;

    @Test
    void theDemoNetworkHasHouseholdsCongregationsAndCareTeams() throws Exception {
        String prefix = "demo-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        SyntheticNetwork network = new SyntheticNetwork(SyntheticNetwork.Spec.of(600, 1800, 0.1, 7).withPrefix(prefix));
        Path file = Files.createTempFile("demo-groups", ".ndjson");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file));
             ImportFiles.Ndjson sink = new ImportFiles.Ndjson(json, out)) {
            network.generate(sink);
        }
        UUID job = imports.submitFile(file, ImportFormat.NDJSON).id();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> imports.get(job).state() == ImportState.SUCCEEDED);

        // As the start-up does it: the demo's own work, as an integration (it finds contacts by their external ids,
        // which only a caller who sees records whole may).
        int made = callers.asIntegration("demo", () -> demo.makeGroups(network));
        assertTrue(made > 0);

        // Our groups: those with a member of this network (other tests' groups share the database).
        Map<String, Long> byKind = new java.util.HashMap<>();
        List<String> households = new java.util.ArrayList<>();
        try (var c = db.getConnection(); var q = c.prepareStatement("""
                SELECT DISTINCT g.id::text, g.kind FROM contact_group g
                JOIN group_membership m ON m.group_id = g.id JOIN contact k ON k.id = m.contact_id
                WHERE k.external_id LIKE ?""")) {
            q.setString(1, prefix + "%");
            try (var r = q.executeQuery()) {
                while (r.next()) {
                    byKind.merge(r.getString(2), 1L, Long::sum);
                    if (r.getString(2).equals("HOUSEHOLD")) {
                        households.add(r.getString(1));
                    }
                }
            }
        }
        assertEquals(made, byKind.values().stream().mapToLong(Long::longValue).sum(), byKind.toString());
        assertTrue(byKind.getOrDefault("HOUSEHOLD", 0L) > 0 && byKind.getOrDefault("CONGREGATION", 0L) > 0
                && byKind.getOrDefault("CARE_TEAM", 0L) > 0, byKind.toString());

        // A household is one family with one head, and the API shows it like any group.
        String household = households.get(0);
        String name = given().get("/api/v1/groups/" + household).then().statusCode(200).extract().path("name");
        List<Map<String, Object>> members = given().get("/api/v1/groups/" + household + "/members").then()
                .statusCode(200).extract().path("items");
        assertTrue(members.size() >= 2);
        assertTrue(members.stream().allMatch(m -> name.equals(((Map<?, ?>) m.get("contact")).get("familyName")
                + " household")), name + ": " + members);
        assertEquals(1, members.stream().filter(m -> "head".equals(m.get("role"))).count());
    }
}
