package health.circles.failure;

import java.util.List;

/** A request the domain cannot carry out, for a reason the caller caused or must act on. */
public abstract sealed class DomainException extends RuntimeException
        permits NotFound, InvalidInput, Conflict, StaleVersion, PreconditionRequired, RuleRefused, NotPermitted,
        TooLarge, Unavailable, Gone {

    private final String code;
    private final String title;
    private final List<FieldError> errors;

    protected DomainException(String code, String title, String detail, List<FieldError> errors) {
        super(detail, null, false, false);
        this.code = code;
        this.title = title;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /** Stable, machine-readable code: the problem type's last segment (e.g. {@code stale-version}). */
    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    /** The fields at fault, when the failure is about the input. */
    public List<FieldError> errors() {
        return errors;
    }

    /** One input field at fault and why. */
    public record FieldError(String field, String reason) {
    }
}
