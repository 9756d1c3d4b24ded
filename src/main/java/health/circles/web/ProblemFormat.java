package health.circles.web;

/**
 * How the errors of a capability's own protocol are written, for paths that do not speak problem+json (the FHIR
 * endpoint answers OperationOutcome). Web knows that such formats exist; the owner says for which paths and how.
 * {@link RouteFailures} and {@link BodyLimits} (errors before JAX-RS) ask it; the owner converts JAX-RS-level
 * problems itself.
 */
public interface ProblemFormat {

    /** Whether errors on this normalised path are written in this format. */
    boolean covers(String path);

    /** The media type of the error body. */
    String mediaType();

    /** The body of {@code problem} in this format. */
    String render(Problem problem);
}
