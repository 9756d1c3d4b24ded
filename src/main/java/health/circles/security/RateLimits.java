package health.circles.security;

import health.circles.web.Problem;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Enforces {@link RateLimited}: one resilience4j limiter per (limit name, subject), so one busy client cannot starve
 * the others. Limiters live in this replica's memory; with several replicas each enforces the limit on its own (the
 * effective limit is per replica, which docs/security.md states).
 */
@ApplicationScoped
public class RateLimits {

    private final RateLimiterRegistry registry = RateLimiterRegistry.ofDefaults();
    private final SecurityConfig config;
    private final Callers callers;

    RateLimits(SecurityConfig config, Callers callers) {
        this.config = config;
        this.callers = callers;
    }

    @ServerRequestFilter
    public Response check(ContainerRequestContext request, ResourceInfo resource) {
        Method method = resource == null ? null : resource.getResourceMethod();
        RateLimited limit = method == null ? null : method.getAnnotation(RateLimited.class);
        if (limit == null || !counts(limit, request)) {
            return null;
        }
        RateLimiter limiter = limiter(limit, callers.current().subject());
        if (limiter.acquirePermission()) {
            return null;
        }
        long waitNanos = ((io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter) limiter)
                .getDetailedMetrics().getNanosToWait();
        long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
        return Response.status(429)
                .type(Problem.MEDIA_TYPE)
                .header("Retry-After", seconds)
                .entity(new Problem(Problem.type("rate-limited"), Problem.reason(429), 429,
                        "At most " + limiter.getRateLimiterConfig().getLimitForPeriod() + " calls per "
                                + limiter.getRateLimiterConfig().getLimitRefreshPeriod() + " to " + limit.name()
                                + "; retry in " + seconds + " s",
                        request.getUriInfo().getPath(), List.of()))
                .build();
    }

    /** Whether a call counts against its limit: every call, unless the limit is {@link RateLimited#onlyWith} one. */
    private static boolean counts(RateLimited limit, ContainerRequestContext request) {
        if (limit.onlyWith().isEmpty()) {
            return true;
        }
        String value = request.getUriInfo().getQueryParameters().getFirst(limit.onlyWith());
        if (value == null || value.isBlank()) {
            return false;
        }
        try {
            return Long.parseLong(value.strip()) != 0;
        } catch (NumberFormatException e) {
            return true; // refused by the endpoint, and counted like any refused call
        }
    }

    private RateLimiter limiter(RateLimited limit, String subject) {
        int permits = limit.permits();
        Duration period = Duration.parse(limit.per());
        SecurityConfig.Limit configured = config.rateLimits().get(limit.name());
        if (configured != null) {
            permits = configured.permits().orElse(permits);
            period = configured.period().orElse(period);
            SecurityConfig.SubjectLimit own = configured.subjects().get(subject);
            if (own != null) {
                permits = own.permits().orElse(permits);
                period = own.period().orElse(period);
            }
        }
        int finalPermits = Math.max(1, permits);
        Duration finalPeriod = period;
        return registry.rateLimiter(limit.name() + "\u001f" + subject, () -> RateLimiterConfig.custom()
                .limitForPeriod(finalPermits)
                .limitRefreshPeriod(finalPeriod)
                .timeoutDuration(Duration.ZERO)
                .build());
    }
}
