package health.circles.network;

import static health.circles.Fixtures.contact;
import static health.circles.Fixtures.tie;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.Fixtures;
import io.restassured.response.Response;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Circles from the copy of the graph in memory ({@link TieAdjacency}, {@link CirclesMemory}) are the circles the
 * graph store's walk finds ({@link NetworkGraph}), on a generated network with the cases that decide an answer: equal
 * strengths (the way and the order are then decided by ids), several ties between one pair, ended and future-ended
 * ties, directed ties walked against their direction, ties without a strength-admitting type; and a copy is never
 * used once the graph has moved on.
 */
@QuarkusTest
@AsRole("admin")
class CirclesMemoryTest {

    private static final String[] TYPES = {"FRIEND_OF", "FAMILY_OF", "COLLEAGUE_OF", "NEIGHBOR_OF", "TREATS"};
    private static final double[] STRENGTHS = {0.25, 0.5, 0.5, 0.75, 1.0};

    @Inject
    CirclesMemory memory;

    @Inject
    NetworkGraph graph;

    @Inject
    GraphProbe probe;

    @Test
    void theCopyWalksAsTheGraphStoreDoes() {
        Random random = new Random(20261130);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ids.add(i % 4 == 0 ? contact().physician().create().id() : contact().patient().create().id());
        }
        for (int i = 0; i < 110; i++) {
            String a = ids.get(random.nextInt(ids.size()));
            String b = ids.get(random.nextInt(ids.size()));
            if (a.equals(b)) {
                continue;
            }
            String type = TYPES[random.nextInt(TYPES.length)];
            var fixture = tie(a, b).type(type).declaredStrength(STRENGTHS[random.nextInt(STRENGTHS.length)]);
            switch (random.nextInt(6)) {
                case 0 -> fixture.since("2019-01-01").until("2021-01-01"); // ended
                case 1 -> fixture.until("2099-01-01"); // ends later
                default -> { }
            }
            // Another tie of another type between the same pair now and then: both count, each once.
            fixture.post();
            if (random.nextInt(8) == 0) {
                tie(b, a).type("FRIEND_OF".equals(type) ? "FAMILY_OF" : "FRIEND_OF").declaredStrength(0.5).post();
            }
        }
        probe.caughtUp();
        TieAdjacency copy = memory.read();

