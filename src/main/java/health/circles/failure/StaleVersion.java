package health.circles.failure;

import java.util.List;

/** The caller changed a record from a version that is no longer current (optimistic concurrency). */
public final class StaleVersion extends DomainException {

    public StaleVersion(String title, String detail) {
        super("stale-version", title, detail, List.of());
    }
}
