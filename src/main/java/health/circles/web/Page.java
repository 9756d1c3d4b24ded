package health.circles.web;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One page of a listing, the one envelope of every listing: {@code next} is the opaque cursor of the following page,
 * absent on the last one, which the client sends back as the {@code cursor} query parameter (docs/api.md);
 * {@code total} counts every item of the listing, on every page, where counting is cheap, and is absent elsewhere.
 */
public record Page<T>(List<T> items,
                      @Schema(description = "Cursor of the next page, to send as the cursor query parameter; absent on the last page")
                      String next,
                      @Schema(description = "How many items the whole listing holds, present on the listings where counting is "
                              + "cheap (docs/api.md names them); absent elsewhere")
                      Long total) {

    /** A page of a listing that is not counted. */
    public Page(List<T> items, String next) {
        this(items, next, null);
    }

    /** A page of a counted listing. */
    public static <T> Page<T> counted(List<T> items, String next, long total) {
        return new Page<>(items, next, total);
    }
}
