package health.circles.failure;

import java.util.List;

/** What the caller sent is over a size limit. */
public final class TooLarge extends DomainException {

    public TooLarge(String title, String detail) {
        super("payload-too-large", title, detail, List.of());
    }
}
