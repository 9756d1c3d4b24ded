package health.circles;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochRandomGenerator;
import java.util.UUID;

/**
 * Ids of new rows in the tables written most (contacts, ties, touchpoints, consent entries): UUID version 7 (RFC 9562),
 * whose leading bits are the creation time in milliseconds, so that new rows land at the right edge of their primary
 * key's index instead of on a random page of it. A bulk import writes a million ties: with random (version 4) ids every
 * one dirtied a page of the key's index of its own, with a full-page image in the write-ahead log after each
 * checkpoint. The time an id shows is the row's creation time, which the APIs return anyway ({@code createdAt}).
 * The other 74 bits are drawn from a secure random source for every id, not counted up within a millisecond, so that
 * knowing one id tells nothing about the ids made next to it.
 */
public final class RowIds {

    /** Ordered by millisecond, random within one; thread-safe. */
    private static final TimeBasedEpochRandomGenerator GENERATOR = Generators.timeBasedEpochRandomGenerator();

    private RowIds() {
    }

    /** A new, time-ordered id. */
    public static UUID next() {
        return GENERATOR.generate();
    }
}
