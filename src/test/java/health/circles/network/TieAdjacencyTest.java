package health.circles.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.sync.GraphVersion;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A copy brought up to date ({@link TieAdjacency#with}), through long runs of random changes, answers every circles
 * question as a copy built whole from the same graph does ({@link TieAdjacency.Builder}, the path a whole read takes);
 * and the copies it was brought from still answer as the graph was when they were made. The changes are those the
 * outbox names: ties created and removed (several between one pair, ended ones, ones without a type or strength),
 * contacts that come, are renamed, leave, and come back with the same id. The runs are long enough to write past the
 * arrays' room, so both ways of bringing a copy up to date are taken: in the shared arrays, and compacted.
 */
class TieAdjacencyTest {

    private static final String[] TYPES = {"FRIEND_OF", "FAMILY_OF", "TREATS", "COLLEAGUE_OF"};
    private static final String[] KINDS = {"PATIENT", "PHYSICIAN", "FAMILY"};
    private static final double[] STRENGTHS = {0.25, 0.5, 0.5, 0.75, 1.0};
    private static final LocalDate TODAY = LocalDate.of(2026, 12, 3);
    private static final LocalDate PAST = LocalDate.of(2020, 6, 1);

    @Test
    void aCopyBroughtUpToDateAnswersAsOneBuiltWhole() {
        int extended = 0;
        int compacted = 0;
        for (long seed = 1; seed <= 40; seed++) {
            Random random = new Random(seed);
            Graph graph = Graph.random(random, 20 + random.nextInt(60), random.nextInt(300));
            TieAdjacency copy = graph.build(0);
            List<TieAdjacency> copies = new ArrayList<>(List.of(copy));
            List<Graph> states = new ArrayList<>(List.of(graph.copy()));
            for (int step = 1; step <= 60; step++) {
                Change change = graph.change(random);
                TieAdjacency next = copy.with(change.reread(graph), change.gone(), version(step));
                if (next.sharesTiesWith(copy)) {
                    extended++;
                } else {
                    compacted++;
                }
                assertAnswersAs(graph.build(step), next, graph, "seed " + seed + ", step " + step);
                copy = next;
                copies.add(copy);
                states.add(graph.copy());
            }
            // The copies brought from are untouched by the later ones, which wrote into the same arrays.
            for (int i = 0; i < copies.size(); i += 7) {
                assertAnswersAs(states.get(i).build(i), copies.get(i), states.get(i), "seed " + seed + ", copy " + i);
            }
        }
        assertTrue(extended > 1000, "copies written into the shared arrays: " + extended);
        assertTrue(compacted > 20, "copies compacted: " + compacted);
    }

    @Test
    void aCopyBroughtFromAnOlderOneIsWrittenAnewAndBothStayRight() {
        Random random = new Random(7);
        Graph graph = Graph.random(random, 50, 200);
        TieAdjacency old = graph.build(0);
        Graph before = graph.copy();
        Change first = graph.change(random);
        TieAdjacency newer = old.with(first.reread(graph), first.gone(), version(1));
        assertTrue(newer.sharesTiesWith(old));
        Graph afterFirst = graph.copy();

        // A second copy from the old one may not write where the newer one did.
        Graph other = before.copy();
        Change second = other.change(random);
        TieAdjacency branch = old.with(second.reread(other), second.gone(), version(2));
        assertFalse(branch.sharesTiesWith(old), "written anew");
        assertAnswersAs(other.build(2), branch, other, "the branch");
        assertAnswersAs(afterFirst.build(1), newer, afterFirst, "the newer copy");
        assertAnswersAs(before.build(0), old, before, "the old copy");
    }

    @Test
    void aWriteThatChangesNothingHeldKeepsTheArraysAndRestamps() {
        Random random = new Random(11);
        Graph graph = Graph.random(random, 30, 80);
        TieAdjacency copy = graph.build(0);
        TieAdjacency restamped = copy.with(Map.of(), Set.of(UUID.randomUUID().toString()), version(5));
        assertNotSame(copy, restamped);
        assertEquals(5, restamped.version.appliedPosition());
        assertSame(copy.loadedAt, restamped.loadedAt);
        assertTrue(restamped.sharesTiesWith(copy));
        assertAnswersAs(copy, restamped, graph, "restamped");
    }

    private static GraphVersion version(long position) {
        return new GraphVersion(position, null, null);
    }

    /** Every contact's circles, at every depth and with each filter, and the counts, are the same in both. */
    private static void assertAnswersAs(TieAdjacency expected, TieAdjacency actual, Graph graph, String where) {
        assertEquals(expected.contacts(), actual.contacts(), where + ": contacts");
        assertEquals(expected.ties, actual.ties, where + ": ties");
        List<String> centres = new ArrayList<>(graph.contacts.keySet());
        centres.addAll(graph.left);
        centres.add(UUID.randomUUID().toString());
        for (String centre : centres) {
            assertEquals(expected.holds(centre), actual.holds(centre), where + ": holds " + centre);
            for (int depth = 1; depth <= 3; depth++) {
                assertEquals(expected.circles(centre, depth, null, null, 0, 500, TODAY, 20000, 2000),
                        actual.circles(centre, depth, null, null, 0, 500, TODAY, 20000, 2000),
                        where + ": circles of " + centre + " at depth " + depth);
            }
            assertEquals(expected.circles(centre, 2, null, null, 0, 500, PAST, 20000, 2000),
                    actual.circles(centre, 2, null, null, 0, 500, PAST, 20000, 2000), where + ": in the past");
            assertEquals(expected.circles(centre, 2, List.of("PATIENT"), List.of("FRIEND_OF", "TREATS"), 0.5, 5,
                            TODAY, 20000, 2000),
                    actual.circles(centre, 2, List.of("PATIENT"), List.of("FRIEND_OF", "TREATS"), 0.5, 5, TODAY,
                            20000, 2000), where + ": filtered");
            assertEquals(expected.circles(centre, 3, null, null, 0, 500, TODAY, 3, 2000),
                    actual.circles(centre, 3, null, null, 0, 500, TODAY, 3, 2000), where + ": rings cut");
        }
    }

    /** One tie as the graph store holds it. */
    private record Tie(String a, String b, String type, Double strength, LocalDate until, boolean unreadable) {
    }

    /** What changed in one step, as {@link GraphChanges} names it: both ends of every changed tie, and contacts. */
    private record Change(Set<String> named, Set<String> gone) {

        /** The named contacts still in the graph, read again with every tie at them. */
        Map<String, TieAdjacency.Reread> reread(Graph graph) {
            Map<String, TieAdjacency.Reread> out = new HashMap<>();
            for (String id : named) {
                String[] contact = graph.contacts.get(id);
                if (contact != null) {
                    out.put(id, new TieAdjacency.Reread(contact[0], contact[1], graph.tiesAt(id)));
                }
            }
            return out;
        }
    }

    /** The graph store, in a form a test can change and read back. */
    private static final class Graph {
        /** id: kind, name. */
        final Map<String, String[]> contacts = new LinkedHashMap<>();
        final List<Tie> ties = new ArrayList<>();
        /** Ids of contacts that left; one may come back. */
        final List<String> left = new ArrayList<>();

        static Graph random(Random random, int contacts, int ties) {
            Graph g = new Graph();
            for (int i = 0; i < contacts; i++) {
                g.addContact(random, UUID.randomUUID().toString());
            }
            for (int i = 0; i < ties; i++) {
                g.addTie(random);
            }
            return g;
        }

        Graph copy() {
            Graph g = new Graph();
            contacts.forEach((id, c) -> g.contacts.put(id, c.clone()));
            g.ties.addAll(ties);
            g.left.addAll(left);
            return g;
        }

        void addContact(Random random, String id) {
            contacts.put(id, new String[] {KINDS[random.nextInt(KINDS.length)], "name " + random.nextInt(1000)});
        }

        /** A tie between two random contacts (none when fewer than two), returned with its ends. */
        Tie addTie(Random random) {
            if (contacts.size() < 2) {
                return null;
            }
            List<String> ids = new ArrayList<>(contacts.keySet());
            String a = ids.get(random.nextInt(ids.size()));
            String b = ids.get(random.nextInt(ids.size()));
            if (a.equals(b)) {
                return null;
            }
            int odd = random.nextInt(40);
            Tie tie = new Tie(a, b, odd == 0 ? null : TYPES[random.nextInt(TYPES.length)],
                    odd == 1 ? null : STRENGTHS[random.nextInt(STRENGTHS.length)],
                    switch (random.nextInt(6)) {
                        case 0 -> LocalDate.of(2021, 1, 1);
                        case 1 -> LocalDate.of(2099, 1, 1);
                        default -> null;
                    }, odd == 2);
            ties.add(tie);
            return tie;
        }

        /** Every tie at {@code id}, by its other end, as a read of the graph store returns them. */
        List<TieAdjacency.TieRead> tiesAt(String id) {
            List<TieAdjacency.TieRead> out = new ArrayList<>();
            for (Tie t : ties) {
                if (t.a().equals(id) || t.b().equals(id)) {
                    out.add(new TieAdjacency.TieRead(t.a().equals(id) ? t.b() : t.a(), t.type(), t.strength(),
                            t.until(), t.unreadable()));
                }
            }
            Collections.shuffle(out, new Random(id.hashCode()));
            return out;
        }

        /** A random change: a few ties come and go, contacts come (with ties), are renamed, leave or come back. */
        Change change(Random random) {
            Set<String> named = new HashSet<>();
            Set<String> gone = new HashSet<>();
            int kind = random.nextInt(10);
            if (kind < 5) {
                for (int i = random.nextInt(4); i >= 0; i--) {
                    Tie t = addTie(random);
                    if (t != null) {
                        named.add(t.a());
                        named.add(t.b());
                    }
                }
                for (int i = random.nextInt(3); i > 0 && !ties.isEmpty(); i--) {
                    Tie t = ties.remove(random.nextInt(ties.size()));
                    named.add(t.a());
                    named.add(t.b());
                }
            } else if (kind < 7) {
                String id = !left.isEmpty() && random.nextBoolean() ? left.remove(random.nextInt(left.size()))
                        : UUID.randomUUID().toString();
                addContact(random, id);
                named.add(id);
                for (int i = random.nextInt(4); i > 0; i--) {
                    List<String> ids = new ArrayList<>(contacts.keySet());
                    String other = ids.get(random.nextInt(ids.size()));
                    if (!other.equals(id)) {
                        ties.add(new Tie(id, other, TYPES[random.nextInt(TYPES.length)], 0.5, null, false));
                        named.add(other);
                    }
                }
            } else if (kind < 8 && !contacts.isEmpty()) {
                List<String> ids = new ArrayList<>(contacts.keySet());
                String id = ids.get(random.nextInt(ids.size()));
                contacts.get(id)[1] = "renamed " + random.nextInt(1000);
                named.add(id);
            } else if (contacts.size() > 2) {
                // A contact leaves with every tie at it; the outbox names it, its ties' other ends are not named.
                List<String> ids = new ArrayList<>(contacts.keySet());
                String id = ids.get(random.nextInt(ids.size()));
                contacts.remove(id);
                ties.removeIf(t -> t.a().equals(id) || t.b().equals(id));
                left.add(id);
                if (random.nextBoolean()) {
                    gone.add(id); // erased: the register names it
                } else {
                    named.add(id); // named, and not found when read again
                    gone.add(id);
                }
            }
            return new Change(named, gone);
        }

        /** The graph built whole, as a read of the graph store does, in no particular order. */
        TieAdjacency build(long position) {
            TieAdjacency.Builder builder = new TieAdjacency.Builder();
            List<String> ids = new ArrayList<>(contacts.keySet());
            Collections.shuffle(ids, new Random(position));
            for (String id : ids) {
                builder.contact(id, contacts.get(id)[0], contacts.get(id)[1]);
            }
            for (Tie t : ties) {
                builder.tie(t.a(), t.b(), t.type(), t.strength(), t.until(), t.unreadable());
            }
            return builder.build(version(position), Instant.EPOCH);
        }
    }
}
