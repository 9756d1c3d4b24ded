package health.circles.outreach;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import health.circles.sync.GraphVersion;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A graph brought up to date by reading again only the contacts whose ties changed is the graph read whole: contacts
 * come and go, ties come and go, and the ties that end at a contact gone leave with it though nothing names them.
 */
class StoredTiesTest {

    private static final GraphVersion VERSION = new GraphVersion(1, null, LocalDate.of(2026, 1, 1));

    /** A tie as the store holds it: its far end may be a node that is no contact, or the contact itself. */
    private record Tie(UUID from, UUID to, byte flow, float strength) {
    }

    @Test
    void changedContactsReadAgainGiveTheGraphReadWhole() {
        for (int seed = 0; seed < 400; seed++) {
            Random random = new Random(seed);
            List<UUID> pool = ids(random, 40);
            Set<UUID> contacts = new TreeSet<>(pool.subList(0, 1 + random.nextInt(25)));
            List<Tie> ties = ties(random, contacts, random.nextInt(80));
            StoredTies before = whole(contacts, ties);

            // Contacts come and go; some ties leave, others arrive. Whatever leaves a contact names it as changed,
            // except the ties that end at a contact gone: an erasure may purge those rows.
            Set<UUID> after = new TreeSet<>(contacts);
            Set<UUID> gone = new HashSet<>();
            for (UUID id : contacts) {
                if (random.nextInt(6) == 0) {
                    after.remove(id);
                    gone.add(id);
                }
            }
            for (int i = 0; i < random.nextInt(4); i++) {
                after.add(pool.get(random.nextInt(pool.size())));
            }
            Set<UUID> changed = new HashSet<>();
            List<Tie> now = new ArrayList<>();
            for (Tie t : ties) {
                if (!after.contains(t.from())) {
                    continue;
                }
                if (random.nextInt(5) == 0) {
                    changed.add(t.from());
                } else {
                    now.add(t);
                }
            }
            for (Tie t : ties(random, after, random.nextInt(20))) {
                now.add(t);
                changed.add(t.from());
            }
            if (!after.isEmpty() && random.nextBoolean()) {
                changed.add(after.iterator().next()); // named without a change: reading it again changes nothing
            }
            Map<UUID, StoredTies.Out> reread = new HashMap<>();
            for (UUID id : after) {
                if (changed.contains(id) || !contacts.contains(id) || gone.contains(id)) {
                    reread.put(id, out(id, now));
                }
            }

            Set<UUID> left = new HashSet<>(gone);
            left.removeAll(after);
            List<UUID> added = new ArrayList<>(reread.keySet());
            added.addAll(contacts); // held already: no change
            assertArrayEquals(after.toArray(UUID[]::new), before.contacts(added, left), "seed " + seed);

            StoredTies patched = before.with(after.toArray(UUID[]::new), reread);

            StoredTies expected = whole(after, now);
            String context = "seed " + seed;
            assertArrayEquals(expected.msb, patched.msb, context);
            assertArrayEquals(expected.lsb, patched.lsb, context);
            assertEquals(expected.ties(), patched.ties(), context);
            same(graph(expected), graph(patched), context);
            naive(after, now, graph(patched), context);
        }
    }

    /**
     * The graph against the ties counted one by one: a tie joins two held contacts that differ, counts once in each
     * end's degree, and gives an arc each way its flow carries word.
     */
    private static void naive(Set<UUID> contacts, List<Tie> ties, InfluenceGraph graph, String context) {
        Map<UUID, Integer> degree = new HashMap<>();
        List<String> arcs = new ArrayList<>();
        long count = 0;
        for (Tie t : ties) {
            if (t.to() == null || !contacts.contains(t.to()) || t.to().equals(t.from())) {
                continue;
            }
            count++;
            degree.merge(t.from(), 1, Integer::sum);
            degree.merge(t.to(), 1, Integer::sum);
            InfluenceModel.Flow flow = InfluenceModel.Flow.values()[t.flow()];
            if (flow != InfluenceModel.Flow.BACKWARD) {
                arcs.add(t.from() + ">" + t.to() + ":" + t.strength());
            }
            if (flow != InfluenceModel.Flow.FORWARD) {
                arcs.add(t.to() + ">" + t.from() + ":" + t.strength());
            }
        }
        assertEquals(count, graph.ties, context);
        List<String> found = new ArrayList<>();
        for (int a = 0; a < graph.size(); a++) {
            assertEquals(degree.getOrDefault(graph.id(a), 0), graph.degree[a], context);
            for (int i = graph.outStart[a]; i < graph.outStart[a + 1]; i++) {
                found.add(graph.id(a) + ">" + graph.id(graph.outTo[i]) + ":" + graph.outStrength[i]);
            }
        }
        assertEquals(arcs.stream().sorted().toList(), found.stream().sorted().toList(), context);
    }

