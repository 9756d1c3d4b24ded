package health.circles.analytics;

import health.circles.sync.BackgroundWork;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.jar.JarFile;
import org.jboss.logging.Logger;

/**
 * Runs PageRank and the community algorithm at start, a few rounds, in the background, on a graph of circles generated
 * in GDS's memory ({@link AlgorithmGraph#generate}), so that the first analytics run after a start finds their code
 * compiled.
 *
 * <p>Why: on two cores the first run after a start spent a third more time in Leiden and PageRank than the next one on
 * the same graph (bench/RESULTS.md, issue 17), because the JIT compiled GDS's inner loops on the same cores while they
 * ran beside betweenness. The generated graph never touches the store, has a name of its own, and is dropped on every
 * way out; a run started meanwhile is not held up by it.
 */
@ApplicationScoped
public class AlgorithmWarmUp {

    /**
     * What the warm-up did: the generated graph's size, each step's milliseconds (over every round), and the levels the
     * community algorithm ran (several on a graph of circles, as on a real network).
     */
    record Done(long contacts, long generateMillis, long pageRankMillis, long communitiesMillis, int levels) {
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
                                + "%d ms, communities %d ms (%d levels)", done.contacts(), done.generateMillis(),
                        done.pageRankMillis(), done.communitiesMillis(), done.levels());
            }
        } catch (RuntimeException e) {
            // Nothing depends on it: the first run compiles as it goes, as it did before.
            LOG.warnf("Analytics warm-up skipped: %s", e.getMessage());
        }
    }

    /**
     * Generates the graph, runs PageRank and the community algorithm on it, round after round, with a run's default
     * settings (mutate only: the generated graph is GDS's alone) and drops it. Null when the service began stopping first.
     */
    Done warmUp() {
        RunParameters p = RunParameters.of(null, config);
        int contacts = config.warmUp().contacts();
        String graph = "circles-warm-up-" + UUID.randomUUID();
        try {
            long started = System.nanoTime();
            loadIterators();
            algorithms.generate(graph, contacts, config.warmUp().averageDegree(), SEED);
            long generated = System.nanoTime();
            if (stopping) {
                return null;
            }
            long pageRank = 0;
            long communities = 0;
            int levels = 0;
            // Several rounds: in one, the JIT recompiled Leiden's local moves on a branch first taken late in the run
            // and had not compiled them fully again by its end (bench/RESULTS.md, issue 17).
            for (int round = 0; round < config.warmUp().rounds(); round++) {
                if (round > 0) {
                    algorithms.dropComputed(graph);
                }
                long began = System.nanoTime();
                algorithms.pageRank(graph, p);
                long ranked = System.nanoTime();
                if (stopping) {
                    return null;
                }
                levels = algorithms.communities(graph, p).levels();
                long grouped = System.nanoTime();
                pageRank += millis(began, ranked);
                communities += millis(ranked, grouped);
                if (stopping) {
                    return null;
                }
            }
            return new Done(contacts, millis(started, generated), pageRank, communities, levels);
        } finally {
            algorithms.drop(graph);
        }
    }

    /** The iterator classes of the hash collections Leiden's local moves go through ({@link #loadIterators}). */
    private static final String ITERATORS = "com/carrotsearch/hppc/AbstractIterator.class";

    /**
     * Loads every iterator class of HPPC, the hash collections GDS's community algorithm iterates, before the warm-up
     * has it compiled; returns how many it loaded. Why: while a single subclass of HPPC's iterator is loaded, the JIT's
     * class hierarchy analysis compiles Leiden's local moves with that one inlined as the only possible iterator. The
     * first run's projection loads another, and that throws the compiled local moves away just as the run needs them
     * (bench/RESULTS.md, issue 17, forty-third session). With every subclass loaded up front, the JIT inlines by the
     * types it saw run instead, which no class loaded later can undo. Loading defines the classes, it runs none of
     * them; when the library cannot be read as a jar nothing is loaded and the warm-up goes on.
     */
    static int loadIterators() {
        ClassLoader loader = AlgorithmWarmUp.class.getClassLoader();
        URL found = loader.getResource(ITERATORS);
        if (found == null) {
            return 0;
        }
        int loaded = 0;
        try {
            if (!(found.openConnection() instanceof JarURLConnection connection)) {
                return 0;
            }
            connection.setUseCaches(false);
            String folder = ITERATORS.substring(0, ITERATORS.lastIndexOf('/') + 1);
            try (JarFile jar = connection.getJarFile()) {
                for (var entries = jar.entries(); entries.hasMoreElements(); ) {
                    String name = entries.nextElement().getName();
                    if (name.startsWith(folder) && name.indexOf('/', folder.length()) < 0
                            && name.endsWith("Iterator.class")) {
                        Class.forName(name.substring(0, name.length() - ".class".length()).replace('/', '.'), false,
                                loader);
                        loaded++;
                    }
                }
            }
        } catch (IOException | ClassNotFoundException | LinkageError e) {
            LOG.debugf("HPPC's iterators not all loaded before the warm-up: %s", e);
        }
        return loaded;
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }
}
