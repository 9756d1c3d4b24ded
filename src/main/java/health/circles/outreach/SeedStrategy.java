package health.circles.outreach;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** How seeds are chosen (docs/outreach.md, "Strategies"). */
@Schema(name = "SeedStrategy", enumeration = {"imm", "degree", "pagerank", "nominated-friend", "acquaintance",
        "clustered", "random"})
public enum SeedStrategy {
    /** Influence maximisation under the independent cascade (reverse-reachable sets). */
    IMM(false),
    /** The k best-connected candidates. */
    DEGREE(false),
    /** The k candidates of highest PageRank in the latest analytics run. */
    PAGERANK(false),
    /** Random members each name a friend, drawn by tie strength (Kim et al. 2015). */
    NOMINATED_FRIEND(true),
    /** A random neighbour of a random member (Cohen, Havlin and ben-Avraham 2003). */
    ACQUAINTANCE(true),
    /** Seeds packed into cohesive groups, so that several reinforce the same people (Centola 2010). */
    CLUSTERED(false),
    /** Random members. */
    RANDOM(true);

    private final boolean randomised;

    SeedStrategy(boolean randomised) {
        this.randomised = randomised;
    }

    /** Whether the choice is a random draw (a new one per simulated cascade when strategies are compared). */
    public boolean randomised() {
        return randomised;
    }

    @JsonValue
    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Accepts {@code nominated-friend} and {@code NOMINATED_FRIEND}; anything else is a 400. */
    @JsonCreator
    public static SeedStrategy of(String code) {
        if (code != null) {
            String name = code.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            for (SeedStrategy s : values()) {
                if (s.name().equals(name)) {
                    return s;
                }
            }
        }
        throw new IllegalArgumentException("unknown strategy " + code + "; one of imm, degree, pagerank, "
                + "nominated-friend, acquaintance, clustered, random");
    }
}
