package health.circles.failure;

import java.util.List;

/** What the caller asks for existed once and is gone for good (events past their retention). */
public final class Gone extends DomainException {

    public Gone(String code, String title, String detail) {
        super(code, title, detail, List.of());
    }
}
