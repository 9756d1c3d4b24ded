package health.circles.analytics;

/** The community detection algorithm of a run. */
public enum Algorithm {
    /** Leiden: well-connected communities, a resolution (gamma) and a random seed. The default. */
    LEIDEN,
    /** Louvain: no resolution parameter in GDS; deterministic at concurrency 1. */
    LOUVAIN
}
