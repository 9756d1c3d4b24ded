package health.circles.sync;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the graph side. The service stays ready while Neo4j is down (PostgreSQL takes every write and the
 * outbox keeps it), so this check reports UP with {@code state=DEGRADED} and the lag rather than taking the
 * replica out of the load balancer. Dead letters make it DEGRADED too, never DOWN: every replica would go DOWN
 * together over one bad change and the whole service would stop answering; the dead-letter count and metric page an
 * operator instead.
 */
@Readiness
@ApplicationScoped
public class GraphSyncCheck implements HealthCheck {

    private final SyncMonitor monitor;

    GraphSyncCheck(SyncMonitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public HealthCheckResponse call() {
        SyncStatus status = monitor.status();
        return HealthCheckResponse.named("graph-sync")
                .up()
                .withData("state", status.state().name())
                .withData("backlog", status.backlog())
                .withData("lagSeconds", String.valueOf(status.lagSeconds()))
                .withData("deadLetters", status.deadLetters())
                .withData("parked", status.parked())
                .withData("lastError", status.lastError() == null ? "" : status.lastError())
                .build();
    }
}
