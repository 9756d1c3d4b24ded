package health.circles.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An RFC 9457 problem detail, the body of every 4xx and 5xx answer. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@Schema(name = "Problem", description = "RFC 9457 problem detail, the body of every 4xx and 5xx answer "
        + "(application/problem+json). Branch on type, never on title.",
        requiredProperties = {"type", "title", "status"}, example = """
        {"type": "https://circles.health/problems/validation", "title": "Bad Request", "status": 400,
         "detail": "email: must be a well-formed email address", "instance": "/api/v1/contacts",
         "errors": [{"field": "email", "reason": "must be a well-formed email address"}]}""")
public record Problem(
        @Schema(description = "Stable identifier of the kind of problem, "
                + "https://circles.health/problems/<slug> (validation, not-found, stale-version, ...)") URI type,
        @Schema(description = "The status's reason phrase, or a short statement of a specific refusal") String title,
        @Schema(description = "The HTTP status code") int status,
        @Schema(description = "What went wrong with this request, for a person") String detail,
        @Schema(description = "The path of the request") String instance,
        @Schema(description = "Extension: each offending field and why (validation, unknown-parameter)")
        List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://circles.health/problems/";

    public static URI type(String slug) {
        return URI.create(TYPE_BASE + slug);
    }

    /**
     * The RFC 9110 reason phrase of a status: the title of every generic problem (see docs/api.md, "Problem
     * titles"), so one status has one title however the answer came about.
     */
    public static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 406 -> "Not Acceptable";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 411 -> "Length Required";
            case 412 -> "Precondition Failed";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Content";
            case 428 -> "Precondition Required";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Internal Server Error" : "Bad Request";
        };
    }

    /** One offending field of a request. */
    @Schema(name = "FieldError", description = "One offending field (a body path such as consent.EMAIL.at, or a "
            + "query parameter) and why")
    public record FieldError(String field, String reason) {}
}
