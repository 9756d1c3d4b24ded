package health.circles.contact;

import static health.circles.Fixtures.contact;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** If-Match, and what happens when several clients write one contact at once. */
@QuarkusTest
@AsRole("admin")
class ContactConcurrencyTest {

    @Test
    void staleIfMatchIs412AndChangesNothing() {
        String id = contact().patient().named("Ruth", "Kim").create().id();
        given().contentType("application/merge-patch+json").header("If-Match", "\"0\"").body("{\"city\":\"Harbor\"}")
                .when().patch("/api/v1/contacts/{id}", id)
                .then().statusCode(200).header("ETag", equalTo("\"1\""));

        given().contentType("application/merge-patch+json").header("If-Match", "\"0\"").body("{\"city\":\"Eastside\"}")
                .when().patch("/api/v1/contacts/{id}", id)
                .then().statusCode(412)
                .contentType("application/problem+json")
                .body("type", equalTo("https://circles.health/problems/stale-version"))
                .body("status", equalTo(412));
        given().contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body(contact().patient().named("Ruth", "Kim").body())
                .when().put("/api/v1/contacts/{id}", id)
                .then().statusCode(412);
        given().header("If-Match", "\"0\"")
                .when().delete("/api/v1/contacts/{id}", id)
                .then().statusCode(412);
        given().when().get("/api/v1/contacts/{id}", id)
                .then().statusCode(200).header("ETag", equalTo("\"1\"")).body("city", equalTo("Harbor"));
    }

    @Test
    void matchingIfMatchIsAcceptedAndStarIsRefused() {
        String id = contact().patient().named("Ruth", "Kim").create().id();
        String etag = given().when().get("/api/v1/contacts/{id}", id).then().extract().header("ETag");
        given().contentType(ContentType.JSON).header("If-Match", etag)
                .body(contact().patient().named("Ruth", "Kimura").body())
                .when().put("/api/v1/contacts/{id}", id)
                .then().statusCode(200).header("ETag", equalTo("\"1\"")).body("familyName", equalTo("Kimura"));
        // "*" would overwrite whatever is there: the blind write If-Match is required to prevent.
        given().contentType("application/merge-patch+json").header("If-Match", "*").body("{\"city\":\"Harbor\"}")
                .when().patch("/api/v1/contacts/{id}", id)
                .then().statusCode(428).body("type", equalTo("https://circles.health/problems/precondition-required"));
        given().contentType("application/merge-patch+json").header("If-Match", "\"1\"").body("{\"city\":\"Harbor\"}")
                .when().patch("/api/v1/contacts/{id}", id)
                .then().statusCode(200).header("ETag", equalTo("\"2\""));
        given().header("If-Match", "\"2\"")
                .when().delete("/api/v1/contacts/{id}", id)
                .then().statusCode(204);
    }

    @Test
    void weakOrForeignEntityTagsNeverMatch() {
        String id = contact().patient().named("Ruth", "Kim").create().id();
        for (String tag : List.of("W/\"0\"", "\"abc\"", "0, 1")) {
            given().contentType("application/merge-patch+json").header("If-Match", tag).body("{\"city\":\"Harbor\"}")
                    .when().patch("/api/v1/contacts/{id}", id)
                    .then().statusCode(412).contentType("application/problem+json");
        }
    }

    @Test
    void writersWithTheSameVersionCannotBothWin() throws Exception {
        String id = contact().patient().named("Ruth", "Kim").create().id();
        int writers = 6;
        List<Integer> statuses = concurrently(writers, i -> given().contentType("application/merge-patch+json")
                .header("If-Match", "\"0\"").body(Map.of("city", "City " + i))
                .when().patch("/api/v1/contacts/{id}", id)
                .then().extract().statusCode());
        assertEquals(1, statuses.stream().filter(s -> s == 200).count(), "exactly one writer wins: " + statuses);
        assertEquals(writers - 1, statuses.stream().filter(s -> s == 412).count(), "the others are told: " + statuses);
        given().when().get("/api/v1/contacts/{id}", id).then().header("ETag", equalTo("\"1\""));
    }

    @Test
    void concurrentReadModifyWriteLosesNoUpdate() throws Exception {
        String id = contact().patient().named("Ruth", "Kim").create().id();
        int writers = 6;
        List<Integer> attempts = concurrently(writers, i -> {
            // Each client adds its own tag to whatever tags it read, retrying on 412 as a client should.
            for (int attempt = 1; attempt <= 50; attempt++) {
                Response read = given().when().get("/api/v1/contacts/{id}", id);
                List<String> tags = new ArrayList<>(read.path("tags"));
                tags.add("writer-" + i);
                int status = given().contentType("application/merge-patch+json").header("If-Match", read.header("ETag"))
                        .body(Map.of("tags", tags))
                        .when().patch("/api/v1/contacts/{id}", id)
                        .then().extract().statusCode();
                if (status == 200) {
                    return attempt;
                }
                assertEquals(412, status);
            }
            throw new AssertionError("writer " + i + " never got through");
        });
        assertEquals(writers, attempts.size());
        given().when().get("/api/v1/contacts/{id}", id)
                .then().statusCode(200)
                .header("ETag", equalTo("\"" + writers + "\""))
                .body("tags", hasItems("writer-0", "writer-1", "writer-2", "writer-3", "writer-4", "writer-5"));
    }

    @Test
    void concurrentPatchesWithoutIfMatchAreAllRefusedAndChangeNothing() throws Exception {
        String id = contact().patient().named("Ruth", "Kim").create().id();
        List<Map<String, Object>> patches = List.of(Map.of("city", "Harbor"), Map.of("email", "ruth@example.org"),
                Map.of("phone", "+1 555 010 2030"), Map.of("postalCode", "ab1 2cd"), Map.of("doNotContact", true),
                Map.of("externalId", "ehr-" + Fixtures.uniqueTag()));
        List<Integer> statuses = concurrently(patches.size(), i -> given()
                .contentType("application/merge-patch+json").body(patches.get(i))
                .when().patch("/api/v1/contacts/{id}", id)
                .then().extract().statusCode());
        assertTrue(statuses.stream().allMatch(s -> s == 428), "every patch needs If-Match: " + statuses);
        given().when().get("/api/v1/contacts/{id}", id)
                .then().statusCode(200)
                .header("ETag", equalTo("\"0\""))
                .body("city", equalTo(null))
                .body("doNotContact", equalTo(false));
    }

    /** Runs {@code n} tasks at once (released together) and returns their results in task order. */
    private static <T> List<T> concurrently(int n, Task<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                Callable<T> call = () -> {
                    start.await();
                    return task.run(index);
                };
                futures.add(pool.submit(call));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    private interface Task<T> {
        T run(int index) throws Exception;
    }
}
