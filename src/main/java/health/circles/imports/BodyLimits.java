package health.circles.imports;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Request body limits per route, checked before the HTTP layer's own check (order -2). The HTTP layer's global limit (quarkus.http.limits.max-body-size) is set to the
 * import size, the largest any route takes; this filter holds every other route to circles.http.max-body-size.
 */
@ApplicationScoped
public class BodyLimits {

    /** Where Quarkus' body readers look for the limit of chunked bodies without a Content-Length. */
    private static final String LIMIT_KEY = "io.quarkus.max-request-size";

    void install(@Observes Router router, @ConfigProperty(name = "circles.http.max-body-size") MemorySize general,
                 ImportConfig imports) {
        long limit = general.asLongValue();
        long importLimit = imports.maxSize().asLongValue();
        router.route().order(-3).handler(ctx -> {
            boolean upload = ctx.request().method() == HttpMethod.POST && "/api/v1/imports".equals(ctx.normalizedPath());
            long allowed = upload ? importLimit : limit;
            String length = ctx.request().getHeader("Content-Length");
            if (length != null) {
                try {
                    if (Long.parseLong(length.strip()) > allowed) {
                        ctx.response().setStatusCode(413).putHeader("Content-Type", "application/problem+json")
                                .putHeader("Connection", "close")
                                .end("{\"type\":\"https://circles.health/problems/payload-too-large\",\"title\":"
                                        + "\"Payload too large\",\"status\":413,\"detail\":\"The body may be at most "
                                        + allowed + " bytes here\",\"instance\":\"" + ctx.normalizedPath()
                                        .replace("\"", "") + "\"}");
                        return;
                    }
                } catch (NumberFormatException e) {
                    // Vert.x rejects a malformed Content-Length itself.
                }
            }
            ctx.put(LIMIT_KEY, allowed);
            ctx.next();
        });
    }
}
