package health.circles.outreach;

import health.circles.sync.GraphVersion;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

/**
 * The active tie graph as the influence model reads it, in compact arrays: contacts numbered 0..n-1 in id order,
 * and influence arcs (a tie gives one or two, by its type's flow) in compressed sparse rows, both ways round: out-arcs
 * for forward cascades, in-arcs for reverse-reachable sets. Each arc keeps its tie's strength, so that the
 * probability mapping can change per request without a reload. Arc order within a row is fixed (by neighbour, then
 * strength), so a seeded sample draws the same numbers whatever order the graph store returned.
 */
public final class InfluenceGraph {

    final int n;
    /** Contact ids in {@link UUID#compareTo} order: most and least significant halves. */
    private final long[] msb;
    private final long[] lsb;
    final int[] outStart;
    final int[] outTo;
    final float[] outStrength;
    final int[] inStart;
    final int[] inFrom;
    final float[] inStrength;
    /** Active ties touching each contact, whichever end and however influence flows: the naive pick's degree. */
    final int[] degree;
    final long ties;
    final GraphVersion version;
    /** When the whole graph was last read from the store; reads of changed contacts since do not move it. */
    final Instant loadedAt;
    /** How long this graph's own read took: the whole graph, or the changed contacts. */
    final long loadMillis;
    /** How this graph was read. */
    final Read read;
    /** Contacts whose ties were read again for this graph (0 for a whole read). */
    final int reread;
    /** The ties it was made from, which the next change starts from. */
    final StoredTies stored;

    /** How a graph came to be: read whole from the store, or from the one before it and the contacts that changed. */
    public enum Read {
        FULL, CHANGES
    }

    InfluenceGraph(StoredTies stored, int[] arcFrom, int[] arcTo, float[] arcStrength, int arcs, int[] degree,
                   GraphVersion version, Instant loadedAt, long loadMillis, Read read, int reread) {
        this.n = stored.size();
        this.msb = stored.msb;
        this.lsb = stored.lsb;
        this.stored = stored;
        this.degree = degree;
        this.ties = stored.ties();
        this.version = version;
        this.loadedAt = loadedAt;
        this.loadMillis = loadMillis;
        this.read = read;
        this.reread = reread;
        this.outStart = new int[n + 1];
        this.outTo = new int[arcs];
        this.outStrength = new float[arcs];
        this.inStart = new int[n + 1];
        this.inFrom = new int[arcs];
        this.inStrength = new float[arcs];
        rows(arcFrom, arcTo, arcStrength, arcs, outStart, outTo, outStrength);
        rows(arcTo, arcFrom, arcStrength, arcs, inStart, inFrom, inStrength);
    }

    /** {@code same}'s arrays, stamped with {@code version}: a graph that nothing changed since it was read. */
    InfluenceGraph(InfluenceGraph same, GraphVersion version, long loadMillis) {
        this.n = same.n;
        this.msb = same.msb;
        this.lsb = same.lsb;
        this.stored = same.stored;
        this.degree = same.degree;
        this.ties = same.ties;
        this.version = version;
        this.loadedAt = same.loadedAt;
        this.loadMillis = loadMillis;
        this.read = Read.CHANGES;
        this.reread = 0;
        this.outStart = same.outStart;
        this.outTo = same.outTo;
        this.outStrength = same.outStrength;
        this.inStart = same.inStart;
        this.inFrom = same.inFrom;
        this.inStrength = same.inStrength;
    }

    public int size() {
        return n;
    }

    public int arcs() {
        return outTo.length;
    }

    public UUID id(int node) {
        return new UUID(msb[node], lsb[node]);
    }

    /** The node of a contact id, or -1 when the graph does not hold it. */
    public int node(UUID id) {
        return StoredTies.search(msb, lsb, n, id.getMostSignificantBits(), id.getLeastSignificantBits());
    }

    /** Bytes held by the arrays, roughly. */
    public long bytes() {
        return 16L * n + 8L * (n + 1) + 4L * n + 16L * arcs() + 4L * (n + 1) + 9L * stored.ties();
    }

    /** Counting sort of the arcs by {@code key}, then each row ordered by (other end, strength). */
    private void rows(int[] key, int[] other, float[] strength, int arcs, int[] start, int[] to, float[] str) {
        for (int a = 0; a < arcs; a++) {
            start[key[a] + 1]++;
        }
        for (int i = 0; i < n; i++) {
            start[i + 1] += start[i];
        }
        int[] fill = Arrays.copyOf(start, n);
        long[] packed = new long[arcs];
        for (int a = 0; a < arcs; a++) {
            packed[fill[key[a]]++] = ((long) other[a] << 32) | (Float.floatToIntBits(strength[a]) & 0xffffffffL);
        }
        for (int i = 0; i < n; i++) {
            Arrays.sort(packed, start[i], start[i + 1]);
        }
        for (int a = 0; a < arcs; a++) {
            to[a] = (int) (packed[a] >>> 32);
            str[a] = Float.intBitsToFloat((int) packed[a]);
        }
    }
}
