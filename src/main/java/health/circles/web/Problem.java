package health.circles.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An RFC 9457 problem detail, the body of every 4xx and 5xx answer. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@Schema(name = "Problem", description = "RFC 9457 problem detail")
public record Problem(
        @Schema(description = "Stable identifier of the kind of problem") URI type,
        String title,
        int status,
        String detail,
        String instance,
        @Schema(description = "For validation problems: each offending field and why") List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://circles.health/problems/";

    public static URI type(String slug) {
        return URI.create(TYPE_BASE + slug);
    }

    /** One offending field of a request. */
    public record FieldError(String field, String reason) {}
}
