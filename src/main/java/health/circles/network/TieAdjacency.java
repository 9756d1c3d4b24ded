package health.circles.network;

import health.circles.sync.GraphVersion;
import health.circles.web.Ids;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Every contact and tie of the graph store, in memory, in the shape a walk of circles needs: contacts numbered in the
 * order of their ids (the order Cypher sorts them), and each contact's ties as one slice of flat arrays (neighbour,
 * strength, type, end date), every tie under both of its ends. Immutable once built; {@link CirclesMemory} keeps the
 * latest one and says when it is current.
 *
 * <p>{@link #circles} answers exactly as {@link NetworkGraph#circles} does in Cypher, ring by ring: the same active
 * rule ({@link ActiveTie}: no end date, or one after the day), the same filters, the same strongest path and its
 * way, the same order (strength, then id; the way and the types by strength, then the way's id, then the type).
 * {@code CirclesMemoryTest} compares the two on a generated network.
 */
final class TieAdjacency {

    /** No end date: open on every day. */
    private static final int OPEN = Integer.MAX_VALUE;
    /** An end date Cypher cannot compare with a date: never active (it does not arise from the relay). */
    private static final int NEVER = Integer.MIN_VALUE;

    private final String[] ids;
    /** The same ids parsed once, for the answers (null for a node whose id is not a UUID: not a contact of ours). */
    private final UUID[] uuids;
    private final String[] kinds;
    private final String[] names;
    /** Contact i's ties are positions offsets[i] to offsets[i + 1] of the arrays below. */
    private final int[] offsets;
    private final int[] neighbours;
    /** NaN for a tie without a strength: no minimum admits it, as in Cypher. */
    private final double[] strengths;
    /** Index into {@link #typeNames}; -1 for a tie without a type. */
    private final short[] types;
    /** The first day the tie is no longer active, as an epoch day; {@link #OPEN} when it has no end. */
    private final int[] untils;
    private final String[] typeNames;
    final GraphVersion version;
    /** When the whole graph was last read; copies brought up to date since keep it. */
    final Instant loadedAt;
    final long ties;
    /** Contact nodes without an id (not written by the relay): not held, but counted by the store. */
    final int withoutId;

    private TieAdjacency(Builder b, GraphVersion version, Instant loadedAt) {
        withoutId = b.withoutId;
        int n = b.contacts;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> b.ids.get(x).compareTo(b.ids.get(y)));
        int[] position = new int[n];
        ids = new String[n];
        uuids = new UUID[n];
        kinds = new String[n];
        names = new String[n];
        for (int i = 0; i < n; i++) {
            position[order[i]] = i;
            ids[i] = b.ids.get(order[i]);
            uuids[i] = Ids.orNull(ids[i]);
            kinds[i] = b.kinds.get(order[i]);
            names[i] = b.names.get(order[i]);
        }
        offsets = new int[n + 1];
        for (int t = 0; t < b.ties; t++) {
            offsets[position[b.from[t]] + 1]++;
            offsets[position[b.to[t]] + 1]++;
        }
        for (int i = 0; i < n; i++) {
            offsets[i + 1] += offsets[i];
        }
        int entries = offsets[n];
        neighbours = new int[entries];
        strengths = new double[entries];
        types = new short[entries];
        untils = new int[entries];
        int[] next = Arrays.copyOf(offsets, n);
        for (int t = 0; t < b.ties; t++) {
            int a = position[b.from[t]];
            int c = position[b.to[t]];
            put(next[a]++, c, b, t);
            put(next[c]++, a, b, t);
        }
        typeNames = b.typeNames.toArray(new String[0]);
        this.version = version;
        this.loadedAt = loadedAt;
        this.ties = b.ties;
    }

    /** The arrays of a copy brought up to date ({@link #with}). */
    private TieAdjacency(String[] ids, UUID[] uuids, String[] kinds, String[] names, int[] offsets, int[] neighbours,
                         double[] strengths, short[] types, int[] untils, String[] typeNames, GraphVersion version,
                         Instant loadedAt, int withoutId) {
        this.ids = ids;
        this.uuids = uuids;
        this.kinds = kinds;
        this.names = names;
        this.offsets = offsets;
        this.neighbours = neighbours;
        this.strengths = strengths;
        this.types = types;
        this.untils = untils;
        this.typeNames = typeNames;
        this.version = version;
        this.loadedAt = loadedAt;
        this.ties = neighbours.length / 2;
        this.withoutId = withoutId;
    }

    /** A contact as read again: its properties and every tie at it, either way round, by its other end. */
    record Reread(String kind, String name, List<TieRead> ties) {
    }

    /** A tie at a contact read again, as {@link Builder#tie} takes one. */
    record TieRead(String other, String type, Double strength, LocalDate until, boolean untilUnreadable) {
    }

    /**
     * This copy as the graph now is, stamped with {@code version}: the contacts in {@code reread} as read for it (new
     * ones among them), those in {@code gone} left out with every tie that ends at them, every other contact and its
     * ties as held. A changed tie must have both its ends in {@code reread}, since each holds it.
     */
    TieAdjacency with(Map<String, Reread> reread, Set<String> gone, GraphVersion version) {
        if (reread.isEmpty() && gone.stream().noneMatch(this::holds)) {
            // Nothing it holds changed (a group's write moves the version too): the same arrays, stamped anew.
            return new TieAdjacency(ids, uuids, kinds, names, offsets, neighbours, strengths, types, untils, typeNames,
                    version, loadedAt, withoutId);
        }
        String[] added = reread.keySet().stream().filter(id -> Arrays.binarySearch(ids, id) < 0).sorted()
                .toArray(String[]::new);
        List<String> kept = new ArrayList<>(ids.length + added.length);
        int[] renumbered = new int[ids.length];
        int a = 0;
        for (int i = 0; i < ids.length; i++) {
            while (a < added.length && added[a].compareTo(ids[i]) < 0) {
                kept.add(added[a++]);
            }
            if (gone.contains(ids[i])) {
                renumbered[i] = -1;
            } else {
                renumbered[i] = kept.size();
                kept.add(ids[i]);
            }
        }
        while (a < added.length) {
            kept.add(added[a++]);
        }
        int n = kept.size();
        String[] newIds = kept.toArray(String[]::new);
        UUID[] newUuids = new UUID[n];
        String[] newKinds = new String[n];
        String[] newNames = new String[n];
        int[] before = new int[n];
        Arrays.fill(before, -1);
        for (int i = 0; i < ids.length; i++) {
            if (renumbered[i] >= 0) {
                before[renumbered[i]] = i;
            }
        }
        for (int i = 0; i < n; i++) {
            newUuids[i] = before[i] >= 0 ? uuids[before[i]] : Ids.orNull(newIds[i]);
        }
        List<String> typeList = new ArrayList<>(Arrays.asList(typeNames));
        Map<String, Short> typeIndex = new HashMap<>();
        for (short t = 0; t < typeNames.length; t++) {
            typeIndex.put(typeNames[t], t);
        }
        int capacity = neighbours.length;
        for (Reread r : reread.values()) {
            capacity += r.ties().size();
        }
        int[] newOffsets = new int[n + 1];
        int[] newNeighbours = new int[capacity];
        double[] newStrengths = new double[capacity];
        short[] newTypes = new short[capacity];
        int[] newUntils = new int[capacity];
        int size = 0;
        for (int i = 0; i < n; i++) {
            Reread r = reread.get(newIds[i]);
            int old = before[i];
            if (r != null) {
                newKinds[i] = r.kind();
                newNames[i] = r.name();
                for (TieRead t : r.ties()) {
                    int other = t.other() == null ? -1 : Arrays.binarySearch(newIds, t.other());
                    if (other < 0) {
                        continue;
                    }
                    newNeighbours[size] = other;
                    newStrengths[size] = t.strength() == null ? Double.NaN : t.strength();
                    newTypes[size] = t.type() == null ? -1 : typeIndex.computeIfAbsent(t.type(), k -> {
                        typeList.add(k);
                        return (short) (typeList.size() - 1);
                    });
                    newUntils[size] = t.untilUnreadable() ? NEVER : t.until() == null ? OPEN
                            : (int) t.until().toEpochDay();
                    size++;
                }
            } else if (old >= 0) {
                newKinds[i] = kinds[old];
                newNames[i] = names[old];
                for (int e = offsets[old]; e < offsets[old + 1]; e++) {
                    int other = renumbered[neighbours[e]];
                    if (other < 0) {
                        continue;
                    }
                    newNeighbours[size] = other;
                    newStrengths[size] = strengths[e];
                    newTypes[size] = types[e];
                    newUntils[size] = untils[e];
                    size++;
                }
            } else {
                throw new IllegalArgumentException("contact " + newIds[i] + " is new and was not read");
            }
            newOffsets[i + 1] = size;
        }
        return new TieAdjacency(newIds, newUuids, newKinds, newNames, newOffsets, Arrays.copyOf(newNeighbours, size),
                Arrays.copyOf(newStrengths, size), Arrays.copyOf(newTypes, size), Arrays.copyOf(newUntils, size),
                typeList.toArray(String[]::new), version, loadedAt, withoutId);
    }

    /** Whether {@code id} is a contact this copy holds. */
    boolean holds(String id) {
        return Arrays.binarySearch(ids, id) >= 0;
    }

    private void put(int at, int neighbour, Builder b, int t) {
        neighbours[at] = neighbour;
        strengths[at] = b.strength[t];
        types[at] = b.type[t];
        untils[at] = b.until[t];
    }

    int contacts() {
        return ids.length;
    }

    /** The circles of {@code centre}, as {@link NetworkGraph#circles} finds them in the graph store. */
    NetworkGraph.Found circles(String centre, int depth, List<String> kinds, List<String> tieTypes, double minStrength,
                               int limit, LocalDate today, int maxRing, int maxLimit) {
        List<NetworkGraph.Member> members = new ArrayList<>();
        int c = Arrays.binarySearch(ids, centre);
        if (c < 0) {
            return new NetworkGraph.Found(members, false, null);
        }
        boolean[] allowed = null;
        if (tieTypes != null) {
            allowed = new boolean[typeNames.length];
            for (int i = 0; i < typeNames.length; i++) {
                allowed[i] = tieTypes.contains(typeNames[i]);
            }
        }
        int day = (int) today.toEpochDay();
        BitSet seen = new BitSet(ids.length);
        seen.set(c);
        int[] frontier = {c};
        double[] reach = {1.0};
        for (int ring = 1; ring <= depth && frontier.length > 0; ring++) {
            int cap = ring == depth && kinds == null ? Math.min(maxRing + 1, limit - members.size() + 1) : maxRing + 1;
            List<Candidate> found = ring(frontier, reach, seen, allowed, minStrength, day, cap);
            boolean ringCut = found.size() > maxRing;
            int kept = Math.min(found.size(), maxRing);
            frontier = new int[kept];
            reach = new double[kept];
            for (int i = 0; i < kept; i++) {
                Candidate m = found.get(i);
                seen.set(m.node);
                frontier[i] = m.node;
                reach[i] = m.strength;
                String kind = this.kinds[m.node];
                if ((kinds == null || kinds.contains(kind)) && uuids[m.node] != null && uuids[m.via] != null) {
                    if (members.size() == limit) {
                        return new NetworkGraph.Found(members, true, NetworkGraph.limitNote(limit, depth, maxLimit));
                    }
                    members.add(new NetworkGraph.Member(uuids[m.node], kind, names[m.node], ring, m.strength,
                            uuids[m.via], m.types()));
                }
            }
            if (ringCut) {
                return new NetworkGraph.Found(members, true, NetworkGraph.ringNote(ring, maxRing));
            }
        }
        return new NetworkGraph.Found(members, false, null);
    }

    /** The contacts one tie beyond the frontier that are not yet seen, strongest first, at most {@code cap}. */
    private List<Candidate> ring(int[] frontier, double[] reach, BitSet seen, boolean[] allowed, double minStrength,
                                 int day, int cap) {
        Map<Integer, Candidate> byNode = new HashMap<>();
        for (int f = 0; f < frontier.length; f++) {
            int a = frontier[f];
            for (int e = offsets[a]; e < offsets[a + 1]; e++) {
                int b = neighbours[e];
                if (seen.get(b) || untils[e] <= day || !(strengths[e] >= minStrength)) {
                    continue;
                }
                short type = types[e];
                if (allowed != null && (type < 0 || !allowed[type])) {
                    continue;
                }
                byNode.computeIfAbsent(b, Candidate::new).reached(reach[f] * strengths[e], a, type);
            }
        }
        List<Candidate> found = new ArrayList<>(byNode.values());
        found.sort((x, y) -> x.strength != y.strength ? Double.compare(y.strength, x.strength)
                : ids[x.node].compareTo(ids[y.node]));
        return found.size() > cap ? found.subList(0, cap) : found;
    }

    /** One tie that reached a candidate: the path's strength, the frontier contact it came from, the tie's type. */
    private record Reach(double strength, int from, short type) {
    }

    /** A contact of the next ring: its strongest path through the frontier, and every tie that reached it. */
    private final class Candidate {
        final int node;
        double strength = Double.NEGATIVE_INFINITY;
        int via = -1;
        private final List<Reach> reaches = new ArrayList<>(2);

        Candidate(int node) {
            this.node = node;
        }

        void reached(double s, int from, short type) {
            reaches.add(new Reach(s, from, type));
            if (s > strength || (s == strength && ids[from].compareTo(ids[via]) < 0)) {
                strength = s;
                via = from;
            }
        }

        /** The distinct types of the ties that reached it: by path strength, then the way's id, then the type. */
        List<String> types() {
            if (reaches.size() > 1) {
                reaches.sort((x, y) -> {
                    if (x.strength() != y.strength()) {
                        return Double.compare(y.strength(), x.strength());
                    }
                    int byWay = ids[x.from()].compareTo(ids[y.from()]);
                    return byWay != 0 ? byWay : compareTypes(x.type(), y.type());
                });
            }
            List<String> out = new ArrayList<>(1);
            for (Reach r : reaches) {
                if (r.type() >= 0 && !out.contains(typeNames[r.type()])) {
                    out.add(typeNames[r.type()]);
                }
            }
            return out;
        }

        /** Cypher's ascending order of strings: nulls last. */
        private int compareTypes(short x, short y) {
            if (x < 0 || y < 0) {
                return Boolean.compare(x < 0, y < 0);
            }
            return typeNames[x].compareTo(typeNames[y]);
        }
    }

    /** Collects contacts and ties as they are read, then builds the arrays. */
    static final class Builder {
        private final List<String> ids = new ArrayList<>();
        private final List<String> kinds = new ArrayList<>();
        private final List<String> names = new ArrayList<>();
        private final Map<String, Integer> index = new HashMap<>();
        private final List<String> typeNames = new ArrayList<>();
        private final Map<String, Short> typeIndex = new HashMap<>();
        private int contacts;
        private int withoutId;
        private int ties;
        private int[] from = new int[1024];
        private int[] to = new int[1024];
        private double[] strength = new double[1024];
        private short[] type = new short[1024];
        private int[] until = new int[1024];

        /** A contact node; one without an id (not written by the relay) is left out, as are its ties. */
        void contact(String id, String kind, String name) {
            if (id == null) {
                withoutId++;
                return;
            }
            if (index.containsKey(id)) {
                return;
            }
            index.put(id, contacts++);
            ids.add(id);
            kinds.add(kind);
            names.add(name);
        }

        /** A tie between two contacts read before; one whose ends were not read is left out. */
        void tie(String a, String b, String typeName, Double s, LocalDate ends, boolean endsUnreadable) {
            Integer x = a == null ? null : index.get(a);
            Integer y = b == null ? null : index.get(b);
            if (x == null || y == null) {
                return;
            }
            if (ties == from.length) {
                int grown = (int) Math.min(Integer.MAX_VALUE - 8L, ties * 3L / 2);
                from = Arrays.copyOf(from, grown);
                to = Arrays.copyOf(to, grown);
                strength = Arrays.copyOf(strength, grown);
                type = Arrays.copyOf(type, grown);
                until = Arrays.copyOf(until, grown);
            }
            from[ties] = x;
            to[ties] = y;
            strength[ties] = s == null ? Double.NaN : s;
            type[ties] = typeName == null ? -1 : typeIndex.computeIfAbsent(typeName, k -> {
                typeNames.add(k);
                return (short) (typeNames.size() - 1);
            });
            until[ties] = endsUnreadable ? NEVER : ends == null ? OPEN : (int) ends.toEpochDay();
            ties++;
        }

        TieAdjacency build(GraphVersion version, Instant loadedAt) {
            index.clear();
            return new TieAdjacency(this, version, loadedAt);
        }
    }
}
