package health.circles.web;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One page of a listing, the one envelope of every listing: {@code next} is the opaque cursor of the following page,
 * absent on the last one, which the client sends back as the {@code cursor} query parameter (docs/api.md).
 */
public record Page<T>(List<T> items,
                      @Schema(description = "Cursor of the next page, to send as the cursor query parameter; absent on the last page")
                      String next) {
}
