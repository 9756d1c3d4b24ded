package health.circles.web;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One page of a listing; {@code next} is the opaque cursor of the following page, absent on the last one. */
public record Page<T>(List<T> items, @Schema(description = "Cursor for the next page; absent on the last page") String next) {
}
