package health.circles.outreach;

import health.circles.sync.GraphVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The active ties as the graph store holds them, by the contact they leave: what an {@link InfluenceGraph} is made of,
 * kept beside it so that a change to a few contacts' ties costs a read of those contacts, not of the whole graph
 * ({@link #with}). Contacts are numbered 0..n-1 in {@link UUID#compareTo} order; a tie keeps its far end's number,
 * its type's flow and its strength. Ties to a contact not held, and ties from a contact to itself, are not kept.
 */
final class StoredTies {

    /** No contacts, no ties: what {@link #with} builds a graph from when it reads every contact. */
    static final StoredTies EMPTY = new StoredTies(new long[0], new long[0], new int[1], new int[0], new byte[0],
            new float[0], 0);

    private static final InfluenceModel.Flow[] FLOWS = InfluenceModel.Flow.values();

    /** Contact ids, ascending: most and least significant halves. */
    final long[] msb;
    final long[] lsb;
    /** Contact i's ties are {@code start[i]} to {@code start[i + 1]} - 1. */
    final int[] start;
    final int[] to;
    final byte[] flow;
    final float[] strength;
    /** Contact nodes the store holds that are not contacts this service wrote (no id of its own): not read. */
    final int strangers;

    StoredTies(long[] msb, long[] lsb, int[] start, int[] to, byte[] flow, float[] strength, int strangers) {
        this.strangers = strangers;
        this.msb = msb;
        this.lsb = lsb;
        this.start = start;
        this.to = to;
        this.flow = flow;
        this.strength = strength;
    }

    /** One contact's active ties as read from the graph store: far ends by id, flows by ordinal, strengths. */
    record Out(UUID[] ends, byte[] flows, float[] strengths) {

        static final Out NONE = new Out(new UUID[0], new byte[0], new float[0]);
    }

    int size() {
        return msb.length;
    }

    int ties() {
        return to.length;
    }

    UUID id(int number) {
        return new UUID(msb[number], lsb[number]);
    }

    /** The number of a contact, or -1 when it is not held. */
    int number(UUID id) {
        return search(msb, lsb, msb.length, id.getMostSignificantBits(), id.getLeastSignificantBits());
    }

    /** The contacts held, less {@code gone}, with {@code added}: ascending and distinct, as {@link #with} takes them. */
    UUID[] contacts(Collection<UUID> added, Set<UUID> gone) {
        UUID[] extra = added.stream().filter(id -> number(id) < 0 && !gone.contains(id)).distinct().sorted()
                .toArray(UUID[]::new);
        List<UUID> out = new ArrayList<>(size() + extra.length);
        int e = 0;
        for (int i = 0; i < size(); i++) {
            UUID id = id(i);
            while (e < extra.length && extra[e].compareTo(id) < 0) {
                out.add(extra[e++]);
            }
            if (!gone.contains(id)) {
                out.add(id);
            }
        }
        while (e < extra.length) {
            out.add(extra[e++]);
        }
        return out.toArray(UUID[]::new);
    }

    /**
     * These ties as they are once the graph holds exactly {@code contacts} (ascending, distinct) and the contacts in
     * {@code reread} have the ties read for them: every other contact keeps its ties, less those to a contact gone.
     * A contact not held before must be in {@code reread} (it has no ties here to keep).
     */
    StoredTies with(UUID[] contacts, Map<UUID, Out> reread) {
        int n = contacts.length;
        long[] m = new long[n];
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
            m[i] = contacts[i].getMostSignificantBits();
            l[i] = contacts[i].getLeastSignificantBits();
            if (i > 0 && contacts[i - 1].compareTo(contacts[i]) >= 0) {
                throw new IllegalArgumentException("contacts must be ascending and distinct");
            }
        }
        int[] renumbered = renumbering(m, l);
        int[] before = new int[n];
        Arrays.fill(before, -1);
        for (int old = 0; old < renumbered.length; old++) {
            if (renumbered[old] >= 0) {
                before[renumbered[old]] = old;
            }
        }
        int[] newStart = new int[n + 1];
        int capacity = to.length;
        for (Out out : reread.values()) {
            capacity += out.ends().length;
        }
        int[] newTo = new int[capacity];
        byte[] newFlow = new byte[capacity];
        float[] newStrength = new float[capacity];
        int size = 0;
        for (int i = 0; i < n; i++) {
            Out out = reread.get(contacts[i]);
            if (out != null) {
                for (int t = 0; t < out.ends().length; t++) {
                    UUID end = out.ends()[t];
                    int b = end == null ? -1
                            : search(m, l, n, end.getMostSignificantBits(), end.getLeastSignificantBits());
                    if (b >= 0 && b != i) {
                        newTo[size] = b;
                        newFlow[size] = out.flows()[t];
                        newStrength[size] = out.strengths()[t];
                        size++;
                    }
                }
            } else if (before[i] >= 0) {
                int old = before[i];
                for (int t = start[old]; t < start[old + 1]; t++) {
                    int b = renumbered[to[t]];
                    if (b >= 0) {
                        newTo[size] = b;
                        newFlow[size] = flow[t];
                        newStrength[size] = strength[t];
                        size++;
                    }
                }
            } else {
                throw new IllegalArgumentException("contact " + contacts[i] + " is new and was not read");
            }
            newStart[i + 1] = size;
        }
        return new StoredTies(m, l, newStart, Arrays.copyOf(newTo, size), Arrays.copyOf(newFlow, size),
                Arrays.copyOf(newStrength, size), strangers);
    }

    /** The influence graph of these ties: one or two arcs each, by its type's flow. */
    InfluenceGraph graph(GraphVersion version, Instant readAt, long loadMillis, InfluenceGraph.Read read,
                         int reread) {
        int n = size();
        int arcs = 0;
        for (byte f : flow) {
            arcs += FLOWS[f] == InfluenceModel.Flow.BOTH ? 2 : 1;
        }
        int[] from = new int[arcs];
        int[] arcTo = new int[arcs];
        float[] arcStrength = new float[arcs];
        int[] degree = new int[n];
        int size = 0;
        for (int a = 0; a < n; a++) {
            for (int t = start[a]; t < start[a + 1]; t++) {
                int b = to[t];
                float s = strength[t];
                degree[a]++;
                degree[b]++;
                InfluenceModel.Flow f = FLOWS[flow[t]];
                if (f != InfluenceModel.Flow.BACKWARD) {
                    from[size] = a;
                    arcTo[size] = b;
                    arcStrength[size++] = s;
                }
                if (f != InfluenceModel.Flow.FORWARD) {
                    from[size] = b;
                    arcTo[size] = a;
                    arcStrength[size++] = s;
                }
            }
        }
        return new InfluenceGraph(this, from, arcTo, arcStrength, arcs, degree, version, readAt, loadMillis, read,
                reread);
    }

    /** For each contact held now, its number among {@code m}/{@code l} (ascending), or -1 when it is not there. */
    private int[] renumbering(long[] m, long[] l) {
        int[] renumbered = new int[size()];
        int j = 0;
        for (int i = 0; i < renumbered.length; i++) {
            while (j < m.length && compare(m[j], l[j], msb[i], lsb[i]) < 0) {
                j++;
            }
            renumbered[i] = j < m.length && m[j] == msb[i] && l[j] == lsb[i] ? j : -1;
        }
        return renumbered;
    }

    /** {@link UUID#compareTo} on halves: signed, most significant first. */
    static int compare(long m1, long l1, long m2, long l2) {
        return m1 != m2 ? Long.compare(m1, m2) : Long.compare(l1, l2);
    }

    /** Where (m, l) is among the first n ids, by halves; -1 when it is not. */
    static int search(long[] msb, long[] lsb, int n, long m, long l) {
        int lo = 0;
        int hi = n - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = compare(msb[mid], lsb[mid], m, l);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }
}
