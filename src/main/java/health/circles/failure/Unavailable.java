package health.circles.failure;

import java.time.Duration;
import java.util.List;

/** A store or a resource the request needs is not available now; the caller may retry after {@link #retryAfter}. */
public final class Unavailable extends DomainException {

    private final Duration retryAfter;

    public Unavailable(String code, String title, String detail, Duration retryAfter) {
        super(code, title, detail, List.of());
        this.retryAfter = retryAfter;
    }

    /** When to retry, or null when unknown. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
