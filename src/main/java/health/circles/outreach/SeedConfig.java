package health.circles.outreach;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Seed selection: the influence model's defaults, the sampling bounds and how long a loaded graph is kept. */
@ConfigMapping(prefix = "circles.outreach.seeds")
public interface SeedConfig {

    /** Edge probability of the independent cascade: p = min(max, scale × strength) (docs/outreach.md). */
    Probability probability();

    /**
     * IMM's ε: the chosen seeds reach at least (1 − 1/e − ε) of the best possible expected coverage with probability
     * 1 − 1/|target|^ℓ, unless the sample bounds below cut the sampling short (the answer says so).
     */
    @WithDefault("0.1")
    double epsilon();

    /** IMM's ℓ (confidence exponent). */
    @WithDefault("1")
    double ell();

    /** Reverse-reachable sets drawn at least, whatever IMM's bound asks (cheap, and steadies small targets). */
    @WithDefault("10000")
    int minSets();

    /** Reverse-reachable sets drawn at most. */
    @WithDefault("2000000")
    int maxSets();

    /** Candidate entries held over all reverse-reachable sets at most (4 bytes each, twice with the index). */
    @WithDefault("30000000")
    long maxEntries();

    /**
     * Arc trials over all reverse-reachable sets at most: where cascades are large (a giant component at high
     * probabilities) a set costs a walk over much of the graph, and this bounds the work, reproducibly (a time bound
     * would make the answer depend on the machine's load). 100M (was 300M) answers k = 10 on 100k contacts / 1M ties
     * in about 2 s: with {@link #sentinels()} a giant cascade's sets stop early and 100M draws more of them than 300M
     * did without; where there are no sentinels it draws a third as many, a weaker guarantee (docs/outreach.md).
     */
    @WithDefault("100000000")
    long maxSamplingSteps();

    /**
     * Sentinel seeds (HIST, Guo et al. 2020) before IMM's sampling: up to {@code minSets} whole sets (within a fifth of
     * {@link #maxSamplingSteps()}) choose the leading greedy seeds that each meet at least a tenth (and 10) of the
     * sets; every later set stops as soon as its walk meets one of them. Where one word reaches much of the network (a
     * giant cascade) this cuts a set from a walk over half the graph to a few thousand contacts, so more sets fit the
     * step bound; where cascades are small no seed qualifies and nothing changes. The sentinels are the answer's first
     * seeds, as the greedy chose them on those sets.
     */
    @WithDefault("true")
    boolean sentinels();

    /** Forward Monte Carlo cascades that estimate coverage and its confidence interval, per seed set. */
    @WithDefault("1000")
    int simulations();

    /**
     * Forward cascades run at least per seed set before either stopping rule ({@link #precision()},
     * {@link #maxSimulationSteps()}) is checked; rounded up to a whole chunk of 50. 50 (was 100): where one word
     * reaches half the network the reach is known to about ±0.15 % after 50, and each cascade walks half the graph.
     */
    @WithDefault("50")
    int minSimulations();

    /** Arc trials over all the cascades of one seed set at most; fewer cascades are run when it is reached. */
    @WithDefault("200000000")
    long maxSimulationSteps();

    /** Seed of every random draw when the request gives none: the same graph and request give the same answer. */
    @WithDefault("42")
    long randomSeed();

    /** Factor on the marginal reach of a preferred kind's contact when seeds are chosen. */
    @WithDefault("1.25")
    double preferWeight();

    /**
     * A graph is read whole again after this long, however it was brought up to date meanwhile: a safety net for a
     * change made to Neo4j outside the service. Changes through the outbox, rebuilds and a reconcile's repairs move
     * the graph's version and are seen at once (PT15M until the version counted the relay's batches and repairs).
     */
    @WithDefault("PT4H")
    Duration graphMaxAge();

    /**
     * Contacts whose ties are read again, at most, to bring a loaded graph up to date after changes ({@link
     * InfluenceGraphs}); past it the whole graph is read again, which costs about as much (reading 100k contacts'
     * ties whole took 5 s at 1M ties).
     */
    @WithDefault("20000")
    int graphChangesMaxContacts();

    /** Tie changes in the outbox, at most, that a loaded graph is brought up to date by; past it it is read again. */
    @WithDefault("200000")
    long graphChangesMaxTies();

    /**
     * How often the graph is brought up to date in the background, once seeds have been asked for (or from the start
     * with {@link #graphReadAtStart()}): after writes, on a new day (when it is read whole: ties' end dates), past
     * its maximum age. A request then finds it current instead of paying for the update or the read (5–7 s at 100k /
     * 1M). {@code off}: only when a request asks.
     */
    @WithDefault("1m")
    String graphKeepWarm();

    /**
     * Read the graph in the background soon after the service starts, without waiting for a seeds request: for
     * replicas that serve seeds, so that the first request after a start is not the one that reads it. Off by
     * default, so that a replica that serves none holds none (about 150 MB at 100k / 1M).
     */
    @WithDefault("false")
    boolean graphReadAtStart();

    /**
     * Threads that draw a selection's reverse-reachable sets. Set i depends on the seed and its number alone and the
     * bounds are checked between batches whose sizes depend only on the sets before, so the answer is the same on any
     * number of threads.
     */
    @WithDefault("2")
    int samplingThreads();

    /**
     * Threads of a selection's forward cascades (validation and the reported reach), and of a comparison's strategies.
     * Each cascade depends on the seed and its number alone, so the answer is the same on any number of threads.
     */
    @WithDefault("2")
    int simulationThreads();

    /**
     * Forward cascades stop, after at least {@link #minSimulations()}, once the 95 % interval of the mean reach is
     * within this share of the mean (0.005: ±0.5 %); {@code simulations} is then the most that are run. 0 runs them all.
     */
    @WithDefault("0.005")
    double precision();

    /** Selections computed at once; others wait up to {@link #queueWait()}, then get 503. */
    @WithDefault("1")
    int concurrency();

    @WithDefault("PT60S")
    Duration queueWait();

    /** Bounds of a comparison of strategies (every strategy on every cascade). */
    Compare compare();

    /** What a comparison of strategies may ask at most; beyond k and simulations it is refused (422). */
    interface Compare {

        @WithDefault("50")
        int maxK();

        @WithDefault("2000")
        int maxSimulations();

        /** Arc trials over all strategies' cascades: fewer cascades (the same for all, 100 at least) past it. */
        @WithDefault("400000000")
        long maxSteps();
    }

    /** p = min(max, scale × strength) per tie; strength lies in [0, 1], the one strength scale. */
    interface Probability {

        @WithDefault("0.1")
        double scale();

        @WithDefault("0.3")
        double max();
    }
}
