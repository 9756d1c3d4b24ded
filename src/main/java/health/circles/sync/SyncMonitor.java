package health.circles.sync;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/** Reads the relay's progress from PostgreSQL and the relay's view of Neo4j. */
@ApplicationScoped
public class SyncMonitor {

    private final OutboxStore outbox;
    private final GraphRelay relay;

    SyncMonitor(OutboxStore outbox, GraphRelay relay) {
        this.outbox = outbox;
        this.relay = relay;
    }

    public SyncStatus status() {
        OutboxStore.Status st = outbox.status();
        double lag = st.oldestPending() == null ? 0
                : Math.max(0, Duration.between(st.oldestPending(), st.now()).toMillis() / 1000.0);
        long last = Math.max(st.lastPosition(), st.appliedPosition());
        // A dead letter is a change the graph lacks until an operator acts: the graph is not in step.
        SyncStatus.State state = relay.graphUp() && st.deadLetters() == 0 ? SyncStatus.State.UP
                : SyncStatus.State.DEGRADED;
        return new SyncStatus(state, st.backlog(), lag, st.appliedPosition(), last, st.appliedAt(), st.deadLetters(),
                st.parked(), st.lastError() != null ? st.lastError() : relay.lastError(), st.lastErrorAt());
    }
}
