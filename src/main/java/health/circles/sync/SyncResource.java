package health.circles.sync;

import health.circles.security.Audited;
import health.circles.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;

/** Operators' view of how Neo4j keeps in step with PostgreSQL. */
@Path("/api/v1/admin/sync")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Admin")
public class SyncResource {

    private final SyncMonitor monitor;
    private final Reconciler reconciler;
    private final GraphRebuild rebuild;
    private final DeadLetters deadLetters;

    SyncResource(SyncMonitor monitor, Reconciler reconciler, GraphRebuild rebuild, DeadLetters deadLetters) {
        this.monitor = monitor;
        this.reconciler = reconciler;
        this.rebuild = rebuild;
        this.deadLetters = deadLetters;
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "getSyncStatus",
            summary = "Outbox backlog, last applied position and lag of the graph behind PostgreSQL")
    public SyncStatus status() {
        return monitor.status();
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Path("reconcile")
    @Audited(resource = "graph", action = "reconcile", idParam = "", when = Audited.When.BEFORE_WORK)
    @Operation(operationId = "reconcileGraph", summary = "Find and repair drift between PostgreSQL and the graph",
            description = "Compares every contact and tie (ids, versions, graph properties) and repairs what is "
                    + "missing, extra or stale in the graph; answers with counts per category and sample ids")
    @APIResponse(responseCode = "200", description = "Compared and repaired; counts per category, some ids of each",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Reconciler.Report.class)))
    @APIResponse(responseCode = "409", description = "A rebuild is running (rebuild-running); it leaves the graph in "
            + "step, reconcile afterwards if need be")
    public Reconciler.Report reconcile() {
        return reconciler.reconcile();
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Path("rebuild")
    @Audited(resource = "graph", action = "rebuild", idParam = "", when = Audited.When.BEFORE_WORK)
    @Operation(operationId = "rebuildGraph", summary = "Reload the graph from PostgreSQL as a background job")
    @APIResponse(responseCode = "202", description = "Started; follow Location for progress", headers = @Header(name = "Location", ref = "Location"),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = GraphRebuild.View.class)))
    @APIResponse(responseCode = "409", description = "A rebuild is already running")
    public Response rebuild(@Context UriInfo uri) {
        GraphRebuild.View view = rebuild.start();
        return Response.accepted(view).location(uri.getAbsolutePathBuilder().path(view.id().toString()).build()).build();
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Path("rebuild/{id}")
    @Operation(operationId = "getGraphRebuild", summary = "A rebuild's state and progress")
    @APIResponse(responseCode = "404", description = "No such rebuild")
    public GraphRebuild.View rebuildStatus(@Parameter(description = "The rebuild's id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id) {
        return rebuild.get(SyncParams.id("id", id));
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Path("dead-letters")
    @Audited(resource = "sync-dead-letter", action = "list", idParam = "")
    @Operation(operationId = "listDeadLetters", summary = "Outbox rows the relay gave up on",
            description = "Oldest first, cursor paged; each with its last error, attempts and the rows of its "
                    + "aggregate parked behind it")
    public DeadLetters.Listing deadLetters(
            @Parameter(description = "1 to 200, default 50") @QueryParam("limit") String limit,
            @Parameter(description = "Cursor from the previous page") @QueryParam("cursor") String next) {
        return deadLetters.list(SyncParams.limit(limit, 50, 200), next);
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Path("dead-letters/{id}/retry")
    @Audited(resource = "sync-dead-letter", action = "retry")
    @Operation(operationId = "retryDeadLetter", summary = "Put a dead letter back in the outbox",
            description = "At its own position with its attempts reset, so it goes before the rows parked behind "
                    + "it; if it fails its attempts again it is a dead letter again")
    @APIResponse(responseCode = "204", description = "Back in the outbox; the relay takes it at once")
    @APIResponse(responseCode = "404", description = "No such dead letter")
    public Response retry(
            @Parameter(description = "The dead letter's outbox position", schema = @Schema(type = SchemaType.INTEGER, format = "int64")) @PathParam("id") String position) {
        deadLetters.retry(DeadLetters.position(position));
        return Response.noContent().build();
    }

    @DELETE
    @RolesAllowed(Roles.ADMIN)
    @Path("dead-letters/{id}")
    @Audited(resource = "sync-dead-letter", action = "discard")
    @Operation(operationId = "discardDeadLetter", summary = "Discard a dead letter",
            description = "The change is dropped and the rows parked behind it go on; run reconcile to repair "
                    + "the graph from PostgreSQL")
    @APIResponse(responseCode = "204", description = "Discarded")
    @APIResponse(responseCode = "404", description = "No such dead letter")
    public Response discard(
            @Parameter(description = "The dead letter's outbox position", schema = @Schema(type = SchemaType.INTEGER, format = "int64")) @PathParam("id") String position) {
        deadLetters.discard(DeadLetters.position(position));
        return Response.noContent().build();
    }
}
