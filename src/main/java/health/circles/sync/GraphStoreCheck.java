package health.circles.sync;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Makes sure, before the relay applies anything, that the graph store is the one PostgreSQL's applied changes went to
 * ({@link GraphIdentityStore}). When it is not (the store was emptied or replaced while PostgreSQL kept its data), the
 * graph is rebuilt from PostgreSQL on the relay's own thread, so that no change is applied to a graph that lacks what
 * came before it, and the relay goes on from there. Asked at every drain; after the first answer that the store is
 * known it costs nothing.
 */
@ApplicationScoped
class GraphStoreCheck {

    private static final Logger LOG = Logger.getLogger(GraphStoreCheck.class);

    /** How long after a rebuild it started failed the relay waits before it starts another. */
    static final Duration RETRY_AFTER_FAILURE = Duration.ofMinutes(5);

    private final GraphIdentityStore identity;
    private final GraphProjections projections;
    private final GraphRebuild rebuild;
    private final GraphVersionStore versions;
    private volatile boolean known;
    private volatile Instant retryAt = Instant.MIN;

    GraphStoreCheck(GraphIdentityStore identity, GraphProjections projections, GraphRebuild rebuild,
                    GraphVersionStore versions) {
        this.versions = versions;
        this.identity = identity;
        this.projections = projections;
        this.rebuild = rebuild;
    }

    /**
     * Whether the relay may apply changes to the graph: the store is the recorded one, or was taken as it is, or a
     * rebuild just filled it. False while another rebuild runs or after one failed; the relay asks again at its next drain.
     */
    boolean ready() {
        if (known) {
            return true;
        }
        boolean waiting = Instant.now().isBefore(retryAt); // after a failed rebuild: only one through the API counts
        String store = identity.current();
        Optional<String> recorded = identity.recorded();
        if (recorded.isPresent() && recorded.get().equals(store)) {
            known = true;
            return true;
        }
        if (waiting) {
            return false;
        }
        GraphVersion version = versions.current();
        boolean nothingApplied = version.appliedPosition() == 0 && version.appliedBatches() == 0;
        boolean graphEmpty = identity.graphEmpty();
        // PostgreSQL's rows are counted last, and only for an empty graph: a million ties take a while to count.
        if (nothingApplied || recorded.isEmpty() && !graphEmpty || graphEmpty && !postgresHoldsRows()) {
            // The outbox still holds every change (none was applied anywhere), or there is nothing to bring over, or
            // the graph was kept from before stores were recorded (V48): taken as it is; the relay applies what is
            // pending, and a reconcile repairs any drift a kept graph has.
            identity.record(store);
            known = true;
            return true;
        }
        LOG.warnf("The graph store %s is not the one PostgreSQL's applied changes went to (%s)%s: rebuilding it from "
                + "PostgreSQL before the relay applies anything", store, recorded.orElse("none recorded"),
                graphEmpty ? ", and it is empty" : "");
        switch (rebuild.rebuildHere()) {
            case SUCCEEDED -> {
                known = true;
                return true;
            }
            case FAILED -> {
                retryAt = Instant.now().plus(RETRY_AFTER_FAILURE);
                LOG.warnf("The graph store's rebuild failed; the relay holds its changes and tries again in %s, or "
                        + "after POST /api/v1/admin/sync/rebuild succeeds", RETRY_AFTER_FAILURE);
                return false;
            }
            default -> {
                return false; // another rebuild runs; it records the store when it succeeds
            }
        }
    }

    private boolean postgresHoldsRows() {
        return projections.sources().stream().anyMatch(source -> source.count() > 0);
    }
}
