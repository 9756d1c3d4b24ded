package health.circles.failure;

import java.util.List;

/** A change was asked without saying which version it changes. */
public final class PreconditionRequired extends DomainException {

    public PreconditionRequired(String title, String detail) {
        super("precondition-required", title, detail, List.of());
    }
}
