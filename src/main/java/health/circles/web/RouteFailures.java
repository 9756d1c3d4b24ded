package health.circles.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Turns failures that happen before JAX-RS (token verification, HTTP permission rules, bodies the HTTP layer refuses)
 * into problem+json, like every other error; JAX-RS-level ones go through {@link ProblemMappers}.
 */
@ApplicationScoped
public class RouteFailures {

    public static final Problem UNAUTHORIZED = new Problem(Problem.type("unauthorized"), "Unauthorized", 401,
            "A valid bearer token is required (Authorization: Bearer <token>)", null, List.of());
    public static final Problem FORBIDDEN = new Problem(Problem.type("forbidden"), "Forbidden", 403,
            "Your role does not allow this request", null, List.of());

    private static final Logger LOG = Logger.getLogger(RouteFailures.class);

    private final ObjectMapper json;
    private final jakarta.enterprise.inject.Instance<ProblemFormat> formats;

    RouteFailures(ObjectMapper json, jakarta.enterprise.inject.Instance<ProblemFormat> formats) {
        this.json = json;
        this.formats = formats;
    }

    /** The format that writes errors on {@code path}, when a capability declared one. */
    static java.util.Optional<ProblemFormat> formatOf(jakarta.enterprise.inject.Instance<ProblemFormat> formats,
                                                      String path) {
        for (ProblemFormat format : formats) {
            if (path != null && format.covers(path)) {
                return java.util.Optional.of(format);
            }
        }
        return java.util.Optional.empty();
    }

    void install(@Observes Router router) {
        router.route().order(-100).failureHandler(this::handle);
    }

    private void handle(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        Problem problem;
        if (failure instanceof AuthenticationFailedException || failure instanceof UnauthorizedException
                || (failure == null && ctx.statusCode() == 401)) {
            problem = UNAUTHORIZED;
        } else if (failure instanceof ForbiddenException || (failure == null && ctx.statusCode() == 403)) {
            problem = FORBIDDEN;
        } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            String reason = Problem.reason(ctx.statusCode());
            problem = new Problem(Problem.type(ctx.statusCode() == 413 ? "payload-too-large" : "bad-request"), reason,
                    ctx.statusCode(), reason, null, List.of());
        } else {
            String incident = UUID.randomUUID().toString();
            LOG.errorf(failure, "Unexpected failure before the API, incident %s", incident);
            problem = new Problem(Problem.type("internal"), "Internal Server Error", 500,
                    "The request could not be completed; quote incident " + incident + " when reporting it", null,
                    List.of());
        }
        if (ctx.response().headWritten()) {
            ctx.next();
            return;
        }
        respond(ctx, problem);
    }

    private void respond(RoutingContext ctx, Problem problem) {
        Problem body = new Problem(problem.type(), problem.title(), problem.status(), problem.detail(),
                ctx.normalizedPath(), List.of());
        try {
            java.util.Optional<ProblemFormat> format = formatOf(formats, ctx.normalizedPath());
            ctx.response().setStatusCode(problem.status())
                    .putHeader("Content-Type", format.map(ProblemFormat::mediaType).orElse(Problem.MEDIA_TYPE));
            if (problem.status() == 401) {
                ctx.response().putHeader("WWW-Authenticate", "Bearer");
            }
            ctx.response().end(format.isPresent() ? format.get().render(body) : json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            ctx.next();
        }
    }
}
