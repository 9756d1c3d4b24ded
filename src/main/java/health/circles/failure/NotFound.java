package health.circles.failure;

import java.util.List;

/** The thing named does not exist (or the caller may not know that it does). */
public final class NotFound extends DomainException {

    public NotFound(String what, Object id) {
        this("not-found", "Not Found", what + " " + id + " does not exist");
    }

    public NotFound(String code, String title, String detail) {
        super(code, title, detail, List.of());
    }
}
