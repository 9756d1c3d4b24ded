package health.circles.fhir;

import health.circles.web.Problem;
import health.circles.web.ProblemFormat;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;
import java.net.URI;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Errors under /fhir are FHIR OperationOutcomes ({@code application/fhir+json}), never problem+json: the problem every
 * other layer produces (a role check, an unknown parameter, a refused body, a domain failure) is rewritten here, with
 * one issue per field at fault; its type stays as the issue's coded detail, so clients can branch on it.
 */
@ApplicationScoped
@Provider
public class FhirProblems implements ProblemFormat, ContainerResponseFilter {

    /** The code system of the issue details: the problem types of the REST API. */
    static final String PROBLEM_SYSTEM = "https://circles.health/problems";

    private final FhirBodies bodies;

    FhirProblems(FhirBodies bodies) {
        this.bodies = bodies;
    }

    @Override
    public boolean covers(String path) {
        String p = path.startsWith("/") ? path : "/" + path; // JAX-RS gives it relative to the application
        return p.equals("/fhir") || p.startsWith("/fhir/");
    }

    @Override
    public String mediaType() {
        return FhirBodies.FHIR_JSON_TYPE.toString();
    }

    @Override
    public String render(Problem problem) {
        return bodies.encode(outcome(problem));
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.getEntity() instanceof Problem problem && covers(request.getUriInfo().getPath())) {
            response.setEntity(outcome(problem), response.getEntityAnnotations(), FhirBodies.FHIR_JSON_TYPE);
            response.getHeaders().putSingle("Content-Type", FhirBodies.FHIR_JSON_TYPE.toString());
        }
    }

    /** The OperationOutcome of a problem: an issue per field at fault, or one for the whole request. */
    static OperationOutcome outcome(Problem problem) {
        OperationOutcome outcome = new OperationOutcome();
        IssueType type = issueType(problem);
        if (problem.errors() == null || problem.errors().isEmpty()) {
            outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(type)
                    .setDetails(details(problem, problem.detail() == null ? problem.title() : problem.detail()));
        } else {
            for (Problem.FieldError error : problem.errors()) {
                OperationOutcome.OperationOutcomeIssueComponent issue = outcome.addIssue()
                        .setSeverity(IssueSeverity.ERROR).setCode(type)
                        .setDetails(details(problem, error.field() + " " + error.reason()));
                if (error.field() != null && !error.field().isBlank()) {
                    issue.addExpression(error.field());
                }
            }
        }
        return outcome;
    }

    private static CodeableConcept details(Problem problem, String text) {
        CodeableConcept details = new CodeableConcept().setText(Texts.clip(text, 2000));
        if (problem.type() != null) {
            details.addCoding().setSystem(PROBLEM_SYSTEM).setCode(slug(problem.type())).setDisplay(problem.title());
        }
        return details;
    }

    private static String slug(URI type) {
        String s = type.toString();
        return s.substring(s.lastIndexOf('/') + 1);
    }

    private static IssueType issueType(Problem problem) {
        String slug = problem.type() == null ? "" : slug(problem.type());
        if (slug.equals("unknown-code")) {
            return IssueType.CODEINVALID;
        }
        if (slug.equals("malformed-json")) {
            return IssueType.STRUCTURE;
        }
        if (slug.equals("not-supported")) {
            return IssueType.NOTSUPPORTED;
        }
        return switch (problem.status()) {
            case 400 -> IssueType.INVALID;
            case 401 -> IssueType.LOGIN;
            case 403 -> IssueType.FORBIDDEN;
            case 404 -> IssueType.NOTFOUND;
            case 405, 406, 415 -> IssueType.NOTSUPPORTED;
            case 409, 412 -> IssueType.CONFLICT;
            case 413 -> IssueType.TOOCOSTLY;
            case 422 -> IssueType.BUSINESSRULE;
            case 429 -> IssueType.THROTTLED;
            default -> problem.status() >= 500 ? IssueType.EXCEPTION : IssueType.INVALID;
        };
    }
}
