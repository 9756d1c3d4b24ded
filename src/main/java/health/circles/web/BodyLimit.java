package health.circles.web;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers oversize request bodies with problem+json. The HTTP layer enforces quarkus.http.limits.max-body-size before
 * JAX-RS sees the request, so the exception mappers never get the chance: a body announced as too large is refused
 * here before it is read, and one that turns out too large while streaming reaches the router's 413 handler.
 */
@ApplicationScoped
public class BodyLimit {

    private final long maxBytes;

    BodyLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10M") MemorySize max) {
        this.maxBytes = max.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::checkLength);
        router.errorHandler(413, this::tooLarge);
    }

    private void checkLength(RoutingContext ctx) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > maxBytes) {
                    tooLarge(ctx);
                    return;
                }
            } catch (NumberFormatException e) {
                // Not ours to judge; the HTTP codec refuses a malformed Content-Length itself.
            }
        }
        ctx.next();
    }

    private void tooLarge(RoutingContext ctx) {
        if (ctx.response().headWritten()) {
            ctx.response().close();
            return;
        }
        JsonObject problem = new JsonObject()
                .put("type", Problem.type("payload-too-large").toString())
                .put("title", "Payload too large")
                .put("status", 413)
                .put("detail", "The request body is larger than " + maxBytes + " bytes")
                .put("instance", ctx.request().path());
        // The unread rest of the body would otherwise be taken for the next request on this connection.
        ctx.response().setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(problem.encode());
    }
}
