package health.circles.failure;

import java.util.List;

/** The request conflicts with the current state (a duplicate, a job already running, a finished job). */
public final class Conflict extends DomainException {

    public Conflict(String code, String detail) {
        this(code, "Conflict", detail);
    }

    public Conflict(String code, String title, String detail) {
        super(code, title, detail, List.of());
    }

    /** A conflict that names the input fields it is about (e.g. a channel under an opt-out). */
    public Conflict(String code, String title, String detail, List<FieldError> errors) {
        super(code, title, detail, errors);
    }
}