    @Test
    void aContactNewToTheGraphMustBeReadAgain() {
        UUID known = UUID.randomUUID();
        UUID fresh = UUID.randomUUID();
        StoredTies before = whole(Set.of(known), List.of());
        UUID[] both = new TreeSet<>(Set.of(known, fresh)).toArray(UUID[]::new);

        assertThrows(IllegalArgumentException.class, () -> before.with(both, Map.of()));
    }

    private static InfluenceGraph graph(StoredTies stored) {
        return stored.graph(VERSION, Instant.EPOCH, 0, InfluenceGraph.Read.FULL, 0);
    }

    private static void same(InfluenceGraph expected, InfluenceGraph actual, String context) {
        assertEquals(expected.size(), actual.size(), context);
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.id(i), actual.id(i), context);
        }
        assertEquals(expected.ties, actual.ties, context);
        assertArrayEquals(expected.degree, actual.degree, context);
        assertArrayEquals(expected.outStart, actual.outStart, context);
        assertArrayEquals(expected.outTo, actual.outTo, context);
        assertArrayEquals(expected.outStrength, actual.outStrength, context);
        assertArrayEquals(expected.inStart, actual.inStart, context);
        assertArrayEquals(expected.inFrom, actual.inFrom, context);
        assertArrayEquals(expected.inStrength, actual.inStrength, context);
    }

    /** The ties as a whole read gives them: every contact read. */
    private static StoredTies whole(Set<UUID> contacts, List<Tie> ties) {
        Map<UUID, StoredTies.Out> all = new HashMap<>();
        for (UUID id : contacts) {
            all.put(id, out(id, ties));
        }
        return StoredTies.EMPTY.with(new TreeSet<>(contacts).toArray(UUID[]::new), all);
    }

    private static StoredTies.Out out(UUID from, List<Tie> ties) {
        List<Tie> mine = ties.stream().filter(t -> t.from().equals(from)).toList();
        UUID[] ends = new UUID[mine.size()];
        byte[] flows = new byte[mine.size()];
        float[] strengths = new float[mine.size()];
        for (int i = 0; i < mine.size(); i++) {
            ends[i] = mine.get(i).to();
            flows[i] = mine.get(i).flow();
            strengths[i] = mine.get(i).strength();
        }
        return new StoredTies.Out(ends, flows, strengths);
    }

    /** Ids on both sides of zero in each half, where a signed and an unsigned order differ. */
    private static List<UUID> ids(Random random, int count) {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long m = random.nextInt(3) == 0 ? random.nextInt(3) - 1 : random.nextLong();
            ids.add(new UUID(m, random.nextLong()));
        }
        return ids;
    }

    /**
     * Ties out of held contacts: to held contacts, to themselves, to nodes that are no contact (never one later: the
     * store joins only contacts, and a stranger's id is not one), or to none (null).
     */
    private static List<Tie> ties(Random random, Set<UUID> contacts, int count) {
        List<UUID> held = new ArrayList<>(contacts);
        List<Tie> ties = new ArrayList<>();
        for (int i = 0; i < count && !held.isEmpty(); i++) {
            UUID from = held.get(random.nextInt(held.size()));
            int kind = random.nextInt(10);
            UUID to = kind == 0 ? from : kind == 1 ? null : kind == 2 ? UUID.randomUUID()
                    : held.get(random.nextInt(held.size()));
            float strength = random.nextInt(4) == 0 ? 0f : random.nextFloat();
            ties.add(new Tie(from, to, (byte) random.nextInt(InfluenceModel.Flow.values().length), strength));
        }
        return ties;
    }
}
