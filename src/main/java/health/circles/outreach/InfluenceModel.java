package health.circles.outreach;

import health.circles.network.TieType;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The independent-cascade model of outreach: which way word travels along each tie type, and the chance that it
 * does, p = min(maxProbability, scale × strength). Tie strength lies in [0, 1] (docs/network.md), so with the
 * defaults a tie at the declared default 0.5 passes the word on with probability 0.05 and the strongest with 0.1;
 * maxProbability caps what a request's own scale can make of it.
 */
public record InfluenceModel(double scale, double maxProbability) {

    /** Which way influence flows along a tie, as its type reads "from TYPE to". */
    public enum Flow {
        FORWARD, BACKWARD, BOTH
    }

    /**
     * Symmetric types carry word both ways. Directed ones carry it from → to where the type names who advises whom
     * (a carer, a treating clinician, a referrer); membership, employment and leadership both ways, since an
     * organisation's word reaches its people and theirs reaches it (from → to only would make an organisation a
     * dead end); and a follower hears the one it follows (to → from).
     */
    static final Map<TieType, Flow> FLOWS = flows();

    public double probability(float strength) {
        double p = scale * strength;
        return p <= 0 ? 0 : Math.min(maxProbability, p);
    }

    /** The model in one line, as answers show it. */
    public String mapping() {
        return String.format(Locale.ROOT, "p = min(%s, %s × strength)", trim(maxProbability), trim(scale));
    }

    static Flow flow(String type) {
        try {
            return FLOWS.get(TieType.valueOf(type));
        } catch (IllegalArgumentException | NullPointerException e) {
            return Flow.BOTH; // a type this version does not know: count it as a plain symmetric tie
        }
    }

    private static Map<TieType, Flow> flows() {
        Map<TieType, Flow> flows = new EnumMap<>(TieType.class);
        for (TieType t : TieType.values()) {
            flows.put(t, t.directed() ? Flow.FORWARD : Flow.BOTH);
        }
        flows.put(TieType.MEMBER_OF, Flow.BOTH);
        flows.put(TieType.WORKS_AT, Flow.BOTH);
        flows.put(TieType.LEADS, Flow.BOTH);
        flows.put(TieType.FOLLOWS_ONLINE, Flow.BACKWARD);
        return Map.copyOf(flows);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
