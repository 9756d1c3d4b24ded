package health.circles.failure;

import java.util.List;

/** The request's input is malformed or breaks a field's rules. */
public final class InvalidInput extends DomainException {

    public InvalidInput(String code, String title, String detail, List<FieldError> errors) {
        super(code, title, detail, errors);
    }

    /** One field is invalid: {@code field: reason}. */
    public static InvalidInput field(String field, String reason) {
        return new InvalidInput("validation", "Bad Request", field + ": " + reason,
                List.of(new FieldError(field, reason)));
    }

    /** The request as a whole is malformed, for a reason named by {@code code}. */
    public static InvalidInput request(String code, String detail) {
        return new InvalidInput(code, "Bad Request", detail, List.of());
    }
}
