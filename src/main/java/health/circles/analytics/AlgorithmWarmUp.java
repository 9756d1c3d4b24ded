package health.circles.analytics;

import health.circles.sync.BackgroundWork;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Runs PageRank and the community algorithm once at start, in the background, on a random graph GDS generates in
 * memory, so that the first analytics run after a start finds their code compiled.
 *
 * <p>Why: on two cores the first run after a start spent a third more time in Leiden and PageRank than the next one on
 * the same graph (bench/RESULTS.md, issue 17), because the JIT compiled GDS's inner loops on the same cores while they
 * ran beside betweenness. The generated graph never touches the store, has a name of its own, and is dropped on every
 * way out; a run started meanwhile is not held up by it.
 */
@ApplicationScoped
public class AlgorithmWarmUp {

    /** What the warm-up did: the generated graph's size and each step's milliseconds. */
    record Done(long contacts, long generateMillis, long pageRankMillis, long communitiesMillis) {
    }

    private static final Logger LOG = Logger.getLogger(AlgorithmWarmUp.class);
    /** The generated graph's ties, the same every start. */
    private static final long SEED = 42;

    private final AlgorithmGraph algorithms;
    private final AnalyticsConfig config;
    private final BackgroundWork background;
    private volatile boolean stopping;
    private volatile CompletableFuture<Void> current = CompletableFuture.completedFuture(null);

    AlgorithmWarmUp(AlgorithmGraph algorithms, AnalyticsConfig config, BackgroundWork background) {
        this.algorithms = algorithms;
        this.config = config;
        this.background = background;
    }

    void onStart(@Observes StartupEvent event) {
        if (config.warmUp().enabled()) {
            current = background.runAsync(this::warmUpLogged);
        }
    }

    /** Lets a warm-up in progress end (a step takes a few seconds at most) before the graph driver closes. */
    void onStop(@Observes @jakarta.annotation.Priority(10) ShutdownEvent event) {
        stopping = true;
        if (!BackgroundWork.awaitEnd(current, Duration.ofSeconds(10))) {
            LOG.debug("Analytics warm-up still stopping");
        }
    }

    private void warmUpLogged() {
        try {
            Done done = warmUp();
            if (done != null) {
                LOG.infof("Analytics warmed up on a generated graph of %d contacts: generated in %d ms, PageRank "
                                + "%d ms, communities %d ms", done.contacts(), done.generateMillis(),
                        done.pageRankMillis(), done.communitiesMillis());
            }
        } catch (RuntimeException e) {
            // Nothing depends on it: the first run compiles as it goes, as it did before.
            LOG.warnf("Analytics warm-up skipped: %s", e.getMessage());
        }
    }

    /**
     * Generates the graph, runs PageRank and the community algorithm on it with a run's default settings (mutate only:
     * a generated graph cannot be written) and drops it. Null when the service began stopping first.
     */
    Done warmUp() {
        RunParameters p = RunParameters.of(null, config);
        long contacts = config.warmUp().contacts();
        String graph = "circles-warm-up-" + UUID.randomUUID();
        try {
            long started = System.nanoTime();
            algorithms.generate(graph, contacts, config.warmUp().averageDegree(), SEED);
            long generated = System.nanoTime();
            if (stopping) {
                return null;
            }
            algorithms.pageRank(graph, p);
            long ranked = System.nanoTime();
            if (stopping) {
                return null;
            }
            algorithms.communities(graph, p);
            long grouped = System.nanoTime();
            return new Done(contacts, millis(started, generated), millis(generated, ranked), millis(ranked, grouped));
        } finally {
            algorithms.drop(graph);
        }
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }
}
