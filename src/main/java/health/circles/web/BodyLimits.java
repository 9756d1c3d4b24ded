package health.circles.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The one limit on request bodies, applied while a body streams in: before it is buffered, before the caller's token
 * is looked at and before any resource runs. Every route takes {@link HttpConfig#maxBodySize()}; an upload route
 * that a capability declares ({@link UploadRoute}: the import upload) takes its own limit, but only from a caller it
 * admits, checked before a byte of the body is read. Refusals are problem+json and close the connection.
 */
@ApplicationScoped
public class BodyLimits {

    /** Where Quarkus' blocking body stream looks for its own limit (set by the HTTP layer at order -2). */
    private static final String QUARKUS_LIMIT_KEY = "io.quarkus.max-request-size";
    private static final Logger LOG = Logger.getLogger(BodyLimits.class);

    private final long general;
    private final Map<String, UploadRoute> uploads;
    private final ObjectMapper json;
    private final Instance<ProblemFormat> formats;

    BodyLimits(HttpConfig http, Instance<UploadRoute> uploads, ObjectMapper json, Instance<ProblemFormat> formats) {
        this.general = http.maxBodySize().asLongValue();
        this.uploads = uploads.stream().collect(Collectors.toUnmodifiableMap(UploadRoute::path, u -> u));
        this.json = json;
        this.formats = formats;
    }

    void install(@Observes Router router) {
        // First of all routes: nothing has read the body yet (Quarkus holds every request paused until a handler
        // asks for its data), and no token has been verified.
        router.route().order(Integer.MIN_VALUE).handler(this::onHeaders);
        // After Quarkus authenticated the caller (order -150) and set its own stream limit (order -2).
        router.route().order(-1).handler(this::onAuthenticated);
    }

    private void onHeaders(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (!mayHaveBody(request)) {
            ctx.next();
            return;
        }
        // An answer that leaves before a body of unknown length came in (a refusal here, a 401 or 403 further on) ends
        // the connection: that body may never end. The rest of a declared length is read out and dropped, unbuffered,
        // so that a client that sends its whole body before reading the answer still gets it.
        ctx.addEndHandler(done -> {
            if (!request.isEnded() && unbounded(request)) {
                request.connection().close();
            }
        });
        UploadRoute upload = uploadRoute(ctx);
        long limit = upload == null ? general : upload.maxBytes();
        Long length = contentLength(request);
        if (upload != null && !hasBearerToken(request)) {
            refuse(ctx, RouteFailures.UNAUTHORIZED);
        } else if (length != null && length > limit) {
            refuse(ctx, tooLarge(limit));
        } else if (upload != null || length != null) {
            // A declared length bounds the body already; an upload is read only once its caller may import.
            ctx.next();
        } else {
            readCounting(ctx, general);
        }
    }

    /**
     * A body of unknown length (chunked, or HTTP/2 without Content-Length) is read here, counting every chunk before it
     * is kept, so that no more than the limit is ever held; JAX-RS then reads the kept body as it is.
     */
    @SuppressWarnings("deprecation") // setBody is how a handler hands a body it read to the routes after it
    private void readCounting(RoutingContext ctx, long limit) {
        HttpServerRequest request = ctx.request();
        if (request.isEnded()) {
            ctx.next();
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] refused = {false};
        request.handler(chunk -> {
            if (refused[0]) {
                return;
            }
            if ((long) body.length() + chunk.length() > limit) {
                refused[0] = true;
                request.pause();
                LOG.debugf("Refused a body over %d bytes to %s %s after reading %d bytes", limit, request.method(),
                        request.path(), request.bytesRead());
                refuse(ctx, tooLarge(limit));
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(e -> {
            // The client went away mid-body: nothing to answer.
            refused[0] = true;
            request.connection().close();
        });
        request.endHandler(end -> {
            if (!refused[0]) {
                ctx.setBody(body);
                ctx.next();
            }
        });
        if (request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true)) {
            ctx.response().writeContinue();
        }
        request.resume();
    }

    private void onAuthenticated(RoutingContext ctx) {
        UploadRoute upload = uploadRoute(ctx);
        if (upload == null || !mayHaveBody(ctx.request())) {
            ctx.next();
            return;
        }
        // Proactive authentication has put the caller on the context already: decide now, on this event-loop turn.
        // Deferring would let an HTTP/2 body end meanwhile, and JAX-RS can no longer pause an ended HTTP/2 request.
        if (ctx.user() instanceof QuarkusHttpUser user) {
            authorizeUpload(ctx, upload, user.getSecurityIdentity());
            return;
        }
        Context eventLoop = Vertx.currentContext();
        QuarkusHttpUser.getSecurityIdentity(ctx, null).subscribe().with(
                identity -> eventLoop.runOnContext(v -> authorizeUpload(ctx, upload, identity)),
                failure -> eventLoop.runOnContext(v -> refuse(ctx, RouteFailures.UNAUTHORIZED)));
    }

    private void authorizeUpload(RoutingContext ctx, UploadRoute upload, SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            refuse(ctx, RouteFailures.UNAUTHORIZED);
        } else if (!upload.admits(identity)) {
            // Left to the resource's @RolesAllowed, which refuses before reading the body and puts the attempt on the
            // audit trail; the connection is closed after that answer like after any other early one.
            ctx.next();
        } else {
            // The upload is counted where its owner streams it to storage (imports.ImportService), which answers 413
            // problem+json at its limit; Quarkus' stream would otherwise refuse at that same count first, with a bare 413.
            ctx.remove(QUARKUS_LIMIT_KEY);
            ctx.next();
        }
    }

    /** The upload route this request is a POST to, or null. */
    private UploadRoute uploadRoute(RoutingContext ctx) {
        return ctx.request().method() == HttpMethod.POST ? uploads.get(ctx.normalizedPath()) : null;
    }

    private static boolean mayHaveBody(HttpServerRequest request) {
        Long length = contentLength(request);
        if (length != null) {
            return length > 0;
        }
        return request.headers().contains(HttpHeaders.TRANSFER_ENCODING)
                || (request.version() == HttpVersion.HTTP_2 && !request.isEnded());
    }

    /** An HTTP/1.x body without a declared length: the connection is the only way to stop it. */
    private static boolean unbounded(HttpServerRequest request) {
        return request.version() != HttpVersion.HTTP_2 && contentLength(request) == null;
    }

    private static Long contentLength(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return null;
        }
        try {
            return Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return null; // the HTTP codec refuses a malformed length itself
        }
    }

    private static boolean hasBearerToken(HttpServerRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                && !authorization.substring(7).isBlank();
    }

    private static Problem tooLarge(long limit) {
        return new Problem(Problem.type("payload-too-large"), "Content Too Large", 413,
                "The request body may be at most " + limit + " bytes here", null, List.of());
    }

    private void refuse(RoutingContext ctx, Problem problem) {
        HttpServerResponse response = ctx.response();
        if (response.headWritten()) {
            ctx.request().connection().close();
            return;
        }
        Problem body = new Problem(problem.type(), problem.title(), problem.status(), problem.detail(),
                ctx.normalizedPath(), List.of());
        java.util.Optional<ProblemFormat> format = RouteFailures.formatOf(formats, ctx.normalizedPath());
        String text;
        try {
            text = format.isPresent() ? format.get().render(body) : json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        response.setStatusCode(problem.status()).putHeader(HttpHeaders.CONTENT_TYPE,
                format.map(ProblemFormat::mediaType).orElse(Problem.MEDIA_TYPE));
        if (problem.status() == 401) {
            response.putHeader("WWW-Authenticate", "Bearer");
        }
        if (unbounded(ctx.request())) {
            response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
        }
        response.end(text);
    }
}
