package health.circles.analytics;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;

/** How analytics runs compute, when they start on their own, and how large the answers may grow. */
@ConfigMapping(prefix = "circles.analytics")
public interface AnalyticsConfig {

    /**
     * Threads for Leiden, Louvain, PageRank and degree. On two cores 1 is fastest (Louvain stalls at 2) and, with the
     * fixed seeds, makes a run reproducible: the same graph and parameters give the same scores and communities.
     */
    @WithDefault("1")
    int concurrency();

    /** Seed of Leiden's randomness; Louvain has none and is deterministic at concurrency 1. */
    @WithDefault("42")
    long randomSeed();

    /**
     * A run whose projection plus betweenness and the largest algorithm beside it is estimated above this many MiB is
     * refused.
     */
    @WithDefault("2048")
    long memoryBudgetMib();

    /** Cron of scheduled runs (Quarkus syntax, seconds first; "0 0 3 * * ?" is 03:00 daily); "off" for none. */
    @WithDefault("off")
    String schedule();

    Betweenness betweenness();

    PageRank pagerank();

    GraphChange graphChange();

    Defaults defaults();

    Maps maps();

    ReadCache readCache();

    WarmUp warmUp();

    /**
     * Keep the per-contact snapshot of this many latest runs; older runs keep only their history row, and the generated
     * names of communities none of the kept runs holds go with them (names staff chose stay).
     */
    @WithDefault("5")
    int keepSnapshots();

    /** Rows per statement when community ids are written back to Neo4j. */
    @WithDefault("10000")
    int writeBatchSize();

    /** Betweenness: exact up to a node count, sampled (Brandes–Pich) beyond it. */
    interface Betweenness {

        /** Graphs with at most this many contacts get exact betweenness (all source nodes). */
        @WithDefault("10000")
        int exactMaxNodes();

        /** Source nodes sampled above {@link #exactMaxNodes()}; error shrinks with its square root. */
        @WithDefault("200")
        int samplingSize();

        /**
         * The most source nodes a run may ask for. Each source costs a walk of the whole graph (at 100k contacts and 1M
         * ties about a tenth of a second of one core): 2,000 take minutes, a run asking for 100,000 would hold the
         * run lock, and a snapshot transaction open, for hours, and nothing stops a run once started.
         */
        @WithDefault("2000")
        int maxSamplingSize();

        /** Fixed so that a sampled run is reproducible. */
        @WithDefault("42")
        long samplingSeed();

        /** Betweenness scales with threads, unlike the community algorithms; 1 keeps sums in a fixed order. */
        @WithDefault("1")
        int concurrency();

        /**
         * A sampled betweenness is computed in this many parts, each its share of the sources, at {@link #concurrency()}
         * on a thread and a graph of its own, and the parts' scores are summed (AlgorithmGraph.betweennessParts). GDS's
         * own threads would draw another sample every run; parts keep it fixed, so that a run is reproduced exactly
         * whatever the machine. 1: one sample, as before; 2 uses the core that sat idle beside betweenness on two
         * cores (bench/RESULTS.md, issue 17). A different value draws a different sample.
         */
        @WithDefault("2")
        int sampleParts();

        /**
         * Whether runs started by the schedule ({@link AnalyticsConfig#schedule()}) also get exact betweenness, computed
         * after the run is published ({@link ExactBetweenness}): the less frequent, exact complement of the sampled
         * betweenness that runs after graph changes get. A client asks for it per run (exactBetweenness).
         */
        @WithDefault("true")
        boolean exactOnSchedule();
    }

    /**
     * PageRank runs until no score moves by more than the tolerance between two iterations, or the iteration cap.
     * The default is where the ranking has settled: on the generated 100k / 1M network a tolerance of 1e-3 stops after
     * 32 iterations with the same top 1,000 as a converged run (1e-12, 100+ iterations) and no contact of the top 100
     * more than two places off; 1e-4 takes 46 iterations for one place (bench/RESULTS-analytics.md, the floor step).
     */
    interface PageRank {

        @WithDefault("0.001")
        double tolerance();

        @WithDefault("100")
        int maxIterations();
    }

    /** Start a run after this many graph changes (applied outbox rows) since the last run; 0 for never. */
    interface GraphChange {

        @WithDefault("0")
        long threshold();

        @WithDefault("60s")
        Duration checkInterval();
    }

    /** Parameters of a run when the request leaves them out. */
    interface Defaults {

        @WithDefault("1.0")
        double resolution();

        @WithDefault("0.0001")
        double tolerance();

        @WithDefault("10")
        int maxLevels();

        /** A contact is also a member of each other community holding at least this share of its tie strength. */
        @WithDefault("0.3")
        double overlapShare();

        /** A new community keeps a previous community's id when their Jaccard similarity is at least this. */
        @WithDefault("0.5")
        double identityOverlap();
    }

    /**
     * The in-memory cache of influencer pages and community details of the latest run (InsightCache). Changes made
     * through this replica take effect at once; the bound on age covers those made through other replicas (an erased
     * contact is checked on every read, whichever replica erased it).
     */
    interface ReadCache {

        /** false: every read is computed from PostgreSQL. */
        @WithDefault("true")
        boolean enabled();

        /** Answers kept, least recently used dropped first. */
        @WithDefault("2000")
        int maxEntries();

        /**
         * Contacts named, summed over the answers kept (least recently used dropped first): an answer's size grows with
         * the contacts it names (an influencer page of 200 with their neighbours names about 800), so this, not the
         * count of answers, bounds the memory the cache holds against callers asking for many large pages.
         */
        @WithDefault("100000")
        int maxNamed();

        /** An answer is computed again once this old. */
        @WithDefault("60s")
        Duration maxAge();
    }

    /**
     * At start, in the background, PageRank and the community algorithm run a few rounds, with a run's default
     * settings, on a graph generated in GDS's memory and then dropped, so that the first run after a start (a
     * deployment, a restart) finds their code compiled by the JIT instead of compiling it on the cores it computes on
     * (README.md, "The first run after a start").
     */
    interface WarmUp {

        /** false: the first run after a start compiles as it goes. */
        @WithDefault("true")
        boolean enabled();

        /** Contacts of the generated graph: enough for the algorithms' inner loops to be compiled. */
        @WithDefault("20000")
        @Min(2)
        @Max(1_000_000)
        int contacts();

        /** Ties a contact in the generated graph, on average (most of them inside its group, as in a real network). */
        @WithDefault("10")
        @Min(1)
        @Max(100)
        int averageDegree();

        /** Times PageRank and the community algorithm run on it, one after the other. */
        @WithDefault("3")
        @Min(1)
        @Max(10)
        int rounds();
    }

    /** Bounds of map exports. */
    interface Maps {

        @WithDefault("2000")
        int maxNodes();

        @WithDefault("20000")
        int maxEdges();
    }
}
