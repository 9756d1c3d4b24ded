package health.circles.failure;

import java.util.List;

/** The caller's role allows the operation, but not on this object or in this way (a rule of access, not of roles). */
public final class NotPermitted extends DomainException {

    public NotPermitted(String code, String title, String detail) {
        super(code, title, detail, List.of());
    }
}