        assertWalksAsTheStore(copy, ids);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        // A contact the copy does not hold has no circles there either.
        assertEquals(new NetworkGraph.Found(List.of(), false, null),
                copy.circles("00000000-0000-0000-0000-000000000000", 2, null, null, 0, 500, today, 20000, 2000));
    }

    @Test
    void aCopyBroughtUpToDateWalksAsTheGraphStoreDoes() {
        Random random = new Random(20261203);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(i % 5 == 0 ? contact().physician().create().id() : contact().patient().create().id());
        }
        List<Fixtures.Created> ties = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            String a = ids.get(random.nextInt(ids.size()));
            String b = ids.get(random.nextInt(ids.size()));
            if (!a.equals(b)) {
                var fixture = tie(a, b).type(TYPES[random.nextInt(TYPES.length)])
                        .declaredStrength(STRENGTHS[random.nextInt(STRENGTHS.length)]);
                if (random.nextInt(6) == 0) {
                    fixture.since("2019-01-01").until("2021-01-01");
                }
                Response created = fixture.post();
                if (created.statusCode() == 201) {
                    ties.add(new Fixtures.Created(created.jsonPath().getString("id"), created.header("ETag"),
                            created.header("Location")));
                }
            }
        }
        probe.caughtUp();
        TieAdjacency copy = memory.read();

        // Contacts come, one is renamed, ties come and go, and one contact is erased with its ties.
        for (int i = 0; i < 4; i++) {
            String fresh = contact().patient().create().id();
            tie(fresh, ids.get(random.nextInt(ids.size()))).type("FRIEND_OF").declaredStrength(0.75).create();
            ids.add(fresh);
        }
        for (int i = 0; i < 6; i++) {
            Fixtures.Created gone = ties.remove(random.nextInt(ties.size()));
            given().header("If-Match", gone.etag()).when().delete("/api/v1/ties/" + gone.id()).then().statusCode(204);
        }
        Fixtures.Created renamed = contact().patient().named("Before", "Rename").create();
        tie(renamed.id(), ids.get(0)).type("FAMILY_OF").declaredStrength(1.0).create();
        ids.add(renamed.id());
        probe.caughtUp();
        TieAdjacency between = memory.update(copy).orElseThrow();
        given().contentType("application/merge-patch+json").header("If-Match", renamed.etag())
                .body("{\"givenName\":\"After\"}").when().patch("/api/v1/contacts/" + renamed.id())
                .then().statusCode(200);
        String erased = ids.remove(1);
        given().when().post("/api/v1/contacts/{id}/erasure", erased).then().statusCode(204);
        probe.caughtUp();

        TieAdjacency updated = memory.update(between).orElseThrow();

        assertFalse(updated.holds(erased), "the erased contact is gone");
        assertEquals(copy.loadedAt, updated.loadedAt, "the whole read's age still bounds the copy's");
        assertTrue(updated.circles(ids.get(0), 1, null, null, 0, 500, LocalDate.now(ZoneOffset.UTC), 20000, 2000)
                .members().stream().anyMatch(m -> m.displayName() != null && m.displayName().startsWith("After")),
                "the new name is held");
        assertWalksAsTheStore(updated, ids);
    }

    @Test
    void aCopyIsUsedOnlyWhileTheGraphHasNotMovedOn() {
        CirclesApiTest.Neighbourhood n = CirclesApiTest.Neighbourhood.build();
        awaitCopy(n.centre());
        long before = memory.answered();
        var circles = CirclesApiTest.circles(n.centre(), Map.of("depth", 2));
        assertEquals(memory.answered(), before + 1, "answered from memory");
        assertEquals(List.of(n.a(), n.d(), n.f()), circles.getList("rings[0].members.id"));
        assertEquals(List.of(n.b(), n.e()), circles.getList("rings[1].members.id"));

        // A new tie: the next question names it at once. The copy is behind; the question waits while it is brought
        // up to date (update-wait), and is answered from it.
        String g = contact().patient().create().id();
        tie(n.centre(), g).type("FRIEND_OF").declaredStrength(1.0).create();
        before = memory.answered();
        circles = CirclesApiTest.circles(n.centre(), Map.of("depth", 1));
        assertEquals(List.of(g, n.a(), n.d(), n.f()), circles.getList("rings[0].members.id"));
        assertEquals(before + 1, memory.answered(), "answered from the copy brought up to date");

        // The copy names it for the next question too; an erasure then takes the contact out of the very next answer.
        before = memory.answered();
        assertEquals(List.of(g, n.a(), n.d(), n.f()),
                CirclesApiTest.circles(n.centre(), Map.of("depth", 1)).getList("rings[0].members.id"));
        assertEquals(before + 1, memory.answered());
        given().when().post("/api/v1/contacts/" + n.a() + "/erasure").then().statusCode(204);
        assertFalse(memory.holdsCopy(), "the copy, which holds the erased contact's name, is let go with the erasure");
        circles = CirclesApiTest.circles(n.centre(), Map.of("depth", 2));
        assertFalse(circles.prettify().contains(n.a()), "the erased contact is in no ring");
        assertEquals(List.of(g, n.d(), n.f()), circles.getList("rings[0].members.id"));
    }

    @Test
    void aCopyAskedForIsKeptWarmSoThatTheNextQuestionFindsItCurrent() {
        CirclesApiTest.Neighbourhood n = CirclesApiTest.Neighbourhood.build();
        awaitCopy(n.centre());
        String g = contact().patient().create().id();
        tie(n.centre(), g).type("FRIEND_OF").declaredStrength(1.0).create();
        probe.caughtUp();
        assertFalse(memory.isCurrent(), "behind after the write");

        memory.keepWarm();

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!memory.isCurrent()) {
            assertTrue(System.nanoTime() < deadline, "brought up to date in the background, without a question");
            pause();
        }
        long before = memory.answered();
        assertTrue(CirclesApiTest.circles(n.centre(), Map.of("depth", 1)).getList("rings[0].members.id").contains(g));
        assertEquals(before + 1, memory.answered(), "answered from memory");
    }

    /** The copy answers every centre's circles, at every depth and with every filter, as the graph store does. */
    private void assertWalksAsTheStore(TieAdjacency copy, List<String> ids) {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate past = LocalDate.of(2020, 6, 1); // the ended ties were active then
        int compared = 0;
        int nonEmpty = 0;
        for (String centre : ids) {
            for (int depth = 1; depth <= 3; depth++) {
                List<Object[]> variants = List.of(
                        new Object[] {null, null, 0.0, 500, today, 20000},
                        new Object[] {null, null, 0.0, 500, past, 20000},
                        new Object[] {List.of("PATIENT"), null, 0.0, 500, today, 20000},
                        new Object[] {null, List.of("FRIEND_OF", "TREATS"), 0.0, 500, today, 20000},
                        new Object[] {null, null, 0.5, 500, today, 20000},
                        new Object[] {null, null, 0.0, 3, today, 20000},
                        new Object[] {List.of("PHYSICIAN"), null, 0.0, 2, today, 20000},
                        new Object[] {null, null, 0.0, 500, today, 2});
                for (Object[] v : variants) {
                    @SuppressWarnings("unchecked") List<String> kinds = (List<String>) v[0];
                    @SuppressWarnings("unchecked") List<String> types = (List<String>) v[1];
                    double min = (double) v[2];
                    int limit = (int) v[3];
                    LocalDate day = (LocalDate) v[4];
                    int maxRing = (int) v[5];
                    NetworkGraph.Found expected = graph.circles(centre, depth, kinds, types, min, limit, day, maxRing);
                    NetworkGraph.Found actual = copy.circles(centre, depth, kinds, types, min, limit, day, maxRing,
                            2000);
                    assertEquals(expected, actual, "circles of " + centre + " with " + Arrays.toString(v)
                            + " at depth " + depth);
                    compared++;
                    nonEmpty += expected.members().isEmpty() ? 0 : 1;
                }
            }
        }
        assertTrue(nonEmpty > compared / 2, "most questions find someone: " + nonEmpty + " of " + compared);
    }

    /** Asks for circles until the copy in memory is current (each stale question starts a read of the graph). */
    private void awaitCopy(String centre) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!memory.isCurrent()) {
            assertTrue(System.nanoTime() < deadline, "the graph was read into memory within a minute");
            CirclesApiTest.circles(centre, Map.of("depth", 1));
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
