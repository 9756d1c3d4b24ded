package health.circles.web;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers oversize request bodies with problem+json. The HTTP layer enforces quarkus.http.limits.max-body-size before
 * JAX-RS sees the request, so the exception mappers never get the chance: a body announced as too large is refused
 * here before it is read, and a streamed one that turns out too large fails the route, whose 413 handler answers.
 */
@ApplicationScoped
public class BodyLimit {

    private final long maxBytes;
    private final BodyHandler streamed;

    BodyLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10M") MemorySize max) {
        this.maxBytes = max.asLongValue();
        this.streamed = BodyHandler.create(false).setBodyLimit(maxBytes);
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::checkLength);
        // First in line among failure handlers too, ahead of Quarkus' own, which would answer with an empty body.
        router.route().order(Integer.MIN_VALUE).failureHandler(ctx -> {
            if (ctx.statusCode() == 413) {
                tooLarge(ctx);
            } else {
                ctx.next();
            }
        });
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
        } else if (ctx.request().headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
            // A streamed body of unknown length: buffered here (the JAX-RS layer reads a buffered body as it is), so
            // that going over the limit fails the route with 413, which the handler below answers. Left to the JAX-RS
            // layer, it would end the response with an empty 413 of its own.
            streamed.handle(ctx);
            return;
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
