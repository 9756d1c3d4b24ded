package health.circles.failure;

import java.util.List;

/**
 * Well-formed input that a rule of the domain refuses: an unknown contact named in a body, a seed without consent, a
 * target too large, a memory budget exceeded.
 */
public final class RuleRefused extends DomainException {

    public RuleRefused(String code, String title, String detail) {
        super(code, title, detail, List.of());
    }

    /** A refusal that names the input fields it is about (e.g. an unknown contact in a body). */
    public RuleRefused(String code, String title, String detail, List<FieldError> errors) {
        super(code, title, detail, errors);
    }
}
