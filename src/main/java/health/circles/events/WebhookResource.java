package health.circles.events;

import health.circles.security.Audited;
import health.circles.security.RateLimited;
import health.circles.security.Roles;
import health.circles.web.Ids;
import health.circles.web.Page;
import health.circles.web.Problem;
import health.circles.web.QueryParams;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
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
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Webhook subscriptions over HTTP (docs/events.md). Every write is audited; the audit rows name the subscription,
 * never its secret. Creation is not replayed through Idempotency-Key: the stored answer would keep the secret.
 */
@Path("/api/v1/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Webhooks", description = "Signed deliveries of change events (Standard Webhooks)")
@APIResponse(responseCode = "400", description = "Bad Request",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "403", description = "The role may not manage webhooks",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class WebhookResource {

    static final int MAX_LIMIT = 200;
    private static final String NOT_FOUND = "No such webhook, or another owner's";

    private final WebhookService webhooks;

    WebhookResource(WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Audited(resource = "webhook", action = "create")
    @Operation(operationId = "createWebhook", summary = "Subscribe a URL to change events", description = """
            Events of the types named are POSTed to the URL in position order, from the next event on, signed as \
            Standard Webhooks say (webhook-id, webhook-timestamp, webhook-signature). The answer carries the signing \
            secret (whsec_...) once; it is never shown again. The URL must be https and resolve to public addresses \
            only. A type the owner's roles may not see is refused (403).""")
    @APIResponse(responseCode = "201", description = "Created; Location names it; the body holds the secret, once",
            content = @Content(schema = @Schema(implementation = WebhookView.class)))
    @APIResponse(responseCode = "409", description = "The owner holds the most subscriptions one may")
    @APIResponse(responseCode = "422", description = "The URL resolves to a non-public address, or not at all",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response create(@NotNull @Valid WebhookInput body, @Context UriInfo uri) {
        WebhookView created = webhooks.create(body);
        return Response.created(uri.getAbsolutePathBuilder().path(created.id().toString()).build())
                .entity(created).build();
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Operation(operationId = "listWebhooks", summary = "List webhook subscriptions",
            description = "An admin sees every subscription, anyone else their own; by id, cursor paged")
    @APIResponse(responseCode = "200", description = "A page of subscriptions, without secrets")
    public Page<WebhookView> list(
            @Parameter(description = "1 to 200, default 50",
                    schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "200"))
            @QueryParam("limit") String limit,
            @Parameter(description = "Cursor from the previous page") @QueryParam("cursor") String cursor) {
        return webhooks.list(cursor, QueryParams.limit(limit, 50, MAX_LIMIT));
    }

    @GET
    @Path("{id}")
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Operation(operationId = "getWebhook", summary = "Read a webhook subscription", description = "Without its secret")
    @APIResponse(responseCode = "200", description = "The subscription")
    @APIResponse(responseCode = "404", description = NOT_FOUND,
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public WebhookView get(@PathParam("id") @Schema(format = "uuid") String id) {
        return webhooks.get(Ids.parse("id", id));
    }

    @PATCH
    @Path("{id}")
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Audited(resource = "webhook", action = "update")
    @Operation(operationId = "updateWebhook", summary = "Change a webhook subscription", description = """
            Only the fields given change. enabled: false pauses deliveries; enabled: true resumes them where they \
            stopped, also after automatic disabling (repeated failures, a 410 from the target), once the URL passes \
            the target check again.""")
    @APIResponse(responseCode = "200", description = "The subscription as changed")
    @APIResponse(responseCode = "409", description = "Re-enabling while another call changed the URL "
            + "(concurrent-update): read it again and retry",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = NOT_FOUND,
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "The URL resolves to a non-public address, or not at all",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public WebhookView update(@PathParam("id") @Schema(format = "uuid") String id,
                              @NotNull @Valid WebhookChange body) {
        return webhooks.update(Ids.parse("id", id), body);
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Audited(resource = "webhook", action = "delete")
    @Operation(operationId = "deleteWebhook", summary = "Delete a webhook subscription and its delivery log")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = NOT_FOUND,
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response delete(@PathParam("id") @Schema(format = "uuid") String id) {
        webhooks.delete(Ids.parse("id", id));
        return Response.noContent().build();
    }

    @POST
    @Path("{id}/rotate-secret")
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Audited(resource = "webhook", action = "rotate-secret")
    @Operation(operationId = "rotateWebhookSecret", summary = "Replace a webhook's signing secret", description = """
            The new secret is in the answer, once. For the grace period (24 h by default; previousSecretUntil) the old \
            secret signs beside it: webhook-signature then carries both signatures, space-separated, so the receiver \
            can switch over without losing a delivery.""")
    @APIResponse(responseCode = "200", description = "The subscription with its new secret, shown once")
    @APIResponse(responseCode = "404", description = NOT_FOUND,
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public WebhookView rotate(@PathParam("id") @Schema(format = "uuid") String id) {
        return webhooks.rotate(Ids.parse("id", id));
    }

    @POST
    @Path("{id}/replay")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Audited(resource = "webhook", action = "replay")
    @RateLimited(name = "webhook-replays", permits = 60, per = "PT1H")
    @Operation(operationId = "replayWebhook", summary = "Deliver events again from a position", description = """
            The events of the subscription's types from the position on are delivered again, in order, with the \
            webhook-id they had (evt_<position>); failures are cleared. A disabled subscription replays once enabled. \
            Rate limited per owner (webhook-replays, 60 an hour by default), across their subscriptions.""")
    @APIResponse(responseCode = "200", description = "The subscription, its delivery point moved")
    @APIResponse(responseCode = "404", description = NOT_FOUND,
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "410", description = "from is below the oldest event kept (events-purged)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public WebhookView replay(@PathParam("id") @Schema(format = "uuid") String id, @NotNull @Valid ReplayRequest body) {
        return webhooks.replay(Ids.parse("id", id), body.from());
    }

    @GET
    @Path("{id}/deliveries")
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Operation(operationId = "listWebhookDeliveries", summary = "A webhook's delivery log, newest first",
            description = "One row per attempt: event position, attempt, time, HTTP status, latency, error, next retry")
    @APIResponse(responseCode = "200", description = "A page of attempts")
    @APIResponse(responseCode = "404", description = NOT_FOUND,
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Page<DeliveryView> deliveries(
            @PathParam("id") @Schema(format = "uuid") String id,
            @Parameter(description = "1 to 200, default 50",
                    schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "200"))
            @QueryParam("limit") String limit,
            @Parameter(description = "Cursor from the previous page") @QueryParam("cursor") String cursor) {
        return webhooks.deliveries(Ids.parse("id", id), cursor, QueryParams.limit(limit, 50, MAX_LIMIT));
    }
}
