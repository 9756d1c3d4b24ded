package health.circles.network;

import java.util.UUID;

/** Two distinct contacts, unordered: {@code a} is always the smaller id, so A-B and B-A are the same pair. */
public record ContactPair(UUID a, UUID b) {

    public ContactPair {
        if (a.equals(b)) {
            throw new IllegalArgumentException("a pair needs two different contacts");
        }
        if (a.compareTo(b) > 0) {
            UUID swap = a;
            a = b;
            b = swap;
        }
    }

    public static ContactPair of(UUID x, UUID y) {
        return new ContactPair(x, y);
    }

    /** A key for a PostgreSQL advisory lock on this pair, so that concurrent writers do not both infer a tie. */
    long lockKey() {
        return a.getMostSignificantBits() * 31 + a.getLeastSignificantBits() ^ b.getMostSignificantBits() * 17
                + b.getLeastSignificantBits();
    }
}
