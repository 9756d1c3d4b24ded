package health.circles.sync;

import health.circles.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Operators' view of how Neo4j keeps in step with PostgreSQL. */
@Path("/api/v1/admin/sync")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Admin")
public class SyncResource {

    private final SyncMonitor monitor;

    SyncResource(SyncMonitor monitor) {
        this.monitor = monitor;
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Outbox backlog, last applied position and lag of the graph behind PostgreSQL")
    public SyncStatus status() {
        return monitor.status();
    }
}
