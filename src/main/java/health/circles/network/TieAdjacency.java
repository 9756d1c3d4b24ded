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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every contact and tie of the graph store, in memory, in the shape a walk of circles needs: contacts numbered, and
 * each contact's ties as one slice of flat arrays (neighbour, strength, type, end date), every tie under both of its
 * ends. Immutable as seen by its readers; {@link CirclesMemory} keeps the latest one and says when it is current.
 *
 * <p>A copy brought up to date ({@link #with}) does not copy the ties it keeps. The flat arrays are shared by a copy
 * and the copies brought from it, and only ever grow at their end: the slices of the contacts read again (and of the
 * neighbours of those that left) are written past the end of every slice an older copy reads, and the new copy points
 * its contacts there. New contacts take the next numbers. Only the arrays of one entry per contact (its slice, kind,
 * name, the order of the ids) are copied, a small share of the ties' arrays. When the room left at the end runs out,
 * the copy is compacted: written anew, without the slices no longer pointed at, with room to grow again.
 *
 * <p>{@link #circles} answers exactly as {@link NetworkGraph#circles} does in Cypher, ring by ring: the same active
 * rule ({@link ActiveTie}: no end date, or one after the day), the same filters, the same strongest path and its
 * way, the same order (strength, then id; the way and the types by strength, then the way's id, then the type).
 * None of these depends on how contacts are numbered or slices ordered: ties are compared by ids, never by number.
 * {@code CirclesMemoryTest} compares the two on a generated network; {@code TieAdjacencyTest} compares a copy brought
 * up to date through many changes with one built whole from the same graph.
 */
final class TieAdjacency {

    /** No end date: open on every day. */
    private static final int OPEN = Integer.MAX_VALUE;
    /** An end date Cypher cannot compare with a date: never active (it does not arise from the relay). */
    private static final int NEVER = Integer.MIN_VALUE;
    /** Room left at the end of the ties' arrays when they are written anew: this share of the entries, at least. */
    private static final int ROOM_SHARE = 4;
    private static final int MIN_ROOM = 256;

    /** Contact number i's id (numbers are never reused until the copy is compacted). */
    private final String[] ids;
    /** The same ids parsed once, for the answers (null for a node whose id is not a UUID: not a contact of ours). */
    private final UUID[] uuids;
    /** Null for a number whose contact has left. */
    private final String[] kinds;
    private final String[] names;
    /** Contacts numbered: 0 to numbered - 1, held or left. */
    private final int numbered;
    /** The numbers of the contacts held, in the order of their ids. */
    private final int[] byId;
    /** Contact i's ties are positions first[i] to last[i] (exclusive) of the arrays below. */
    private final int[] first;
    private final int[] last;
    private final int[] neighbours;
    /** NaN for a tie without a strength: no minimum admits it, as in Cypher. */
    private final double[] strengths;
    /** Index into {@link #typeNames}; -1 for a tie without a type. */
    private final short[] types;
    /** The first day the tie is no longer active, as an epoch day; {@link #OPEN} when it has no end. */
    private final int[] untils;
    /** Positions of the arrays above written when this copy was made; its slices all lie below. */
    private final int used;
    /**
     * How far the arrays above are written, shared by every copy that uses them: a copy may write past its own
     * {@link #used} only while no other did.
     */
    private final AtomicInteger written;
    /** Entries in the slices this copy points at: every tie twice. */
    private final long entries;
    private final String[] typeNames;
    final GraphVersion version;
    /** When the whole graph was last read; copies brought up to date since keep it. */
    final Instant loadedAt;
    final long ties;
    /** Contact nodes without an id (not written by the relay): not held, but counted by the store. */
    final int withoutId;

    private TieAdjacency(String[] ids, UUID[] uuids, String[] kinds, String[] names, int numbered, int[] byId,
                         int[] first, int[] last, int[] neighbours, double[] strengths, short[] types, int[] untils,
                         int used, AtomicInteger written, long entries, String[] typeNames, GraphVersion version,
                         Instant loadedAt, int withoutId) {
        this.ids = ids;
        this.uuids = uuids;
        this.kinds = kinds;
        this.names = names;
        this.numbered = numbered;
        this.byId = byId;
        this.first = first;
        this.last = last;
        this.neighbours = neighbours;
        this.strengths = strengths;
        this.types = types;
        this.untils = untils;
        this.used = used;
        this.written = written;
        this.entries = entries;
        this.typeNames = typeNames;
        this.version = version;
        this.loadedAt = loadedAt;
        this.ties = entries / 2;
        this.withoutId = withoutId;
    }

    /** The same arrays, stamped anew. */
    private TieAdjacency restamped(GraphVersion version) {
        return new TieAdjacency(ids, uuids, kinds, names, numbered, byId, first, last, neighbours, strengths, types,
                untils, used, written, entries, typeNames, version, loadedAt, withoutId);
    }

    /** A contact as read again: its properties and every tie at it, either way round, by its other end. */
    record Reread(String kind, String name, List<TieRead> ties) {
    }

    /** A tie at a contact read again, as {@link Builder#tie} takes one. */
    record TieRead(String other, String type, Double strength, LocalDate until, boolean untilUnreadable) {
    }

    /**
     * This copy as the graph now is, stamped with {@code version}: the contacts in {@code reread} as read for it (new
     * ones among them), those in {@code gone} left out with every tie that ends at them (a contact in both has left),
     * every other contact and its ties as held. A changed tie must have both its ends in {@code reread}, since each
     * holds it. This copy stays as it was.
     */
    TieAdjacency with(Map<String, Reread> reread, Set<String> gone, GraphVersion version) {
        BitSet left = new BitSet(numbered);
        gone.stream().mapToInt(this::numberOf).filter(i -> i >= 0).forEach(left::set);
        if (reread.isEmpty() && left.isEmpty()) {
            // Nothing it holds changed (a group's write moves the version too): the same arrays, stamped anew.
            return restamped(version);
        }
        String[] added = reread.keySet().stream().filter(id -> !gone.contains(id) && numberOf(id) < 0).sorted()
                .toArray(String[]::new);
        // Room for the slices written anew: those of the contacts read again, and of the neighbours of those leaving.
        long room = 0;
        for (Reread r : reread.values()) {
            room += r.ties().size();
        }
        BitSet neighbouring = new BitSet(numbered);
        for (int g = left.nextSetBit(0); g >= 0; g = left.nextSetBit(g + 1)) {
            for (int e = first[g]; e < last[g]; e++) {
                int m = neighbours[e];
                if (!left.get(m) && !neighbouring.get(m) && !reread.containsKey(ids[m])) {
                    neighbouring.set(m);
                    room += last[m] - first[m];
                }
            }
        }
        if (used + room <= neighbours.length && written.compareAndSet(used, (int) (used + room))) {
            return extended(reread, gone, left, neighbouring, added, version);
        }
        return compacted(reread, gone, left, added, version);
    }

    /**
     * {@link #with} writing past this copy's slices, in the arrays it shares, which have the room and are reserved
     * for it up to {@code used + room}.
     */
    private TieAdjacency extended(Map<String, Reread> reread, Set<String> gone, BitSet left, BitSet neighbouring,
                                  String[] added, GraphVersion version) {
        int n = numbered + added.length;
        String[] newIds = withAdded(ids, added);
        UUID[] newUuids = withAdded(uuids, Arrays.stream(added).map(Ids::orNull).toArray(UUID[]::new));
        String[] newKinds = Arrays.copyOf(kinds, n);
        String[] newNames = Arrays.copyOf(names, n);
        int[] newFirst = Arrays.copyOf(first, n);
        int[] newLast = Arrays.copyOf(last, n);
        int[] newById = order(newIds, left, numbered, added.length);
        long newEntries = entries;
        for (int g = left.nextSetBit(0); g >= 0; g = left.nextSetBit(g + 1)) {
            newEntries -= last[g] - first[g];
            newKinds[g] = null;
            newNames[g] = null;
            newFirst[g] = 0;
            newLast[g] = 0;
        }
        Types typeList = new Types(typeNames);
        Slices slices = new Slices(this);
        int at = used;
        for (Map.Entry<String, Reread> r : reread.entrySet()) {
            if (gone.contains(r.getKey())) {
                continue;
            }
            int i = find(newIds, newById, r.getKey());
            newEntries -= newLast[i] - newFirst[i];
            newKinds[i] = r.getValue().kind();
            newNames[i] = r.getValue().name();
            newFirst[i] = at;
            for (TieRead t : r.getValue().ties()) {
                int other = t.other() == null ? -1 : find(newIds, newById, t.other());
                if (other >= 0) {
                    slices.put(at++, other, t, typeList);
                }
            }
            newLast[i] = at;
            newEntries += at - newFirst[i];
        }
        for (int m = neighbouring.nextSetBit(0); m >= 0; m = neighbouring.nextSetBit(m + 1)) {
            newFirst[m] = at;
            for (int e = first[m]; e < last[m]; e++) {
                if (!left.get(neighbours[e])) {
                    slices.copy(this, e, at++, neighbours[e]);
                }
            }
            newLast[m] = at;
            newEntries -= (last[m] - first[m]) - (newLast[m] - newFirst[m]);
        }
        // The room was reserved as a bound; the next copy writes from where this one ended.
        written.set(at);
        return new TieAdjacency(newIds, newUuids, newKinds, newNames, n, newById, newFirst, newLast, neighbours,
                strengths, types, untils, at, written, newEntries, typeList.names(), version, loadedAt, withoutId);
    }

    /**
     * {@link #with} written anew into arrays of its own, with room to grow: contacts numbered in the order of their
     * ids, and only the slices pointed at.
     */
    private TieAdjacency compacted(Map<String, Reread> reread, Set<String> gone, BitSet left, String[] added,
                                   GraphVersion version) {
        String[] numberedIds = withAdded(ids, added);
        int[] sorted = order(numberedIds, left, numbered, added.length);
        int n = sorted.length;
        String[] newIds = new String[n];
        int[] before = new int[n];
        int[] renumbered = new int[numbered];
        Arrays.fill(renumbered, -1);
        for (int k = 0; k < n; k++) {
            int old = sorted[k];
            newIds[k] = numberedIds[old];
            before[k] = old < numbered ? old : -1;
            if (old < numbered) {
                renumbered[old] = k;
            }
        }
        long size = 0;
        for (int i = 0; i < n; i++) {
            Reread r = reread.get(newIds[i]);
            size += r != null ? r.ties().size() : last[before[i]] - first[before[i]];
        }
        Slices slices = new Slices(size);
        UUID[] newUuids = new UUID[n];
        String[] newKinds = new String[n];
        String[] newNames = new String[n];
        int[] newFirst = new int[n];
        int[] newLast = new int[n];
        int[] identity = new int[n];
        Types typeList = new Types(typeNames);
        int at = 0;
        for (int i = 0; i < n; i++) {
            identity[i] = i;
            int old = before[i];
            newUuids[i] = old >= 0 ? uuids[old] : Ids.orNull(newIds[i]);
            newFirst[i] = at;
            Reread r = reread.get(newIds[i]);
            if (r != null) {
                newKinds[i] = r.kind();
                newNames[i] = r.name();
                for (TieRead t : r.ties()) {
                    int other = t.other() == null ? -1 : Arrays.binarySearch(newIds, t.other());
                    if (other >= 0) {
                        slices.put(at++, other, t, typeList);
                    }
                }
            } else {
                newKinds[i] = kinds[old];
                newNames[i] = names[old];
                for (int e = first[old]; e < last[old]; e++) {
                    int other = renumbered[neighbours[e]];
                    if (other >= 0) {
                        slices.copy(this, e, at++, other);
                    }
                }
            }
            newLast[i] = at;
        }
        return new TieAdjacency(newIds, newUuids, newKinds, newNames, n, identity, newFirst, newLast,
                slices.neighbours, slices.strengths, slices.types, slices.untils, at, new AtomicInteger(at), at,
                typeList.names(), version, loadedAt, withoutId);
    }

    /**
     * The numbers of the contacts held after a change, in the order of their ids: those held before less those
     * {@code left}, merged with the {@code added} ones numbered from {@code from} (in the order of their ids).
     */
    private int[] order(String[] newIds, BitSet left, int from, int added) {
        int[] out = new int[byId.length - left.cardinality() + added];
        int k = 0;
        int a = from;
        for (int held : byId) {
            if (left.get(held)) {
                continue;
            }
            while (a < from + added && newIds[a].compareTo(ids[held]) < 0) {
                out[k++] = a++;
            }
            out[k++] = held;
        }
        while (a < from + added) {
            out[k++] = a++;
        }
        return out;
    }

    /** {@code numbered} entries of {@code held}, then {@code added} under the next numbers ({@code held} when none). */
    private <T> T[] withAdded(T[] held, T[] added) {
        if (added.length == 0) {
            return held;
        }
        T[] out = Arrays.copyOf(held, numbered + added.length);
        System.arraycopy(added, 0, out, numbered, added.length);
        return out;
    }

    /** The number of the contact held with {@code id}, or -1. */
    private int numberOf(String id) {
        return find(ids, byId, id);
    }

    private static int find(String[] ids, int[] byId, String id) {
        int low = 0;
        int high = byId.length - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int c = ids[byId[mid]].compareTo(id);
            if (c < 0) {
                low = mid + 1;
            } else if (c > 0) {
                high = mid - 1;
            } else {
                return byId[mid];
            }
        }
        return -1;
    }

    /** Whether {@code id} is a contact this copy holds. */
    boolean holds(String id) {
        return numberOf(id) >= 0;
    }

    /** The ties' flat arrays, written through. */
    private static final class Slices {
        final int[] neighbours;
        final double[] strengths;
        final short[] types;
        final int[] untils;

        /** The arrays of {@code copy}, to write past its slices. */
        Slices(TieAdjacency copy) {
            neighbours = copy.neighbours;
            strengths = copy.strengths;
            types = copy.types;
            untils = copy.untils;
        }

        /** New arrays for {@code size} entries, and room to grow. */
        Slices(long size) {
            long capacity = size + Math.max(size / ROOM_SHARE, MIN_ROOM);
            if (capacity > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("too many ties to hold in memory: " + size);
            }
            neighbours = new int[(int) capacity];
            strengths = new double[(int) capacity];
            types = new short[(int) capacity];
            untils = new int[(int) capacity];
        }

        void set(int at, int neighbour, double strength, short type, int until) {
            neighbours[at] = neighbour;
            strengths[at] = strength;
            types[at] = type;
            untils[at] = until;
        }

        /** A tie as read again. */
        void put(int at, int neighbour, TieRead t, Types typeList) {
            set(at, neighbour, t.strength() == null ? Double.NaN : t.strength(),
                    t.type() == null ? -1 : typeList.index(t.type()),
                    t.untilUnreadable() ? NEVER : t.until() == null ? OPEN : (int) t.until().toEpochDay());
        }

        /** Entry {@code e} of {@code from}, pointing at {@code neighbour}. */
        void copy(TieAdjacency from, int e, int at, int neighbour) {
            set(at, neighbour, from.strengths[e], from.types[e], from.untils[e]);
        }
    }

    /** The tie types' names, indexed, growing as new ones are read. */
    private static final class Types {
        private final List<String> names;
        private final Map<String, Short> index = new HashMap<>();

        Types(String[] known) {
            names = new ArrayList<>(Arrays.asList(known));
            for (short t = 0; t < known.length; t++) {
                index.put(known[t], t);
            }
        }

        short index(String name) {
            return index.computeIfAbsent(name, k -> {
                names.add(k);
                return (short) (names.size() - 1);
            });
        }

        String[] names() {
            return names.toArray(String[]::new);
        }
    }

    /** Whether this copy and {@code other} point into the same ties' arrays (one was brought from the other). */
    boolean sharesTiesWith(TieAdjacency other) {
        return neighbours == other.neighbours;
    }

    /** The contacts held. */
    int contacts() {
        return byId.length;
    }

    /** The circles of {@code centre}, as {@link NetworkGraph#circles} finds them in the graph store. */
    NetworkGraph.Found circles(String centre, int depth, List<String> kinds, List<String> tieTypes, double minStrength,
                               int limit, LocalDate today, int maxRing, int maxLimit) {
        List<NetworkGraph.Member> members = new ArrayList<>();
        int c = numberOf(centre);
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
        BitSet seen = new BitSet(numbered);
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
            for (int e = first[a]; e < last[a]; e++) {
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
            int n = contacts;
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (x, y) -> ids.get(x).compareTo(ids.get(y)));
            int[] position = new int[n];
            String[] sortedIds = new String[n];
            UUID[] uuids = new UUID[n];
            String[] sortedKinds = new String[n];
            String[] sortedNames = new String[n];
            int[] identity = new int[n];
            for (int i = 0; i < n; i++) {
                position[order[i]] = i;
                identity[i] = i;
                sortedIds[i] = ids.get(order[i]);
                uuids[i] = Ids.orNull(sortedIds[i]);
                sortedKinds[i] = kinds.get(order[i]);
                sortedNames[i] = names.get(order[i]);
            }
            int[] first = new int[n];
            int[] last = new int[n];
            for (int t = 0; t < ties; t++) {
                last[position[from[t]]]++;
                last[position[to[t]]]++;
            }
            int at = 0;
            for (int i = 0; i < n; i++) {
                first[i] = at;
                at += last[i];
                last[i] = first[i];
            }
            Slices slices = new Slices(at);
            for (int t = 0; t < ties; t++) {
                int a = position[from[t]];
                int c = position[to[t]];
                slices.set(last[a]++, c, strength[t], type[t], until[t]);
                slices.set(last[c]++, a, strength[t], type[t], until[t]);
            }
            return new TieAdjacency(sortedIds, uuids, sortedKinds, sortedNames, n, identity, first, last,
                    slices.neighbours, slices.strengths, slices.types, slices.untils, at, new AtomicInteger(at), at,
                    typeNames.toArray(new String[0]), version, loadedAt, withoutId);
        }

    }
}
