package health.circles.outreach;

import java.util.Locale;

/**
 * How a contact takes up what it hears: independent cascade (one exposure is enough) or a threshold model of complex
 * contagion (Centola 2010: adoption once {@code count} of its ties, or a {@code fraction} of them, have adopted).
 * Exposures travel each tie as the cascade's do, with p = min(maxProbability, scale × strength): a threshold of one
 * tie is the independent cascade itself.
 */
record Contagion(Kind kind, Integer count, Double fraction) {

    /** The two models on offer. */
    enum Kind {
        INDEPENDENT_CASCADE, THRESHOLD
    }

    static final Contagion CASCADE = new Contagion(Kind.INDEPENDENT_CASCADE, null, null);

    boolean threshold() {
        return kind == Kind.THRESHOLD;
    }

    /** Adopting neighbours needed by a contact with {@code ties} distinct neighbours whose word can reach it. */
    int required(int ties) {
        if (kind == Kind.INDEPENDENT_CASCADE) {
            return 1;
        }
        if (count != null) {
            return Math.max(1, count);
        }
        return Math.max(1, (int) Math.ceil(fraction * ties - 1e-9));
    }

    /** The rule in one line, as answers show it. */
    String rule() {
        if (kind == Kind.INDEPENDENT_CASCADE) {
            return "adopts when one tie passes the word";
        }
        return count != null ? "adopts once " + count + " of its ties have adopted and passed the word"
                : String.format(Locale.ROOT, "adopts once a fraction %s of its ties have adopted and passed the word",
                fraction);
    }
}
