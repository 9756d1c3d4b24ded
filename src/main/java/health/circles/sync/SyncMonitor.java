package health.circles.sync;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;

/** Reads the relay's progress from PostgreSQL and the relay's view of Neo4j. */
@ApplicationScoped
public class SyncMonitor {

    private final OutboxStore outbox;
    private final GraphRelay relay;
    private final RebuildStore rebuilds;

    SyncMonitor(OutboxStore outbox, GraphRelay relay, RebuildStore rebuilds) {
        this.outbox = outbox;
        this.relay = relay;
        this.rebuilds = rebuilds;
    }

    public SyncStatus status() {
        OutboxStore.Status st = outbox.status();
        double lag = st.oldestPending() == null ? 0
                : Math.max(0, Duration.between(st.oldestPending(), st.now()).toMillis() / 1000.0);
        long last = Math.max(st.lastPosition(), st.appliedPosition());
        // A dead letter is a change the graph lacks until an operator acts: the graph is not in step. So is a graph
        // whose latest rebuild failed: it may have been wiped and only partly loaded again.
        Optional<RebuildStore.Latest> rebuild = rebuilds.latest().filter(r -> r.state().equals("FAILED"));
        SyncStatus.State state = relay.graphUp() && st.deadLetters() == 0 && rebuild.isEmpty() ? SyncStatus.State.UP
                : SyncStatus.State.DEGRADED;
        String error = st.lastError() != null ? st.lastError() : relay.lastError();
        if (rebuild.isPresent()) {
            error = "graph rebuild " + rebuild.get().id() + " failed (" + rebuild.get().error() + "); start another"
                    + (error == null ? "" : ". " + error);
        }
        return new SyncStatus(state, st.backlog(), lag, st.appliedPosition(), last, st.appliedAt(), st.deadLetters(),
                st.parked(), error, st.lastErrorAt());
    }
}
