package health.circles.network;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;
import net.jqwik.engine.SourceOfRandomness;
import org.junit.jupiter.api.Test;

/**
 * Generated codes, names and descriptions, nasty ones among them (NUL, other control characters, unpaired surrogates,
 * look-alike letters, injections, huge texts): the registry takes what is UPPER_SNAKE and new, refuses the rest with a
 * 4xx problem, never fails, and keeps nothing of what it refused. jqwik's engine cannot run inside the Quarkus test
 * application, so its arbitraries are sampled from a fixed seed in a JUnit test.
 */
@QuarkusTest
@AsRole("admin")
class RelationshipTypePropertyTest {

    private static final long SEED = 20261130L;
    private static final int REQUESTS = 120;

    private static final List<String> NASTY = List.of("\u0000", "A\u0000B", "A\u0085B", "A\u007fB", "\ud800",
            "A\udc00B", "AB\n", " AB", "a_b", "Ab", "A__B", "_AB", "AB_", "1AB", "A-B", "A B", "ÄB", "ＡＢ", "AΒ",
            "A'; DROP TABLE tie; --", "A\") RETURN 1 //", "${jndi:ldap://x}", "A".repeat(41), "A".repeat(10_000),
            "TREATS", "CHILD_OF", "FAMILY_OF", "");

    private static Arbitrary<String> names() {
        return Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.of(NASTY)),
                Tuple.of(3, Arbitraries.strings().all().ofMaxLength(45)),
                Tuple.of(1, Arbitraries.chars().range('\uD800', '\uDFFF').map(c -> "S" + c)),
                Tuple.of(4, Arbitraries.strings().withCharRange('A', 'Z').ofMinLength(1).ofMaxLength(12)
                        .map(s -> "P_" + s + "_" + UUID.randomUUID().toString().substring(0, 6).toUpperCase(Locale.ROOT))));
    }

    @Test
    void generatedTypesAreTakenWhenWellFormedAndNewAndRefusedCleanlyOtherwise() {
        SourceOfRandomness.create(Long.toString(SEED));
        Iterator<String> names = names().sampleStream().iterator();
        Iterator<Boolean> flips = Arbitraries.of(true, false).sampleStream().iterator();
        int before = count();
        List<String> created = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            String code = names.next();
            boolean symmetric = flips.next();
            StringBuilder body = new StringBuilder("{\"code\":").append(json(code))
                    .append(",\"fromKinds\":[\"PATIENT\"],\"toKinds\":[\"PATIENT\"],\"symmetric\":").append(symmetric);
            if (flips.next()) {
                body.append(",\"forwardName\":").append(json(names.next()));
            }
            if (!symmetric || flips.next()) {
                body.append(",\"reverseName\":").append(json(names.next()));
            }
            if (flips.next()) {
                body.append(",\"description\":").append(json(names.next()));
            }
            body.append('}');
            Response answer = given().contentType("application/json")
                    .body(body.toString().getBytes(StandardCharsets.UTF_8)).when().post("/api/v1/relationship-types");
            int status = answer.statusCode();
            if (status == 201) {
                created.add(answer.path("code"));
                if (!code.equals(answer.path("code"))) {
                    failures.add("stored another code than sent: " + body);
                }
            } else if (!List.of(400, 409, 422).contains(status)
                    || !answer.contentType().startsWith("application/problem+json")) {
                failures.add(status + " " + answer.contentType() + " for " + body + ": " + answer.asString());
            }
        }
        assertEquals(List.of(), failures);
        assertTrue(!created.isEmpty(), "some generated types were well formed");
        assertEquals(before + created.size(), count(), "refused types left nothing behind");
        for (String code : created) {
            given().when().get("/api/v1/relationship-types/" + code).then().statusCode(200);
            assertTrue(code.matches(RelationshipTypes.NAME) && code.length() <= RelationshipTypes.NAME_MAX, code);
        }

        // Renaming with the same inputs: a well-formed new name is taken, anything else refused without a trace.
        String target = created.get(0);
        for (int i = 0; i < 40; i++) {
            String etag = given().when().get("/api/v1/relationship-types/" + target).then().statusCode(200)
                    .extract().header("ETag");
            String field = flips.next() ? "description" : "forwardName";
            Response answer = given().contentType("application/merge-patch+json").header("If-Match", etag)
                    .body(("{\"" + field + "\":" + json(names.next()) + "}").getBytes(StandardCharsets.UTF_8))
                    .when().patch("/api/v1/relationship-types/" + target);
            assertTrue(List.of(200, 400, 409, 422).contains(answer.statusCode()), answer.statusCode() + " "
                    + answer.asString());
        }
        assertEquals(before + created.size(), count());
        for (String code : created) { // unused added types go, so that later runs start from the same registry
            String etag = given().when().get("/api/v1/relationship-types/" + code).then().extract().header("ETag");
            given().header("If-Match", etag).when().delete("/api/v1/relationship-types/" + code).then().statusCode(204);
        }
        assertEquals(before, count());
    }

    private static int count() {
        int n = 0;
        String cursor = null;
        do {
            var request = given().queryParam("limit", 200);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            var page = request.when().get("/api/v1/relationship-types").then().statusCode(200).extract().jsonPath();
            n += page.getList("items").size();
            cursor = page.getString("next");
        } while (cursor != null);
        return n;
    }

    /** A JSON string with every character outside printable ASCII escaped, unpaired surrogates included. */
    private static String json(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
